/* net_json: the model file — a network as versioned, self-describing JSON.
 *
 *   {"format": "tessera-cnn1d", "version": 1,
 *    "architecture": {"layer": "conv"|"local", "activation": "relu"|"exp",
 *        "pooling": "max"|"avg"|"both", "filters": K, "width": W,
 *        "length": L (local; 0 for conv), "rc_tie": true|false,
 *        "classes": ["neg", "pos"], "output": "sigmoid"|"softmax"},
 *    "tensors": {"conv_w": {"shape": [banks, W, 4, K],
 *                           "axes": ["bank", "column", "base", "filter"],
 *                           "data": [… row-major …]},
 *                "conv_b": {"shape": [banks, K], …},
 *                "dense_w": {"shape": [outputs, features], …},
 *                "dense_b": {"shape": [outputs], …}},
 *    "training": {…}}          (optional, free-form: how the model was made)
 *
 * Bases are A, C, G, T; features are the K max-pooled values, then the K
 * averages (pooling "both").  Numbers are written with 17 significant
 * digits, so every weight reads back bit for bit. */
#ifndef TS_NET_JSON_H
#define TS_NET_JSON_H

#include <stdio.h>
#include <jansson.h>
#include "cnn1d/net.h"

#define NET_JSON_VERSION 1

/** Write the model, with `training` (borrowed, may be NULL) as its
 *  "training" member.  @return TS_OK, TS_EDATA (a parameter is not finite:
 *  nothing is written) or TS_EIO. */
int net_json_write(const net_t *n, const json_t *training, FILE *fp);

/** Read a model file into n (net_free() it).  @return TS_OK; TS_EIO when
 *  unreadable; TS_EDATA with "path: what is wrong" for a file that is not
 *  JSON, not a tessera model, from a newer version, or has a missing or
 *  inconsistent field. */
int net_json_read(const char *path, net_t *n, char *err);

#endif
