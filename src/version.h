/* version: the release number printed by `tessera --version`. */
#ifndef TS_VERSION_H
#define TS_VERSION_H
#define TESSERA_VERSION "0.1.0"
#endif
