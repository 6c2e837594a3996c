/* threads: run one function on several arguments at once (see threads.h). */
#include <pthread.h>
#include <stdlib.h>
#include "util/threads.h"

void ts_run_all(int n, void *(*fn)(void *), void *args, size_t size)
{
	pthread_t *th = n > 1 ? calloc(n, sizeof *th) : NULL;
	char *started = n > 1 ? calloc(n, 1) : NULL;
	int i;
	for (i = 1; th && started && i < n; i++) started[i] = pthread_create(&th[i], NULL, fn, (char *)args + i * size) == 0;
	for (i = 0; i < n; i++)
		if (!started || !started[i]) fn((char *)args + i * size);  /* without memory for threads: all here */
	for (i = 1; started && i < n; i++)
		if (started[i]) pthread_join(th[i], NULL);
	free(th);
	free(started);
}
