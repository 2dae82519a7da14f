/*
 * qr/batch: many symbols built (and optionally rendered to PNG) on several
 * threads.  Work is handed out in small chunks through an atomic counter;
 * the calling thread works too, so a thread that cannot be started only
 * slows the batch down.  Each worker has its own PNG renderer.
 * Layer: qr module over pthreads.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace/error.h"
#include "trace/qr.h"
#include "qr_internal.h"
#include "error_internal.h"
#include "util/alloc.h"

#define CHUNK 8
#define MAX_THREADS 256

typedef struct job {
	const char *const *texts;
	size_t count;
	const trace_qr_opts *opts;
	int module_px;
	trace_qr **qrs;  /* trace_qr_batch_new */
	trace_buf *pngs; /* trace_qr_batch_png */
	atomic_size_t next;
	atomic_size_t fail_index; /* lowest failing index, or SIZE_MAX */
	pthread_mutex_t lock;
	int fail_rc;
	char fail_msg[512];
} job;

typedef struct worker {
	job *j;
	trace_qr_renderer *r;
} worker;

static void record(job *j, size_t i, int rc)
{
	pthread_mutex_lock(&j->lock);
	if (i < atomic_load(&j->fail_index)) {
		atomic_store(&j->fail_index, i);
		j->fail_rc = rc;
		/* The detail is thread-local: copy it for the calling thread. */
		snprintf(j->fail_msg, sizeof j->fail_msg, "%s", trace_error_last()->message);
	}
	pthread_mutex_unlock(&j->lock);
}

static void *work(void *arg)
{
	worker *w = arg;
	job *j = w->j;
	for (;;) {
		size_t start = atomic_fetch_add(&j->next, CHUNK);
		if (start >= j->count)
			break;
		size_t end = start + CHUNK < j->count ? start + CHUNK : j->count;
		for (size_t i = start; i < end && i < atomic_load(&j->fail_index); i++) {
			trace_qr *qr;
			int rc = trace_qr_new(&qr, j->texts[i], j->opts);
			if (rc == TRACE_OK && j->pngs) {
				rc = trace_qr_renderer_png(&j->pngs[i], w->r, qr, j->module_px);
				trace_qr_free(qr);
			} else if (rc == TRACE_OK) {
				j->qrs[i] = qr;
			}
			if (rc != TRACE_OK)
				record(j, i, rc);
		}
	}
	return NULL;
}

static unsigned thread_count(unsigned threads, size_t count)
{
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	size_t chunks = (count + CHUNK - 1) / CHUNK;
	if (chunks < threads)
		threads = chunks ? (unsigned)chunks : 1;
	return threads;
}

static int run(job *j, unsigned threads)
{
	unsigned n = thread_count(threads, j->count);
	worker w[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	int rc = TRACE_OK;
	atomic_init(&j->next, 0);
	atomic_init(&j->fail_index, SIZE_MAX);
	pthread_mutex_init(&j->lock, NULL);
	for (unsigned t = 0; t < n; t++) {
		w[t].j = j;
		w[t].r = NULL;
		if (j->pngs && rc == TRACE_OK)
			rc = trace_qr_renderer_new(&w[t].r);
	}
	if (rc == TRACE_OK) {
		for (unsigned t = 1; t < n; t++)
			started[t] = pthread_create(&tid[t], NULL, work, &w[t]) == 0;
		work(&w[0]);
		for (unsigned t = 1; t < n; t++)
			if (started[t])
				pthread_join(tid[t], NULL);
	}
	for (unsigned t = 0; t < n; t++)
		trace_qr_renderer_free(w[t].r);
	pthread_mutex_destroy(&j->lock);
	if (rc != TRACE_OK)
		return rc;
	size_t bad = atomic_load(&j->fail_index);
	if (bad == SIZE_MAX)
		return TRACE_OK;
	for (size_t i = 0; i < j->count; i++) {
		if (j->qrs) {
			trace_qr_free(j->qrs[i]);
			j->qrs[i] = NULL;
		} else {
			trace_buf_dispose(&j->pngs[i]);
		}
	}
	return trace__fail(j->fail_rc, "text %zu: %s", bad, j->fail_msg);
}

static int check_texts(const char *const *texts, size_t count, const char *fn)
{
	if (count && texts == NULL)
		return trace__fail(TRACE_EINVAL, "%s: texts is NULL", fn);
	for (size_t i = 0; i < count; i++)
		if (texts[i] == NULL)
			return trace__fail(TRACE_EINVAL, "%s: text %zu is NULL", fn, i);
	return TRACE_OK;
}

int trace_qr_batch_new(trace_qr **outs, const char *const *texts, size_t count,
                       const trace_qr_opts *opts, unsigned threads)
{
	if (count && outs == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_batch_new: outs is NULL");
	for (size_t i = 0; i < count; i++)
		outs[i] = NULL;
	int rc = check_texts(texts, count, "trace_qr_batch_new");
	if (rc != TRACE_OK || count == 0)
		return rc;
	job j = { .texts = texts, .count = count, .opts = opts, .qrs = outs };
	return run(&j, threads);
}

int trace_qr_batch_png(trace_buf *outs, const char *const *texts, size_t count,
                       const trace_qr_opts *opts, int module_px, unsigned threads)
{
	if (count && outs == NULL)
		return trace__fail(TRACE_EINVAL, "trace_qr_batch_png: outs is NULL");
	for (size_t i = 0; i < count; i++)
		outs[i] = (trace_buf)TRACE_BUF_INIT;
	int rc = check_texts(texts, count, "trace_qr_batch_png");
	if (rc != TRACE_OK || count == 0)
		return rc;
	if (module_px < 1 || module_px > TRACE_QR_MAX_MODULE)
		return trace__fail(TRACE_EINVAL, "trace_qr_batch_png: module size %d pixels: expected 1 to %d",
		                   module_px, TRACE_QR_MAX_MODULE);
	job j = { .texts = texts, .count = count, .opts = opts, .module_px = module_px, .pngs = outs };
	return run(&j, threads);
}
