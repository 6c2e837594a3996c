/* json: pair-HMM parameters, fits and likelihood-ratio tests as JSON
 * (jansson), so a fit can be read back as the start or the parameters of
 * another run.
 *
 * Parameters:
 *   {"dX": 0.02, "dY": 0.02, "eX": 0.4, "eY": 0.4, "tau": 0.01,
 *    "match": [[pAA, pAC, pAG, pAT], …4 rows…], "qX": [A, C, G, T], "qY": […]}
 * rows and columns in A, C, G, T order (match[a][b]: a from sequence 1).
 * A reader accepts that object at the top level or under "params", so the
 * JSON of `tessera pairhmm fit` (and of `align`) is a valid parameter file.
 * Numbers are written with 17 significant digits, so a double survives the
 * round trip exactly. */
#ifndef TS_PHMM_JSON_H
#define TS_PHMM_JSON_H

#include <stdio.h>
#include <jansson.h>
#include "pairhmm/em.h"
#include "pairhmm/lrt.h"
#include "pairhmm/model.h"

/** New JSON object of the parameters (caller json_decref()s); NULL: no memory. */
json_t *phmm_params_to_json(const phmm_params_t *p);

/** Parameters from an object (the object itself, or its "params" member).
 *  Every field is checked, then phmm_params_check().  `what` names the
 *  source in messages ("file: 'dX' is missing").  0 or TS_EDATA. */
int phmm_params_from_json(const json_t *j, const char *what, phmm_params_t *p, char *err);

/** Read a parameter file.  0, TS_EIO (cannot open) or TS_EDATA
 *  ("file:line: JSON syntax", or a field error as above). */
int phmm_params_read(const char *path, phmm_params_t *p, char *err);

/** {"spec": ["gap-open", …], "np": 21, "lnL": …, "iterations": …,
 *   "converged": true, "params": {…}}.  Caller json_decref()s. */
json_t *phmm_fit_to_json(const phmm_fit_t *f);

/** {"D", "df", "p", "aic_null", "aic_alt", "bic_null", "bic_alt",
 *   "open_ratio", "extend_ratio", "mean_gap_x", "mean_gap_y"}. */
json_t *phmm_lrt_to_json(const phmm_lrt_t *l);

/** A number for JSON: a real, or null when not finite (JSON has no inf/NaN). */
json_t *phmm_json_num(double v);

/** Dump `j` to fp, indented, 17 significant digits, final newline.
 *  0 or TS_EIO. */
int phmm_json_dump(const json_t *j, FILE *fp);

#endif
