/* paths: locate bundled data files (see paths.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/paths.h"

#ifndef TS_DATADIR
#define TS_DATADIR "/usr/local/share/tessera"
#endif

/* dir/rel if that file is readable, else NULL. */
static char *try_path(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);
	if (p == NULL) return NULL;
	snprintf(p, n, "%s/%s", dir, rel);
	if (access(p, R_OK) == 0) return p;
	free(p);
	return NULL;
}

char *ts_data_path(const char *rel)
{
	char exe[PATH_MAX], *slash, *p;
	const char *env = getenv("TESSERA_DATA");
	ssize_t n;
	if (env && *env && (p = try_path(env, rel))) return p;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 32)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			strcpy(slash, "/data");
			if ((p = try_path(exe, rel))) return p;
			strcpy(slash, "/../share/tessera");
			if ((p = try_path(exe, rel))) return p;
		}
	}
	return try_path(TS_DATADIR, rel);
}
