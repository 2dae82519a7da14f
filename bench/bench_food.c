/*
 * bench/bench_food: the food scenario of issues 4 and 5 in a libtrace event
 * ledger, each figure next to its target and, where one applies, the raw
 * limit of the libraries underneath measured in the same run.
 *
 *   build/bench/bench_food [--small] [--out FILE] [--results FILE] [--keep]
 *
 * --results FILE writes "key<TAB>value" lines for bench/run; --keep leaves
 * the ledger in place (for profiling queries) and prints where.
 *
 * The scenario (scenario.c, the same steps bench/pg/bench_pg loads into
 * PostgreSQL): 10 farms, 1,000 raw-milk lots, 100 production lots made by
 * transformation, 1,000,000 items packed 24 to a case and 40 cases to a
 * pallet, 1,100 pallets shipped to 500 shops and received; 87,800 events.
 * --small is 1/100 of it (878 events, one production lot of 10,000 items)
 * and is what the test suite runs: no timing assertions, but any failing
 * call or wrong answer exits 1.
 *
 * Phases:
 *  1. ingest (in a child process, so that its memory does not hide the
 *     queries'): events built with the event.h setters, appended with
 *     trace_ledger_append in durable batches of 1,000, a checkpoint signed
 *     after every batch (trace_log_checkpoint_sign; origin = key name);
 *  2. the raw limit of that ingest (another child): the same encoded events
 *     appended to raw_limits.c's raw ledger and the same index rows written
 *     by hand with LMDB (raw_food.c), same batches, durable;
 *  3. queries on the reopened ledger (this process): history of random items
 *     (a warm-up pass, then a timed pass over the same sample), status of
 *     items, trace forward from raw lots, a full audit, then a recall of a
 *     production lot of 10,000 items and checks of the statuses.
 * Peak RSS (ru_maxrss: heap plus the LMDB map pages the process touched) is
 * reported per phase; the heap a single query holds is measured separately
 * (glibc mallinfo2 sampled at every step of the query), and is the figure
 * that must not depend on the ledger's size (bench/run compares --small
 * and full).
 *
 * Single-threaded; nothing is pinned.  Everything lives in a temporary
 * directory under $TMPDIR (or /tmp), removed at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <trace/trace.h>

#include "bench_util.h"
#include "raw_food.h"
#include "raw_limits.h"
#include "scenario.h"

#define ORIGIN "bench.example/food"
#define BATCH 1000
#define MAPSIZE ((uint64_t)8 << 30)	/* no growth mid-run */
#define HISTORY_SAMPLE_FULL 10000
#define HISTORY_SAMPLE_SMALL 1000
#define STATUS_SAMPLE 1000
#define FORWARD_RUNS 11
#define RECALL_LOT_FULL 42
#define TZ_MINUTES 60

#define progress(...) bench_progress("bench_food", __VA_ARGS__)


static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(p * (double)n);
	return v[i < n ? i : n - 1];
}

/* Heap bytes in use (glibc); 0 where unknown. */
static uint64_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();
	return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
#else
	return 0;
#endif
}

/* ---- events from scenario steps ------------------------------------------ */

static trace_event *build_event(const scn_step *s)
{
	trace_event *ev = NULL;
	int type = s->kind == SCN_TRANSFORM ? TRACE_EVENT_TRANSFORMATION
	         : s->kind == SCN_PACK ? TRACE_EVENT_AGGREGATION : TRACE_EVENT_OBJECT;
	BENCH_CHECK(trace_event_new(&ev, type));
	BENCH_CHECK(trace_event_set_time(ev, s->time_ms, TZ_MINUTES));
	if (s->kind != SCN_TRANSFORM)
		BENCH_CHECK(trace_event_set_action(ev, s->kind == SCN_SHIP || s->kind == SCN_RECEIVE
		                                           ? TRACE_ACTION_OBSERVE : TRACE_ACTION_ADD));
	if (s->parent)
		BENCH_CHECK(trace_event_add_code(ev, TRACE_ROLE_PARENT, s->parent));
	for (size_t i = 0; i < s->ncodes; i++)
		BENCH_CHECK(trace_event_add_code(ev, TRACE_ROLE_ITEM, s->codes[i]));
	if (s->klass)
		BENCH_CHECK(trace_event_add_quantity(ev, TRACE_ROLE_ITEM, s->klass, s->qty, s->uom));
	for (size_t i = 0; i < s->ninputs; i++)
		BENCH_CHECK(trace_event_add_quantity(ev, TRACE_ROLE_INPUT, s->inputs[i], s->qty, s->uom));
	if (s->output)
		BENCH_CHECK(trace_event_add_quantity(ev, TRACE_ROLE_OUTPUT, s->output, s->output_qty, s->output_uom));
	BENCH_CHECK(trace_event_set_biz_step(ev, s->biz_step));
	if (s->disposition)
		BENCH_CHECK(trace_event_set_disposition(ev, s->disposition));
	if (s->read_point)
		BENCH_CHECK(trace_event_set_read_point(ev, s->read_point));
	if (s->biz_location)
		BENCH_CHECK(trace_event_set_biz_location(ev, s->biz_location));
	if (s->source)
		BENCH_CHECK(trace_event_add_party(ev, TRACE_PARTY_SOURCE, "owning_party", s->source));
	if (s->destination)
		BENCH_CHECK(trace_event_add_party(ev, TRACE_PARTY_DESTINATION, "owning_party", s->destination));
	if (s->lot)
		BENCH_CHECK(trace_event_set_lot(ev, s->lot, s->production_ms, s->expiry_ms));
	return ev;
}

/* ---- phase 1: libtrace ingest (child process) ---------------------------- */

typedef struct ingest_out {
	double total_s, build_s, append_s, sign_s, cpu_s;
	double batch_p50, batch_p99, sign_p50;
	uint64_t events, checkpoints, rss;
	/* raw limit */
	double raw_s, raw_log_s, raw_index_s, raw_checkpoint_s, raw_audit_s, raw_encode_s;
	uint64_t raw_puts, raw_gets, raw_rss, raw_entry_bytes;
} ingest_out;

typedef struct ingest_ctx {
	trace_ledger *l;
	trace_signer *signer;
	trace_event *evs[BATCH];
	size_t n;
	uint64_t appended;
	double build_s, append_s, sign_s;
	double *batch_s, *sign_each;
	size_t nbatches;
} ingest_ctx;

static void ingest_flush(ingest_ctx *c)
{
	uint64_t first = UINT64_MAX;
	trace_buf note = TRACE_BUF_INIT;
	if (c->n == 0)
		return;
	double t0 = bench_now();
	BENCH_CHECK(trace_ledger_append(c->l, &first, c->evs, c->n, INT64_MIN));
	double t1 = bench_now();
	/* A signed checkpoint every 1,000 events: after every batch. */
	BENCH_CHECK(trace_log_checkpoint_sign(&note, trace_ledger_log(c->l), c->signer));
	double t2 = bench_now();
	BENCH_REQUIRE(first == c->appended, "append returned index %" PRIu64 ", expected %" PRIu64, first, c->appended);
	trace_buf_dispose(&note);
	c->append_s += t1 - t0;
	c->sign_s += t2 - t1;
	c->batch_s[c->nbatches] = t1 - t0;
	c->sign_each[c->nbatches++] = t2 - t1;
	for (size_t i = 0; i < c->n; i++)
		trace_event_free(c->evs[i]);
	c->appended += c->n;
	c->n = 0;
}

static int ingest_step(const scn_step *s, void *payload)
{
	ingest_ctx *c = payload;
	double t0 = bench_now();
	c->evs[c->n++] = build_event(s);
	c->build_s += bench_now() - t0;
	if (c->n == BATCH)
		ingest_flush(c);
	return 0;
}

static void ingest_libtrace(ingest_out *o, const scn_params *P, const char *dir, const char *vkey,
                            trace_signer *signer)
{
	trace_log_opts *opts = NULL;
	ingest_ctx c;
	memset(&c, 0, sizeof c);
	size_t nb = (size_t)(scn_event_count(P) / BATCH + 2);
	c.batch_s = calloc(nb, sizeof *c.batch_s);
	c.sign_each = calloc(nb, sizeof *c.sign_each);
	BENCH_REQUIRE(c.batch_s && c.sign_each, "out of memory");
	c.signer = signer;
	BENCH_CHECK(trace_log_opts_new(&opts));
	BENCH_CHECK(trace_log_opts_set_mapsize(opts, MAPSIZE));
	BENCH_CHECK(trace_ledger_create(&c.l, dir, ORIGIN, vkey, opts));

	double t0 = bench_now(), c0 = bench_cpu_now();
	BENCH_REQUIRE(scn_run(P, ingest_step, &c) == 0, "scenario generation failed");
	ingest_flush(&c);
	o->total_s = bench_now() - t0;
	o->cpu_s = bench_cpu_now() - c0;
	uint64_t size = 0;
	BENCH_CHECK(trace_log_size(&size, trace_ledger_log(c.l)));
	BENCH_REQUIRE(size == scn_event_count(P), "ledger holds %" PRIu64 " events, expected %" PRIu64, size,
	              scn_event_count(P));
	o->build_s = c.build_s;
	o->append_s = c.append_s;
	o->sign_s = c.sign_s;
	o->events = c.appended;
	o->checkpoints = c.nbatches;
	o->batch_p50 = pct(c.batch_s, c.nbatches, 0.5);
	o->batch_p99 = pct(c.batch_s, c.nbatches, 0.99);
	o->sign_p50 = pct(c.sign_each, c.nbatches, 0.5);
	trace_ledger_close(c.l);
	trace_log_opts_free(opts);
	free(c.batch_s);
	free(c.sign_each);
	o->rss = bench_peak_rss();
}

/* ---- phase 2: the raw limit (child process) ------------------------------ */

typedef struct raw_ctx {
	raw_ledger *log;
	raw_index *ix;
	trace_buf bufs[BATCH];
	const uint8_t *ptrs[BATCH];
	size_t lens[BATCH];
	size_t n;
	uint64_t next;
	int64_t record_ms;
	double log_s, index_s, encode_s, checkpoint_s;
} raw_ctx;

static void raw_flush(raw_ctx *c)
{
	if (c->n == 0)
		return;
	double t0 = bench_now();
	BENCH_REQUIRE(raw_ledger_append(c->log, c->ptrs, c->lens, c->n) == 0, "raw ledger append");
	double t1 = bench_now();
	BENCH_REQUIRE(raw_index_commit(c->ix) == 0, "raw index commit");
	c->index_s += bench_now() - t1;
	c->log_s += t1 - t0;
	/* The same signed checkpoint after every batch. */
	double cp = 0;
	BENCH_REQUIRE(raw_ledger_checkpoint(c->log, ORIGIN, &cp) == 0, "raw checkpoint");
	c->checkpoint_s += cp;
	for (size_t i = 0; i < c->n; i++)
		trace_buf_dispose(&c->bufs[i]);
	c->n = 0;
}

static int raw_step(const scn_step *s, void *payload)
{
	raw_ctx *c = payload;
	/* The entry bytes are libtrace's encoding of the same event (not timed:
	 * the raw limit is the storage work, not building events). */
	double t0 = bench_now();
	trace_event *ev = build_event(s);
	BENCH_CHECK(trace_event_set_record_time(ev, c->record_ms));
	BENCH_CHECK(trace_event_encode(&c->bufs[c->n], ev));
	trace_event_free(ev);
	c->ptrs[c->n] = c->bufs[c->n].ptr;
	c->lens[c->n] = c->bufs[c->n].size;
	double t1 = bench_now();
	c->encode_s += t1 - t0;
	if (c->n == 0)
		BENCH_REQUIRE(raw_index_begin(c->ix) == 0, "raw index begin");
	BENCH_REQUIRE(raw_index_step(c->ix, s, c->next++) == 0, "raw index step %" PRIu64, s->seq);
	c->index_s += bench_now() - t1;
	if (++c->n == BATCH)
		raw_flush(c);
	return 0;
}

static void ingest_raw(ingest_out *o, const scn_params *P, const char *log_dir, const char *ix_dir)
{
	raw_ctx *c = calloc(1, sizeof *c);
	BENCH_REQUIRE(c != NULL, "out of memory");
	c->record_ms = (int64_t)time(NULL) * 1000;
	BENCH_REQUIRE(raw_ledger_open(&c->log, log_dir, MAPSIZE) == 0, "raw ledger open");
	BENCH_REQUIRE(raw_index_open(&c->ix, ix_dir, MAPSIZE) == 0, "raw index open");
	BENCH_REQUIRE(scn_run(P, raw_step, c) == 0, "scenario generation failed");
	raw_flush(c);
	BENCH_REQUIRE(raw_ledger_size(c->log) == scn_event_count(P), "raw ledger size");
	o->raw_log_s = c->log_s;
	o->raw_index_s = c->index_s;
	o->raw_checkpoint_s = c->checkpoint_s;
	o->raw_s = c->log_s + c->index_s + c->checkpoint_s;
	o->raw_encode_s = c->encode_s;
	o->raw_puts = raw_index_puts(c->ix);
	o->raw_gets = raw_index_gets(c->ix);
	raw_index_close(c->ix);
	double t0 = bench_now();
	BENCH_REQUIRE(raw_ledger_audit(c->log) == 0, "raw ledger audit");
	o->raw_audit_s = bench_now() - t0;
	raw_ledger_close(c->log);
	free(c);
	o->raw_rss = bench_peak_rss();
}

/* Runs @fn in a child process and collects its ingest_out fields. */
static void in_child(ingest_out *o, void (*fn)(ingest_out *, void *), void *arg)
{
	int fd[2];
	BENCH_REQUIRE(pipe(fd) == 0, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	BENCH_REQUIRE(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		fn(o, arg);
		BENCH_REQUIRE(write(fd[1], o, sizeof *o) == (ssize_t)sizeof *o, "pipe write");
		close(fd[1]);
		fflush(NULL);
		_exit(0);
	}
	close(fd[1]);
	ssize_t got = read(fd[0], o, sizeof *o);
	close(fd[0]);
	int st = 0;
	BENCH_REQUIRE(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	BENCH_REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child process failed");
	BENCH_REQUIRE(got == (ssize_t)sizeof *o, "the child process sent no results");
}

typedef struct child_args {
	const scn_params *P;
	const char *dir, *dir2, *vkey;
	trace_signer *signer;
} child_args;

static void run_lib(ingest_out *o, void *arg)
{
	child_args *a = arg;
	ingest_libtrace(o, a->P, a->dir, a->vkey, a->signer);
}

static void run_raw(ingest_out *o, void *arg)
{
	child_args *a = arg;
	ingest_raw(o, a->P, a->dir, a->dir2);
}

/* ---- phase 3: queries ----------------------------------------------------- */

/* Iterates a history to the end; returns the number of events. */
static int history_count(trace_ledger *l, const char *code, uint64_t *heap_peak)
{
	trace_query *q = NULL;
	int n = 0, rc;
	uint64_t last = 0, base = heap_peak ? heap_in_use() : 0;
	BENCH_CHECK(trace_query_history(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		uint64_t e = trace_query_event_index(q);
		BENCH_REQUIRE(n == 0 || e > last, "history of %s: event %" PRIu64 " after %" PRIu64, code, e, last);
		last = e;
		n++;
		if (heap_peak) {
			uint64_t h = heap_in_use();
			if (h - base > *heap_peak && h > base)
				*heap_peak = h - base;
		}
	}
	BENCH_REQUIRE(rc == TRACE_ITEROVER, "history of %s: trace_query_next failed: %d (%s)", code, rc,
	              trace_error_last()->message);
	trace_query_free(q);
	return n;
}

/* Trace forward to the end; returns the number of items (serialised codes). */
static uint64_t forward_items(trace_ledger *l, const char *code, uint64_t *heap_peak, uint64_t *results)
{
	trace_query *q = NULL;
	uint64_t items = 0, n = 0, base = heap_peak ? heap_in_use() : 0;
	int rc;
	BENCH_CHECK(trace_query_trace_forward(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		const char *c = trace_query_code(q);
		BENCH_REQUIRE(c != NULL, "trace forward result without a code");
		if (strstr(c, "/21/"))
			items++;
		n++;
		if (heap_peak) {
			uint64_t h = heap_in_use();
			if (h > base && h - base > *heap_peak)
				*heap_peak = h - base;
		}
	}
	BENCH_REQUIRE(rc == TRACE_ITEROVER, "trace forward from %s failed: %d (%s)", code, rc,
	              trace_error_last()->message);
	trace_query_free(q);
	if (results)
		*results = n;
	return items;
}

/* ---- output --------------------------------------------------------------- */

static bench_kept_row rows[BENCH_MAX_ROWS];
static int nrows;
#define row(...) bench_keep_row(rows, &nrows, __VA_ARGS__)

static FILE *results;

static void result(const char *key, double v)
{
	if (results)
		fprintf(results, "%s\t%.9g\n", key, v);
}

static const char *verdict(int ok)
{
	return ok ? "" : " **missed**";
}

int main(int argc, char **argv)
{
	/* --results FILE is ours; bench_parse_args handles the rest. */
	const char *results_path = NULL;
	int keep = 0;
	char **av = malloc(((size_t)argc + 1) * sizeof *av);
	int ac = 0;
	BENCH_REQUIRE(av != NULL, "out of memory");
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--results") == 0 && i + 1 < argc)
			results_path = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else
			av[ac++] = argv[i];
	}
	av[ac] = NULL;
	bench_args args = bench_parse_args(ac, av, " [--results FILE] [--keep]");
	free(av);
	const scn_params *P = args.small ? &scn_small : &scn_full;
	if (results_path) {
		results = fopen(results_path, "w");
		BENCH_REQUIRE(results != NULL, "cannot write %s: %s", results_path, strerror(errno));
	}
	char a[160], b[160], c[256], d[64], t1[48], t2[48], t3[48];

	char *tmp = bench_tmpdir("libtrace-bench-food");
	char *ledger_dir = bench_path_join(tmp, "ledger");
	char *raw_log_dir = bench_path_join(tmp, "raw-log");
	char *raw_ix_dir = bench_path_join(tmp, "raw-index");
	BENCH_REQUIRE(mkdir(raw_log_dir, 0755) == 0 && mkdir(raw_ix_dir, 0755) == 0, "mkdir: %s", strerror(errno));
	progress("%s scenario: %" PRIu64 " events, %" PRIu64 " items, %" PRIu64 " cases, %" PRIu64
	         " pallets; working in %s", P->name, scn_event_count(P), scn_item_count(P), scn_case_count(P),
	         scn_pallet_count(P), tmp);

	trace_buf skey = TRACE_BUF_INIT, vkey = TRACE_BUF_INIT;
	trace_signer *signer = NULL;
	BENCH_CHECK(trace_key_generate(&skey, &vkey, ORIGIN, TRACE_KEY_ED25519));
	BENCH_CHECK(trace_signer_from_skey(&signer, (const char *)skey.ptr));

	/* ---- ingest and its raw limit, each in a child process ---- */
	ingest_out lib, raw;
	memset(&lib, 0, sizeof lib);
	memset(&raw, 0, sizeof raw);
	child_args ca = { P, ledger_dir, NULL, (const char *)vkey.ptr, signer };
	progress("ingest: durable batches of %d events, a signed checkpoint after each", BATCH);
	in_child(&lib, run_lib, &ca);
	progress("ingest %.2f s, CPU %.2f s (building events %.2f s, appends %.2f s, checkpoints %.2f s)", lib.total_s,
	         lib.cpu_s, lib.build_s, lib.append_s, lib.sign_s);
	child_args cr = { P, raw_log_dir, raw_ix_dir, NULL, NULL };
	progress("raw limit: the same entries and index rows with LMDB directly");
	in_child(&raw, run_raw, &cr);
	progress("raw %.2f s (log %.2f s, index rows %.2f s, checkpoints %.2f s)", raw.raw_s, raw.raw_log_s,
	         raw.raw_index_s, raw.raw_checkpoint_s);

	/* ---- queries, in this process (its memory so far: keys only) ---- */
	uint64_t rss_start = bench_peak_rss();
	trace_ledger *l = NULL;
	trace_log_opts *opts = NULL;
	BENCH_CHECK(trace_log_opts_new(&opts));
	BENCH_CHECK(trace_log_opts_set_mapsize(opts, MAPSIZE));
	BENCH_CHECK(trace_ledger_open(&l, ledger_dir, TRACE_OPEN_WRITE, opts));

	int nhist = args.small ? HISTORY_SAMPLE_SMALL : HISTORY_SAMPLE_FULL;
	uint64_t *sample = malloc((size_t)nhist * sizeof *sample);
	double *lat = malloc((size_t)nhist * sizeof *lat);
	BENCH_REQUIRE(sample && lat, "out of memory");
	scn_history_sample(sample, nhist, P);	/* the same sample as bench_pg */
	progress("history of %d random items (warm-up pass, then timed)", nhist);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < nhist; i++) {
			char code[SCN_CODE_MAX];
			scn_item_code(code, P, sample[i]);
			double q0 = bench_now();
			int n = history_count(l, code, NULL);
			lat[i] = bench_now() - q0;
			BENCH_REQUIRE(n == SCN_ITEM_HISTORY, "history of %s: %d events, expected %d", code, n, SCN_ITEM_HISTORY);
		}
	double h50 = pct(lat, (size_t)nhist, 0.5), h99 = pct(lat, (size_t)nhist, 0.99);
	double stalls_per_s, stall_us;
	bench_stalls(args.small ? 0.05 : 1.0, &stalls_per_s, &stall_us);
	uint64_t rss_history = bench_peak_rss(), anon_history = bench_anon_rss();

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < STATUS_SAMPLE; i++) {
			char code[SCN_CODE_MAX];
			int state = -1;
			uint32_t flags = 0;
			scn_item_code(code, P, sample[i % nhist]);
			double q0 = bench_now();
			BENCH_CHECK(trace_ledger_status(l, code, &state, &flags, NULL));
			lat[i] = bench_now() - q0;
			BENCH_REQUIRE(state == TRACE_STATE_RECEIVED, "status of %s: %s, expected received", code,
			              trace_code_state_name(state));
		}
	double s50 = pct(lat, STATUS_SAMPLE, 0.5);

	/* Each lot twice: the first pass maps the pages into this process, the
	 * second runs warm, as the history sample does (bench_pg does the same). */
	progress("trace forward from %d raw lots (first pass, then again warm)", FORWARD_RUNS);
	double fwd[FORWARD_RUNS], fwd_warm[FORWARD_RUNS];
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < FORWARD_RUNS; i++) {
			char code[SCN_CODE_MAX];
			unsigned rl = (unsigned)((uint64_t)i * 7919 % P->raw_lots);	/* the same lots as bench_pg */
			scn_raw_lot_code(code, P, rl);
			double q0 = bench_now();
			uint64_t items = forward_items(l, code, NULL, NULL);
			(pass ? fwd_warm : fwd)[i] = bench_now() - q0;
			BENCH_REQUIRE(items == scn_items_downstream_of_raw(P, rl), "trace forward from %s: %" PRIu64
			              " items, expected %" PRIu64, code, items, scn_items_downstream_of_raw(P, rl));
		}
	double f50 = pct(fwd, FORWARD_RUNS, 0.5), fw50 = pct(fwd_warm, FORWARD_RUNS, 0.5);
	uint64_t rss_forward = bench_peak_rss(), anon_forward = bench_anon_rss();

	/* The heap one query holds, sampled at every step (untimed pass). */
	uint64_t heap_hist = 0, heap_fwd = 0, fwd_results = 0;
	{
		char code[SCN_CODE_MAX];
		for (int i = 0; i < 100; i++)
			history_count(l, scn_item_code(code, P, sample[i % nhist]), &heap_hist);
		forward_items(l, scn_raw_lot_code(code, P, 0), &heap_fwd, &fwd_results);
	}

	progress("full audit");
	double t0 = bench_now();
	BENCH_CHECK(trace_log_audit(trace_ledger_log(l)));
	double audit_s = bench_now() - t0;
	uint64_t rss_audit = bench_peak_rss();

	/* ---- recall of a production lot ---- */
	unsigned lot = args.small ? 0 : RECALL_LOT_FULL;
	char lot_code[SCN_CODE_MAX];
	scn_prod_lot_code(lot_code, P, lot);
	progress("recall of %s", lot_code);
	uint64_t affected = 0;
	t0 = bench_now();
	BENCH_CHECK(trace_ledger_recall(l, &affected, lot_code, "bench: listeria found in a sample",
	                                (int64_t)time(NULL) * 1000));
	double recall_s = bench_now() - t0;
	BENCH_REQUIRE(affected == (uint64_t)P->items_per_lot + 1, "recall of %s marked %" PRIu64
	              " codes, expected %u items and the lot", lot_code, affected, P->items_per_lot);
	uint64_t seed = 7;	/* five items of the recalled lot, checked after it */
	for (int i = 0; i < 5; i++) {
		char code[SCN_CODE_MAX];
		int state = -1;
		uint32_t flags = 0;
		scn_item_code(code, P, (uint64_t)lot * P->items_per_lot + scn_rand(&seed) % P->items_per_lot);
		BENCH_CHECK(trace_ledger_status(l, code, &state, &flags, NULL));
		BENCH_REQUIRE(state == TRACE_STATE_RECALLED && (flags & TRACE_FLAG_RECALLED),
		              "after the recall, %s is %s (flags %u)", code, trace_code_state_name(state), flags);
	}
	{
		char code[SCN_CODE_MAX];
		int state = -1;
		uint32_t flags = 0;
		BENCH_CHECK(trace_ledger_status(l, scn_raw_lot_code(code, P, 0), &state, &flags, NULL));
		BENCH_REQUIRE(state != TRACE_STATE_RECALLED && !(flags & TRACE_FLAG_RECALLED),
		              "after the recall, raw lot %s is %s: it is upstream, not recalled", code,
		              trace_code_state_name(state));
	}
	uint64_t rss_recall = bench_peak_rss(), anon_recall = bench_anon_rss();
	trace_ledger_close(l);
	trace_log_opts_free(opts);
	uint64_t lib_bytes = raw_env_used_bytes(ledger_dir);
	uint64_t raw_bytes = raw_env_used_bytes(raw_log_dir) + raw_env_used_bytes(raw_ix_dir);

	/* ---- the table ---- */
	double events = (double)lib.events;
	snprintf(a, sizeof a, "%s = %s (events %s, appends %s, checkpoints %s)",
	         bench_fmt_time(t1, sizeof t1, lib.total_s), bench_fmt_rate(b, sizeof b, events / lib.total_s, "events/s"),
	         bench_fmt_time(t2, sizeof t2, lib.build_s), bench_fmt_time(t3, sizeof t3, lib.append_s),
	         bench_fmt_time(d, sizeof d, lib.sign_s));
	snprintf(c, sizeof c, "%s = %s (log %s, index rows %s, checkpoints %s)",
	         bench_fmt_time(t1, sizeof t1, raw.raw_s), bench_fmt_rate(b, sizeof b, events / raw.raw_s, "events/s"),
	         bench_fmt_time(t2, sizeof t2, raw.raw_log_s), bench_fmt_time(t3, sizeof t3, raw.raw_index_s),
	         bench_fmt_time(d, sizeof d, raw.raw_checkpoint_s));
	snprintf(b, sizeof b, "< 30 s%s", verdict(lib.total_s < 30));
	char op[192];
	snprintf(op, sizeof op, "ingest, whole scenario (%s events, durable batches of 1,000, signed checkpoint per batch)",
	         bench_fmt_num(t1, sizeof t1, events, 0));
	row(op, a, b, c, bench_fmt_ratio(d, sizeof d, raw.raw_s / lib.total_s, 0.7));
	snprintf(a, sizeof a, "%s (%.0f%% of the ingest)", bench_fmt_time(t1, sizeof t1, lib.build_s),
	         100 * lib.build_s / lib.total_s);
	row("… building events (event.h setters: every code parsed and canonicalised)", a, "", "", "");
	snprintf(a, sizeof a, "%s CPU for %s wall (%.0f%%; the rest waits for fsync or for the core)",
	         bench_fmt_time(t1, sizeof t1, lib.cpu_s), bench_fmt_time(t2, sizeof t2, lib.total_s),
	         100 * lib.cpu_s / lib.total_s);
	row("… CPU time of the ingest process (user + system)", a, "", "", "");
	snprintf(a, sizeof a, "%s", bench_fmt_time(t1, sizeof t1, lib.append_s));
	snprintf(c, sizeof c, "%s (raw ledger %s + LMDB index rows %s: %s puts, %s gets)",
	         bench_fmt_time(t1, sizeof t1, raw.raw_log_s + raw.raw_index_s), bench_fmt_time(t2, sizeof t2, raw.raw_log_s),
	         bench_fmt_time(t3, sizeof t3, raw.raw_index_s), bench_fmt_num(b, sizeof b, (double)raw.raw_puts, 0),
	         bench_fmt_num(d, sizeof d, (double)raw.raw_gets, 0));
	row("… trace_ledger_append (validate, encode, log, index rows, durable commit)", a, "", c,
	    bench_fmt_ratio(d, sizeof d, (raw.raw_log_s + raw.raw_index_s) / lib.append_s, 0.7));
	snprintf(a, sizeof a, "%s (median %s)", bench_fmt_time(t1, sizeof t1, lib.sign_s),
	         bench_fmt_time(t2, sizeof t2, lib.sign_p50));
	snprintf(c, sizeof c, "%s (root, Ed25519 sign, durable store)", bench_fmt_time(t1, sizeof t1, raw.raw_checkpoint_s));
	snprintf(op, sizeof op, "… %" PRIu64 " checkpoints (trace_log_checkpoint_sign)", lib.checkpoints);
	row(op, a, "", c, bench_fmt_ratio(d, sizeof d, raw.raw_checkpoint_s / lib.sign_s, 0.7));
	snprintf(a, sizeof a, "p50 %s, p99 %s", bench_fmt_time(t1, sizeof t1, lib.batch_p50),
	         bench_fmt_time(t2, sizeof t2, lib.batch_p99));
	row("append latency of one durable batch of 1,000 events", a, "", "", "");
	snprintf(a, sizeof a, "p50 %s, p99 %s", bench_fmt_time(t1, sizeof t1, h50), bench_fmt_time(t2, sizeof t2, h99));
	snprintf(b, sizeof b, "p50 < 20 µs, p99 < 100 µs%s", verdict(h50 < 20e-6 && h99 < 100e-6));
	snprintf(op, sizeof op, "history of one item, warm (%d random items, %d events each)", nhist, SCN_ITEM_HISTORY);
	row(op, a, b, "", "");
	snprintf(a, sizeof a, "%.0f/s of %.1f µs on average (%.1f%% of the core)", stalls_per_s, stall_us,
	         stalls_per_s * stall_us * 1e-4);
	row("… stalls of this core outside our code (gaps > 10 µs in a loop reading the clock): a floor under p99",
	    a, "", "", "");
	row("status of one item, warm (p50)", bench_fmt_time(a, sizeof a, s50), "constant time", "", "");
	snprintf(a, sizeof a, "%s (%" PRIu64 " items)", bench_fmt_time(t1, sizeof t1, f50), scn_items_downstream_of_raw(P, 0));
	snprintf(b, sizeof b, "< 50 ms%s", verdict(f50 < 50e-3));
	row("trace forward from a raw lot to its items (median of 11, first run)", a, b, "", "");
	snprintf(a, sizeof a, "%s (%" PRIu64 " items)", bench_fmt_time(t1, sizeof t1, fw50), scn_items_downstream_of_raw(P, 0));
	snprintf(b, sizeof b, "< 50 ms%s", verdict(fw50 < 50e-3));
	row("trace forward from a raw lot to its items (median of 11, warm: the same lots again)", a, b, "", "");
	snprintf(a, sizeof a, "%s (%" PRIu64 " codes marked)", bench_fmt_time(t1, sizeof t1, recall_s), affected);
	snprintf(b, sizeof b, "< 100 ms%s", verdict(recall_s < 100e-3));
	row("recall of a production lot of 10,000 items, status updated for all", a, b, "", "");
	snprintf(c, sizeof c, "%s (raw ledger: rehash entries and tiles)", bench_fmt_time(t1, sizeof t1, raw.raw_audit_s));
	row("full audit of the ledger (every leaf, tile and checkpoint)", bench_fmt_time(a, sizeof a, audit_s), "", c,
	    bench_fmt_ratio(d, sizeof d, raw.raw_audit_s / audit_s, 0.7));
	snprintf(a, sizeof a, "history %s, trace forward %s (%" PRIu64 " results)",
	         bench_fmt_bytes(t1, sizeof t1, (double)heap_hist), bench_fmt_bytes(t2, sizeof t2, (double)heap_fwd),
	         fwd_results);
	row("heap held by one query (peak over its steps)", a, "independent of ledger size", "", "");
	snprintf(a, sizeof a, "%s", bench_fmt_bytes(t1, sizeof t1, (double)lib.rss));
	snprintf(c, sizeof c, "%s", bench_fmt_bytes(t2, sizeof t2, (double)raw.raw_rss));
	row("peak RSS of the ingest process (incl. touched LMDB map pages)", a, "", c, "");
	snprintf(a, sizeof a, "%s → %s → %s → %s → %s", bench_fmt_bytes(t1, sizeof t1, (double)rss_start),
	         bench_fmt_bytes(t2, sizeof t2, (double)rss_history), bench_fmt_bytes(t3, sizeof t3, (double)rss_forward),
	         bench_fmt_bytes(d, sizeof d, (double)rss_audit), bench_fmt_bytes(b, sizeof b, (double)rss_recall));
	row("peak RSS of the query process: start → history → forward → audit → recall", a, "", "", "");
	snprintf(a, sizeof a, "%s → %s → %s", bench_fmt_bytes(t1, sizeof t1, (double)anon_history),
	         bench_fmt_bytes(t2, sizeof t2, (double)anon_forward), bench_fmt_bytes(t3, sizeof t3, (double)anon_recall));
	row("anonymous RSS of the query process (heap, no map pages) after history → forward → recall", a,
	    "independent of ledger size", "", "");
	snprintf(a, sizeof a, "%s", bench_fmt_bytes(t1, sizeof t1, (double)lib_bytes));
	snprintf(c, sizeof c, "%s", bench_fmt_bytes(t2, sizeof t2, (double)raw_bytes));
	row("storage (LMDB pages used)", a, "", c, "");

	bench_table tab;
	bench_table_open(&tab, args.out);
	struct utsname u;
	uname(&u);
	bench_table_note(&tab, "## libtrace food scenario (bench_food%s)\n\n",
	                 args.small ? " --small: smoke run, figures not meaningful" : "");
	bench_table_note(&tab, "libtrace %s; %s; %s %s; %ld online CPUs, one used; scenario %s: %" PRIu64 " events, %"
	                 PRIu64 " items, %" PRIu64 " cases, %" PRIu64 " pallets\n\n", trace_version_string(),
	                 raw_versions(), u.sysname, u.release, sysconf(_SC_NPROCESSORS_ONLN), P->name,
	                 scn_event_count(P), scn_item_count(P), scn_case_count(P), scn_pallet_count(P));
	bench_print_kept_rows(&tab, rows, nrows);
	bench_table_note(&tab, "\nRatio = raw time / libtrace time (1 = as fast as the raw limit). The raw ingest "
	                       "stores libtrace's encoding of each event in raw_limits.c's ledger and writes the same "
	                       "index rows with LMDB directly (raw_food.c); encoding is not timed there.\n");
	bench_table_close(&tab);

	result("events", events);
	result("items", (double)scn_item_count(P));
	result("ingest_s", lib.total_s);
	result("ingest_events_per_s", events / lib.total_s);
	result("ingest_build_s", lib.build_s);
	result("ingest_cpu_s", lib.cpu_s);
	result("ingest_append_s", lib.append_s);
	result("ingest_sign_s", lib.sign_s);
	result("batch_p50_ms", lib.batch_p50 * 1e3);
	result("batch_p99_ms", lib.batch_p99 * 1e3);
	result("sign_p50_ms", lib.sign_p50 * 1e3);
	result("raw_ingest_s", raw.raw_s);
	result("raw_log_s", raw.raw_log_s);
	result("raw_index_s", raw.raw_index_s);
	result("raw_checkpoint_s", raw.raw_checkpoint_s);
	result("history_p50_us", h50 * 1e6);
	result("history_p99_us", h99 * 1e6);
	result("stalls_per_s", stalls_per_s);
	result("stall_us", stall_us);
	result("status_p50_us", s50 * 1e6);
	result("forward_ms", f50 * 1e3);
	result("forward_warm_ms", fw50 * 1e3);
	result("recall_ms", recall_s * 1e3);
	result("recall_codes", (double)affected);
	result("verify_s", audit_s);
	result("raw_audit_s", raw.raw_audit_s);
	result("heap_history_bytes", (double)heap_hist);
	result("heap_forward_bytes", (double)heap_fwd);
	result("rss_ingest_bytes", (double)lib.rss);
	result("rss_query_start_bytes", (double)rss_start);
	result("rss_history_bytes", (double)rss_history);
	result("rss_forward_bytes", (double)rss_forward);
	result("rss_audit_bytes", (double)rss_audit);
	result("rss_recall_bytes", (double)rss_recall);
	result("anon_history_bytes", (double)anon_history);
	result("anon_forward_bytes", (double)anon_forward);
	result("anon_recall_bytes", (double)anon_recall);
	result("storage_bytes", (double)lib_bytes);
	result("raw_storage_bytes", (double)raw_bytes);
	if (results)
		BENCH_REQUIRE(fclose(results) == 0, "writing %s failed", results_path);

	trace_signer_free(signer);
	trace_buf_dispose(&skey);
	trace_buf_dispose(&vkey);
	free(sample);
	free(lat);
	if (keep)
		progress("kept the ledger (recalled lot included) in %s", ledger_dir);
	else
		bench_rmtree(tmp);
	free(ledger_dir);
	free(raw_log_dir);
	free(raw_ix_dir);
	free(tmp);
	return 0;
}
