/* train: minibatch AdamW training of a net on labelled sequences, with a
 * stratified validation/test split, early stopping on validation auROC, and
 * threads that never change the result.
 *
 * Split: each class's sequences are shuffled (seeded) and the first
 * round(test·n_c) go to the test set, the next round(val·n_c) to validation,
 * the rest to training.  Sequences marked DATA_VAL or DATA_TEST (data.h:
 * explicit held-out files) go to that set instead and are not counted in
 * n_c; a caller that gives such files sets the matching fraction to 0.  Each epoch visits the training set in a new seeded
 * order in batches of B; the loss is the batch mean of −log P(label), so the
 * step uses (1/B)·Σ gradients.  After each epoch the validation auROC (class
 * 1 against class 0 for two classes; the mean of one-vs-rest auROCs for
 * more) is computed; the parameters of the best epoch are kept and training
 * stops after `patience` epochs without improvement.  Without a validation
 * set every epoch is run and the last parameters are kept.
 *
 * Determinism: a batch is cut into fixed chunks of TRAIN_CHUNK examples
 * whatever the number of threads; each chunk's gradient is accumulated in
 * example order into its own buffer, and the buffers are summed in chunk
 * order.  Threads only decide who computes which chunk, so the sums — and
 * the model — are bit-identical for any thread count. */
#ifndef TS_TRAIN_H
#define TS_TRAIN_H

#include "cnn1d/data.h"
#include "cnn1d/net.h"

#define TRAIN_CHUNK 8

/* Called after each minibatch: epoch (1-based), training sequences done in
 * this epoch of n, and their mean loss so far. */
typedef void (*train_progress_fn)(int epoch, int done, int n, double loss, void *ctx);

typedef struct {
	double lr, weight_decay;  /* AdamW step size and decoupled decay */
	double val_frac, test_frac;
	int batch, epochs, patience, threads;
	unsigned long seed;       /* split and epoch orders */
	train_progress_fn progress;  /* may be NULL */
	void *progress_ctx;
} train_opts_t;

/** lr 1e-3, weight decay 1e-4, val 0.1, test 0.1, batch 64, 30 epochs,
 *  patience 5, 1 thread, seed 1, no progress callback. */
void train_opts_init(train_opts_t *o);

typedef struct {
	int epoch;                 /* 1-based */
	double train_loss;         /* mean over the epoch's batches' examples */
	double val_loss, val_auroc, val_auprc;  /* NaN without validation */
	double seconds;            /* wall time of the epoch */
} train_epoch_t;

typedef struct {
	train_epoch_t *curve;      /* n_epoch entries, owned */
	int n_epoch, best_epoch;
	int n_train, n_val, n_test;
	double test_loss, test_auroc, test_auprc;  /* NaN without a test set */
	double seq_per_s;          /* training throughput (forward + backward + step, wall) */
	double seq_per_cpu_s;      /* the same per CPU second of all threads (fair on a busy machine) */
} train_result_t;

/* Called after each epoch (progress lines); may be NULL. */
typedef void (*train_epoch_fn)(const train_epoch_t *e, void *ctx);

/** Train net (initialised by the caller) on d.
 *  @param res  filled here; free with train_result_free()
 *  @return TS_OK; TS_EDATA (a sequence the net cannot take, a class without
 *  training sequences, or a non-finite loss: training diverged); TS_ENOMEM. */
int train_run(net_t *net, const data_t *d, const train_opts_t *o, train_epoch_fn cb, void *ctx, train_result_t *res,
	      char *err);
void train_result_free(train_result_t *r);

/** Class probabilities of sequences idx[0..n) of d into prob (n·n_class),
 *  in `threads` threads.  @return TS_OK or TS_ENOMEM. */
int train_predict(const net_t *net, const data_t *d, const int *idx, int n, int threads, double *prob);

/** Mean loss, auROC and auPRC (as for validation, above) of predictions
 *  prob of sequences idx[0..n).  @return TS_OK or TS_ENOMEM. */
int train_evaluate(const net_t *net, const data_t *d, const int *idx, int n, const double *prob, double *loss, double *auroc,
		   double *auprc);

#endif
