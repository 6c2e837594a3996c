/* threads: one function run on several arguments at once, the calling
 * thread taking its share (start-up work and the final writes of a scan,
 * too short-lived for a pool). */
#ifndef TS_THREADS_H
#define TS_THREADS_H

#include <stddef.h>

/** Run fn on each of the n arguments args[0..n) of `size` bytes: argument
 *  0, and any whose thread could not be started, in the calling thread, the
 *  others each in a thread of its own; returns when every call has ended.
 *  Results travel in the arguments. */
void ts_run_all(int n, void *(*fn)(void *), void *args, size_t size);

#endif
