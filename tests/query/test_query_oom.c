/*
 * Allocation failures in the query, index and bundle modules: every public
 * entry point is swept (tests/oom.h) on a small ledger.  Each failing run
 * must return exactly TRACE_ENOMEM (reading an entry back under memory
 * pressure used to report TRACE_ECORRUPT: tampering, to a regulator's
 * tool), free what it allocated, and leave a ledger that audits, holds the
 * same number of entries and whose indexes a rebuild confirms.  The index
 * module has no entry points of its own: append, recall, status and
 * reindex reach it.  The entry points that reach OpenSSL (signing,
 * verification, hashing, sealing private values) are swept a second time
 * with OpenSSL's allocations failed through its own hook.  LMDB has no
 * allocator hook: its failures are not injected.
 *
 * Usage: test-query-oom [STEP]: the default, 1, sweeps every allocation
 * point; STEP > 1 samples those of the writers (append, recall, reindex,
 * open), should a bigger scenario ever make the full sweep slow.
 */
#define OOM_OPENSSL 1
#include "../test.h"
#include "../oom.h"

#define SKEY "PRIVATE+KEY+example.com/test+f24ff7b2+AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define GTIN "09506000134352"
#define LOT "https://id.gs1.org/01/" GTIN "/10/Y1"
#define CASE "https://id.gs1.org/00/095060001000000012"
#define SHOP "urn:epc:id:sgln:9506000.10002.0"

static const int64_t t0 = 1763884800000;	/* 2025-11-23T08:00:00Z */
static char items[3][96];

typedef struct state {
	const char *dir;
	trace_ledger *l;
	uint64_t size;		/* entries the ledger must hold */
	trace_event *ev;	/* appended by the append sweep */
	trace_signer *signer;
	trace_buf proof;	/* tlog-proof of entry 1 */
	trace_buf entry;	/* entry 1's bytes */
	trace_policy *policy;
	trace_tlog_proof *parsed;
} state;

static trace_event *event(int type, int action, const char *step, int64_t minutes)
{
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, type));
	CHECK_OK(trace_event_set_time(e, t0 + minutes * 60000, 480));
	if (action != TRACE_ACTION_NONE)
		CHECK_OK(trace_event_set_action(e, action));
	CHECK_OK(trace_event_set_biz_step(e, step));
	return e;
}

static void append(state *st, trace_event *e)
{
	CHECK_OK(trace_ledger_append(st->l, NULL, &e, 1, t0 + 100000000));
	st->size++;
	trace_event_free(e);
}

/* A lot, three items with a private field, a case, a shipment. */
static void scenario(state *st)
{
	trace_event *e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", 0);
	for (int i = 0; i < 3; i++) {
		snprintf(items[i], sizeof items[i], "https://id.gs1.org/01/" GTIN "/21/Y%04d", i + 1);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[i]));
	}
	CHECK_OK(trace_event_set_lot(e, "Y1", t0, t0 + 21LL * 86400000));
	CHECK_OK(trace_event_add_private(e, "operator", "Li Wei"));
	append(st, e);
	e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", 10);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, CASE));
	for (int i = 0; i < 3; i++)
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[i]));
	append(st, e);
	e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "shipping", 20);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, CASE));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "location", SHOP));
	append(st, e);
	e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "retail_selling", 30);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[0]));
	append(st, e);
}

/* After every run: the ledger holds what it should, and audits. */
static void intact(void *ctx)
{
	state *st = ctx;
	uint64_t size = 0;
	CHECK_OK(trace_log_size(&size, trace_ledger_log(st->l)));
	if (size != st->size) {
		fprintf(stderr, "the ledger holds %llu entries, expected %llu\n", (unsigned long long)size,
		        (unsigned long long)st->size);
		test_failures++;
	}
	CHECK_OK(trace_log_audit(trace_ledger_log(st->l)));
}

/* Runs a query to its end: the first failure, or TRACE_OK at TRACE_ITEROVER. */
static int drain(int rc, trace_query **q)
{
	while (rc == TRACE_OK && (rc = trace_query_next(*q)) == TRACE_OK)
		;
	trace_query_free(*q);
	return rc == TRACE_ITEROVER ? TRACE_OK : rc;
}

static int w_open(void *ctx)
{
	state *st = ctx;
	trace_ledger *l = NULL;
	int rc = trace_ledger_open(&l, st->dir, TRACE_OPEN_WRITE, NULL);
	trace_ledger_close(l);
	return rc;
}

/* One handle per ledger per process: the sweep of open runs with st->l closed. */
static long sweep_open(state *st, const char *what, long step)
{
	trace_ledger_close(st->l);
	long n = oom_sweep_step(what, w_open, st, NULL, step);
	CHECK_OK(trace_ledger_open(&st->l, st->dir, TRACE_OPEN_WRITE, NULL));
	intact(st);
	return n;
}

static int w_create(void *ctx)
{
	state *st = ctx;
	static int serial;
	char sub[4200];
	trace_ledger *l = NULL;
	snprintf(sub, sizeof sub, "%s/new-%d", st->dir, serial++);	/* a fresh directory each run */
	int rc = trace_ledger_create(&l, sub, "example.com/test", VKEY, NULL);
	trace_ledger_close(l);
	return rc;
}

static int w_erase(void *ctx)
{
	state *st = ctx;
	size_t erased = 0;
	return trace_ledger_erase_private(st->l, 0, &erased);
}

static int w_append(void *ctx)
{
	state *st = ctx;
	int rc = trace_ledger_append(st->l, NULL, &st->ev, 1, t0 + 100000000);
	st->size += rc == TRACE_OK;
	return rc;
}

static int w_recall(void *ctx)
{
	state *st = ctx;
	uint64_t affected = 0;
	int rc = trace_ledger_recall(st->l, &affected, LOT, "Listeria found in retained sample", t0 + 3600000);
	st->size += rc == TRACE_OK;
	return rc;
}

static int w_event(void *ctx)
{
	state *st = ctx;
	trace_event *e = NULL;
	int rc = trace_ledger_event(&e, st->l, 1);
	trace_event_free(e);
	return rc;
}

static int w_event_private(void *ctx)
{
	state *st = ctx;
	trace_event *e = NULL;
	int rc = trace_ledger_event_private(&e, st->l, 0);
	trace_event_free(e);
	return rc;
}

static int w_status(void *ctx)
{
	state *st = ctx;
	int state_;
	uint32_t flags;
	uint64_t last, scans;
	int64_t first;
	int rc = trace_ledger_status(st->l, items[1], &state_, &flags, &last);
	if (rc == TRACE_OK)
		rc = trace_ledger_scans(st->l, items[0], &scans, &first);
	return rc == TRACE_ENOTFOUND ? TRACE_OK : rc;	/* no consumer scan recorded */
}

static int w_history(void *ctx)
{
	state *st = ctx;
	trace_query *q = NULL;
	return drain(trace_query_history(&q, st->l, items[1]), &q);
}

static int w_back(void *ctx)
{
	state *st = ctx;
	trace_query *q = NULL;
	return drain(trace_query_trace_back(&q, st->l, items[2]), &q);
}

static int w_forward(void *ctx)
{
	state *st = ctx;
	trace_query *q = NULL;
	return drain(trace_query_trace_forward(&q, st->l, LOT), &q);
}

static int w_contents(void *ctx)
{
	state *st = ctx;
	trace_query *q = NULL;
	return drain(trace_query_contents(&q, st->l, CASE), &q);
}

static int w_by_time(void *ctx)
{
	state *st = ctx;
	trace_query *q = NULL;
	return drain(trace_query_by_time(&q, st->l, t0, t0 + 86400000), &q);
}

static int w_by_field(void *ctx)
{
	state *st = ctx;
	trace_query *q = NULL;
	int rc = drain(trace_query_by_field(&q, st->l, TRACE_FIELD_PARTY, SHOP), &q);
	if (rc == TRACE_OK)
		rc = drain(trace_query_by_field(&q, st->l, TRACE_FIELD_BIZ_STEP, "shipping"), &q);
	return rc;
}

static int w_recall_list(void *ctx)
{
	state *st = ctx;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_ledger_recall_list(&b, st->l, st->signer, 1700000000000);
	trace_buf_dispose(&b);
	return rc;
}

static int w_reindex(void *ctx)
{
	state *st = ctx;
	uint64_t diff = 0;
	int rc = trace_ledger_reindex(st->l, &diff);
	if (rc == TRACE_OK && diff != 0) {
		fprintf(stderr, "reindex found %llu differing rows\n", (unsigned long long)diff);
		test_failures++;
	}
	return rc;
}

static int w_proof_parse(void *ctx)
{
	state *st = ctx;
	trace_tlog_proof *p = NULL;
	int rc = trace_tlog_proof_parse(&p, (const char *)st->proof.ptr, st->proof.size);
	trace_tlog_proof_free(p);
	return rc;
}

static int w_proof_verify(void *ctx)
{
	state *st = ctx;
	return trace_tlog_proof_verify(st->parsed, st->policy, st->entry.ptr, st->entry.size);
}

static int w_proof_format(void *ctx)
{
	state *st = ctx;
	trace_buf b = TRACE_BUF_INIT, path = TRACE_BUF_INIT;
	size_t cl;
	const char *cp = trace_tlog_proof_checkpoint(st->parsed, &cl);
	int rc = trace_log_inclusion_proof(&path, trace_ledger_log(st->l), 1, 4);
	if (rc == TRACE_OK)
		rc = trace_tlog_proof_format(&b, 1, path.ptr, path.size, 32, cp, cl, NULL, 0);
	trace_buf_dispose(&path);
	trace_buf_dispose(&b);
	return rc;
}

static int w_signer(void *ctx)
{
	(void)ctx;
	trace_signer *s = NULL;
	int rc = trace_signer_from_skey(&s, SKEY);
	trace_signer_free(s);
	return rc;
}

static int w_add_private(void *ctx)
{
	(void)ctx;
	trace_event *e = NULL;
	int rc = trace_event_new(&e, TRACE_EVENT_OBJECT);
	if (rc == TRACE_OK)
		rc = trace_event_add_private(e, "buyer", "Chen Jie");
	trace_event_free(e);
	return rc;
}

static int w_audit(void *ctx)
{
	state *st = ctx;
	return trace_log_audit(trace_ledger_log(st->l));
}

/* The end of a query is TRACE_ITEROVER, never the code of an unknown code. */
static void iterator_end(state *st)
{
	trace_query *q = NULL;
	CHECK_RC(trace_query_history(&q, st->l, "https://id.gs1.org/01/" GTIN "/21/NOPE"), TRACE_ENOTFOUND);
	CHECK_OK(trace_query_history(&q, st->l, items[1]));
	int rc, n = 0;
	while ((rc = trace_query_next(q)) == TRACE_OK)
		n++;
	CHECK(n == 3);	/* commissioned, packed, and shipped inside the case */
	CHECK_RC(rc, TRACE_ITEROVER);
	CHECK(trace_error_last()->code == TRACE_ITEROVER);
	CHECK_RC(trace_query_next(q), TRACE_ITEROVER);	/* and it stays over */
	trace_query_free(q);
	const int none = TRACE_FIELD_PARTY;
	CHECK_OK(trace_query_by_field(&q, st->l, none, "urn:epc:id:sgln:9506000.10009.0"));
	CHECK_RC(trace_query_next(q), TRACE_ITEROVER);
	trace_query_free(q);
	CHECK(strcmp(trace_strerror(TRACE_ITEROVER), trace_strerror(TRACE_ENOTFOUND)) != 0);

	/* An event index past the end is TRACE_ERANGE from every reader. */
	trace_event *e = NULL;
	size_t erased;
	CHECK_RC(trace_ledger_event(&e, st->l, st->size), TRACE_ERANGE);
	CHECK_MSG("no entry 4");
	CHECK_RC(trace_ledger_event_private(&e, st->l, st->size), TRACE_ERANGE);
	CHECK_RC(trace_ledger_erase_private(st->l, st->size, &erased), TRACE_ERANGE);
	CHECK(e == NULL);
}

int main(int argc, char **argv)
{
	long step = argc > 1 ? atol(argv[1]) : 1;
	if (step < 1)
		step = 1;
	oom_install_openssl();
	oom_install();
	char *dir = strdup(test_tmpdir("query-oom"));
	state st = { dir, NULL, 0, NULL, NULL, TRACE_BUF_INIT, TRACE_BUF_INIT, NULL, NULL };
	CHECK_OK(trace_ledger_create(&st.l, dir, "example.com/test", VKEY, NULL));
	scenario(&st);
	CHECK_OK(trace_signer_from_skey(&st.signer, SKEY));
	trace_buf cp = TRACE_BUF_INIT;
	CHECK_OK(trace_log_checkpoint_sign(&cp, trace_ledger_log(st.l), st.signer));
	trace_buf_dispose(&cp);
	CHECK_OK(trace_log_prove(&st.proof, trace_ledger_log(st.l), 1, UINT64_MAX));
	CHECK_OK(trace_log_entry(&st.entry, trace_ledger_log(st.l), 1));
	const char *ptext = "log " VKEY "\nquorum none\n";
	CHECK_OK(trace_policy_parse(&st.policy, ptext, strlen(ptext)));
	CHECK_OK(trace_tlog_proof_parse(&st.parsed, (const char *)st.proof.ptr, st.proof.size));
	iterator_end(&st);

	/* Read-only entry points, and the bundle's, first: the ledger is still four events. */
	long total = 0;
	total += oom_sweep("trace_ledger_event", w_event, &st, intact);
	total += oom_sweep("trace_ledger_event_private", w_event_private, &st, intact);
	total += oom_sweep("trace_ledger_status/scans", w_status, &st, intact);
	total += oom_sweep("trace_query_history", w_history, &st, intact);
	total += oom_sweep("trace_query_trace_back", w_back, &st, intact);
	total += oom_sweep("trace_query_trace_forward", w_forward, &st, intact);
	total += oom_sweep("trace_query_contents", w_contents, &st, intact);
	total += oom_sweep("trace_query_by_time", w_by_time, &st, intact);
	total += oom_sweep("trace_query_by_field", w_by_field, &st, intact);
	total += oom_sweep("trace_ledger_recall_list", w_recall_list, &st, intact);
	total += oom_sweep("trace_tlog_proof_parse", w_proof_parse, &st, NULL);
	total += oom_sweep("trace_tlog_proof_verify", w_proof_verify, &st, NULL);
	total += oom_sweep("trace_tlog_proof_format", w_proof_format, &st, intact);

	/* Writers: a failed call leaves the ledger exactly as it was. */
	st.ev = event(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "receiving", 40);
	CHECK_OK(trace_event_add_code(st.ev, TRACE_ROLE_ITEM, CASE));
	CHECK_OK(trace_event_set_biz_location(st.ev, SHOP));
	CHECK_OK(trace_event_add_private(st.ev, "receiver", "Zhang Min"));
	total += oom_sweep_step("trace_ledger_append", w_append, &st, intact, step);
	total += oom_sweep_step("trace_ledger_recall", w_recall, &st, intact, step);
	total += oom_sweep_step("trace_ledger_reindex", w_reindex, &st, intact, step);
	total += oom_sweep_step("trace_ledger_erase_private", w_erase, &st, intact, step);
	total += oom_sweep_step("trace_ledger_create", w_create, &st, NULL, step);
	total += sweep_open(&st, "trace_ledger_open", step);
	printf("%ld allocation points swept (step %ld for writers)\n", total, step);

	/* The same, failing OpenSSL's allocations instead of libtrace's, on a
	 * handle whose caches (the tile being filled) a first append filled. */
	CHECK_OK(trace_ledger_append(st.l, NULL, &st.ev, 1, t0 + 100000000));
	st.size++;
	oom_target = OOM_OPENSSL_ALLOCS;
	total = oom_sweep("OpenSSL: trace_signer_from_skey", w_signer, &st, NULL);
	total += oom_sweep("OpenSSL: trace_ledger_event_private", w_event_private, &st, intact);
	total += oom_sweep("OpenSSL: trace_ledger_recall_list", w_recall_list, &st, intact);
	total += oom_sweep("OpenSSL: trace_tlog_proof_verify", w_proof_verify, &st, NULL);
	total += oom_sweep("OpenSSL: trace_event_add_private", w_add_private, &st, NULL);
	total += oom_sweep("OpenSSL: trace_ledger_append", w_append, &st, intact);
	total += oom_sweep("OpenSSL: trace_log_audit", w_audit, &st, NULL);
	total += sweep_open(&st, "OpenSSL: trace_ledger_open", 1);
	oom_target = OOM_LIBTRACE;
	printf("%ld OpenSSL allocation points swept\n", total);

	uint64_t diff = 1;
	CHECK_OK(trace_ledger_reindex(st.l, &diff));
	CHECK(diff == 0);
	trace_event_free(st.ev);
	trace_tlog_proof_free(st.parsed);
	trace_policy_free(st.policy);
	trace_buf_dispose(&st.entry);
	trace_buf_dispose(&st.proof);
	trace_signer_free(st.signer);
	trace_ledger_close(st.l);
	CHECK(oom_live == 0);
	test_rmrf(dir);
	free(dir);
	return test_done("query-oom");
}
