/* paths: find tessera's bundled data (the default motif database) at run time.
 *
 * Search order: $TESSERA_DATA; the build tree (<dir of the executable>/data);
 * a relocated install (<dir of the executable>/../share/tessera); and the
 * compiled-in PREFIX/share/tessera. */
#ifndef TS_PATHS_H
#define TS_PATHS_H

/* Bundled default motif database, relative to the data directory. */
#define TS_DEFAULT_MOTIFS "motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt"

/** Path of the bundled file `rel` (e.g. TS_DEFAULT_MOTIFS), or NULL if it is
 *  in none of the places searched.  Caller frees the result. */
char *ts_data_path(const char *rel);

#endif
