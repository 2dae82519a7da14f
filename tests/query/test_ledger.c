/*
 * The event ledger on a hand-built dairy scenario with known answers:
 * farms -> raw-milk lots -> a yoghurt lot by transformation -> items ->
 * cases -> a pallet -> a shipment -> a shop; a cold-chain excursion, a
 * double sale, a recall; then reindex, including after damage.
 */
#define TRACE_EXPERIMENTAL_API	/* ledger parameters, the where query */
#include <lmdb.h>

#include "../test.h"

#define SKEY "PRIVATE+KEY+example.com/test+f24ff7b2+AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"

#define RAW_GTIN "09506000134369"
#define YOG_GTIN "09506000134352"
#define RAW1 "https://id.gs1.org/01/" RAW_GTIN "/10/R1"
#define RAW2 "https://id.gs1.org/01/" RAW_GTIN "/10/R2"
#define YLOT "https://id.gs1.org/01/" YOG_GTIN "/10/Y1"
#define CASE1 "https://id.gs1.org/00/095060001000000012"
#define CASE2 "https://id.gs1.org/00/095060001000000029"
#define PALLET "https://id.gs1.org/00/095060001000000036"
#define SHOP "urn:epc:id:sgln:9506000.10002.0"

static char items[6][96];
static int64_t t0 = 1763884800000;	/* 2025-11-23T08:00:00Z */

static trace_event *ev(int type, int action, const char *step, int64_t minutes)
{
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, type));
	CHECK_OK(trace_event_set_time(e, t0 + minutes * 60000, 480));
	if (action != TRACE_ACTION_NONE)
		CHECK_OK(trace_event_set_action(e, action));
	if (step)
		CHECK_OK(trace_event_set_biz_step(e, step));
	return e;
}

static void append(trace_ledger *l, trace_event *e)
{
	CHECK_OK(trace_ledger_append(l, NULL, &e, 1, t0 + 100000000));
	trace_event_free(e);
}

/* Collects a query's codes (or event indexes) into a string for comparison. */
static char *collect(trace_query *q, int codes)
{
	static char out[8192];
	size_t n = 0;
	out[0] = 0;
	int rc;
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		if (codes)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s;", trace_query_code(q));
		else
			n += (size_t)snprintf(out + n, sizeof out - n, "%llu%s;", (unsigned long long)trace_query_event_index(q),
			                      trace_query_depth(q) ? "c" : "");
	}
	CHECK(rc == TRACE_ITEROVER);
	trace_query_free(q);
	return out;
}

static int has(const char *list, const char *code)
{
	char needle[128];
	CHECK(snprintf(needle, sizeof needle, "%s;", code) < (int)sizeof needle);
	return strstr(list, needle) != NULL;
}

static int status_of(trace_ledger *l, const char *code, uint32_t *flags)
{
	int state = -1;
	uint32_t f = 0;
	CHECK_OK(trace_ledger_status(l, code, &state, &f, NULL));
	if (flags)
		*flags = f;
	return state;
}

/* Empties one database of @dir's store behind libtrace's back, as damage would. */
static void drop_database(const char *dir, const char *name)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	CHECK(mdb_env_create(&env) == 0);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	CHECK(mdb_env_open(env, dir, 0, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	CHECK(mdb_dbi_open(txn, name, 0, &dbi) == 0);
	CHECK(mdb_drop(txn, dbi, 0) == 0);
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
}

static void scenario(const char *dir)
{
	trace_ledger *l;
	trace_query *q;
	trace_event *e;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	for (int i = 0; i < 6; i++)
		snprintf(items[i], sizeof items[i], "https://id.gs1.org/01/%s/21/Y%04d", YOG_GTIN, i + 1);

	/* 0, 1: raw milk lots received from two farms. */
	for (int f = 0; f < 2; f++) {
		e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", f);
		CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_ITEM, f ? RAW2 : RAW1, 1200, "KGM"));
		CHECK_OK(trace_event_add_party(e, TRACE_PARTY_SOURCE, "owning_party",
		                               f ? "urn:epc:id:pgln:9506000.10003" : "urn:epc:id:pgln:9506000.10001"));
		append(l, e);
	}
	/* 2: transformation into the yoghurt lot. */
	e = ev(TRACE_EVENT_TRANSFORMATION, TRACE_ACTION_NONE, "commissioning", 60);
	CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_INPUT, RAW1, 1200, "KGM"));
	CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_INPUT, RAW2, 1200, "KGM"));
	CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_OUTPUT, YLOT, 6, NULL));
	append(l, e);
	/* 3: items commissioned with lot master data. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", 90);
	for (int i = 0; i < 6; i++)
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[i]));
	CHECK_OK(trace_event_set_lot(e, "Y1", t0, t0 + 21LL * 86400000));
	append(l, e);
	/* 4, 5: packed into two cases; 6: cases onto a pallet. */
	for (int c = 0; c < 2; c++) {
		e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", 100 + c);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, c ? CASE2 : CASE1));
		for (int i = 0; i < 3; i++)
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[3 * c + i]));
		append(l, e);
	}
	e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", 110);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, PALLET));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, CASE1));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, CASE2));
	append(l, e);
	/* 7: shipped, with a cold-chain excursion recorded on the way. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "shipping", 120);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, PALLET));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "location", SHOP));
	CHECK_OK(trace_event_add_sensor(e, "Temperature", 2.0, 9.5, 4.5, "CEL", t0 + 150 * 60000));
	append(l, e);
	/* 8: received at the shop. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "receiving", 300);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, PALLET));
	CHECK_OK(trace_event_set_biz_location(e, SHOP));
	append(l, e);
	/* 9: case 2 unpacked at the shop; 10, 11: item 4 sold twice (a copied code). */
	e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_DELETE, "unpacking", 310);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, CASE2));
	append(l, e);
	for (int s = 0; s < 2; s++) {
		e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "retail_selling", 400 + s);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[3]));
		append(l, e);
	}

	/* Status: through containers, after sale, with the double sale flagged. */
	uint32_t flags;
	CHECK(status_of(l, items[0], &flags) == TRACE_STATE_RECEIVED);
	CHECK(status_of(l, items[4], &flags) == TRACE_STATE_ACTIVE);
	CHECK(status_of(l, items[3], &flags) == TRACE_STATE_SOLD && (flags & TRACE_FLAG_DOUBLE_SALE));
	CHECK(status_of(l, PALLET, NULL) == TRACE_STATE_RECEIVED);

	/* History of item 1: its own events and its containers' while it was inside. */
	CHECK_OK(trace_query_history(&q, l, items[0]));
	CHECK(strcmp(collect(q, 0), "3;4;6c;7c;8c;") == 0);
	/* Item 5 left case 2 at event 9, which its history shows; later case events would not. */
	CHECK_OK(trace_query_history(&q, l, items[4]));
	CHECK(strcmp(collect(q, 0), "3;5;6c;7c;8c;9c;") == 0);

	/* Trace back from item 1: case, pallet, lot, raw lots. */
	CHECK_OK(trace_query_trace_back(&q, l, items[0]));
	char *back = collect(q, 1);
	CHECK(has(back, CASE1) && has(back, PALLET) && has(back, YLOT) && has(back, RAW1) && has(back, RAW2));
	CHECK(!has(back, CASE2));
	/* Trace forward from raw lot 1: the yoghurt lot and every item of it. */
	CHECK_OK(trace_query_trace_forward(&q, l, RAW1));
	char *fwd = collect(q, 1);
	CHECK(has(fwd, YLOT));
	for (int i = 0; i < 6; i++)
		CHECK(has(fwd, items[i]));
	CHECK(!has(fwd, RAW2) && !has(fwd, PALLET));
	/* Contents of the pallet: case 1 with its items; case 2 is empty now. */
	CHECK_OK(trace_query_contents(&q, l, PALLET));
	char *contents = collect(q, 1);
	CHECK(has(contents, CASE1) && has(contents, CASE2) && has(contents, items[0]) && !has(contents, items[4]));
	/* By time, by field. */
	CHECK_OK(trace_query_by_time(&q, l, t0 + 100 * 60000, t0 + 121 * 60000));
	CHECK(strcmp(collect(q, 0), "4;5;6;7;") == 0);
	CHECK_OK(trace_query_by_field(&q, l, TRACE_FIELD_BIZ_STEP, "retail_selling"));
	CHECK(strcmp(collect(q, 0), "10;11;") == 0);
	CHECK_OK(trace_query_by_field(&q, l, TRACE_FIELD_PARTY, SHOP));
	char *by_party = collect(q, 0);
	if (strcmp(by_party, "7;") != 0)
		fprintf(stderr, "by party: %s\n", by_party), test_failures++;
	CHECK_RC(trace_query_history(&q, l, "https://id.gs1.org/01/" YOG_GTIN "/21/NOPE"), TRACE_ENOTFOUND);
	CHECK_MSG("not in this ledger");

	/* The shipping event reads back with its sensor report. */
	trace_event *shipped;
	CHECK_OK(trace_ledger_event(&shipped, l, 7));
	double mx = 0;
	CHECK(trace_event_sensor_count(shipped) == 1);
	CHECK_OK(trace_event_sensor(shipped, 0, NULL, NULL, &mx, NULL, NULL, NULL));
	CHECK(mx == 9.5);
	trace_event_free(shipped);

	/* Recall the yoghurt lot: every item is marked; selling one is flagged. */
	uint64_t affected = 0;
	CHECK_OK(trace_ledger_recall(l, &affected, YLOT, "Listeria found in retained sample", t0 + 500 * 60000));
	CHECK(affected == 7);	/* the lot and its six items */
	CHECK(status_of(l, items[0], &flags) == TRACE_STATE_RECALLED && (flags & TRACE_FLAG_RECALLED));
	CHECK(status_of(l, items[3], &flags) == TRACE_STATE_SOLD && (flags & TRACE_FLAG_RECALLED));
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "retail_selling", 600);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[4]));
	append(l, e);
	CHECK(status_of(l, items[4], &flags) == TRACE_STATE_SOLD && (flags & TRACE_FLAG_SOLD_RECALLED));

	/* The recall list is a signed note listing the recalled codes. */
	trace_signer *s;
	trace_buf list = TRACE_BUF_INIT;
	CHECK_OK(trace_signer_from_skey(&s, SKEY));
	CHECK_OK(trace_ledger_recall_list(&list, l, s, t0 + 700 * 60000));
	CHECK(strstr((char *)list.ptr, items[5]) != NULL && strstr((char *)list.ptr, CASE1) == NULL);
	trace_note *n;
	trace_verifier *v;
	uint64_t lsize, ledger_size;
	int64_t made;
	int recalled = -1;
	CHECK_OK(trace_verifier_new(&v, VKEY));
	CHECK_OK(trace_note_parse(&n, (char *)list.ptr, list.size));
	CHECK_OK(trace_note_verify(NULL, NULL, n, (const trace_verifier *const *)&v, 1));
	trace_note_free(n);
	/* The whole offline check, with everything it relies on explicit. */
	CHECK_OK(trace_log_size(&ledger_size, trace_ledger_log(l)));
	CHECK_OK(trace_recall_list_check(&recalled, &lsize, &made, (char *)list.ptr, list.size, v, items[5], 0, INT64_MIN));
	CHECK(recalled == 1 && lsize == ledger_size && made == t0 + 700 * 60000);
	CHECK_OK(trace_recall_list_check(&recalled, NULL, NULL, (char *)list.ptr, list.size, v, CASE1, ledger_size, t0));
	CHECK(recalled == 0);
	/* An older list is refused when the caller asks for a newer one. */
	CHECK_RC(trace_recall_list_check(&recalled, NULL, NULL, (char *)list.ptr, list.size, v, items[5], ledger_size + 1,
	                                 INT64_MIN), TRACE_EREFUSED);
	CHECK_RC(trace_recall_list_check(&recalled, NULL, NULL, (char *)list.ptr, list.size, v, items[5], 0,
	                                 t0 + 701 * 60000), TRACE_EREFUSED);
	/* A checkpoint, signed by the same key, is not a recall list. */
	trace_buf cp = TRACE_BUF_INIT;
	CHECK_OK(trace_log_checkpoint_sign(&cp, trace_ledger_log(l), s));
	CHECK_RC(trace_recall_list_check(&recalled, NULL, NULL, (char *)cp.ptr, cp.size, v, items[5], 0, INT64_MIN),
	         TRACE_EINVAL);
	CHECK_MSG("not a recall list");
	/* ...and a recall list is not a checkpoint. */
	trace_checkpoint *as_cp = NULL;
	CHECK(trace_checkpoint_parse(&as_cp, (char *)list.ptr, list.size) != TRACE_OK && as_cp == NULL);
	trace_buf_dispose(&list);

	/* The ledger is a log: checkpoints, proofs and the audit work on it. */
	CHECK_OK(trace_log_audit(trace_ledger_log(l)));
	trace_buf_dispose(&cp);

	/* Reindex: the live indexes equal a rebuild from the log. */
	uint64_t diff = 99;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);
	trace_ledger_close(l);

	/* Damage an index row; reindex finds and repairs it. */
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	drop_database(dir, "ix_children");
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff > 0);
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);
	CHECK_OK(trace_query_contents(&q, l, PALLET));
	CHECK(has(collect(q, 1), items[0]));
	trace_ledger_close(l);

	/* Empty the stored recall index: the key still signs only what the log shows. */
	drop_database(dir, "recalls");
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_READONLY, NULL));
	recalled = 0;
	CHECK_OK(trace_ledger_recall_list(&list, l, s, INT64_MIN));
	CHECK_OK(trace_recall_list_check(&recalled, NULL, NULL, (char *)list.ptr, list.size, v, items[5], 0, INT64_MIN));
	CHECK(recalled == 1);
	trace_buf_dispose(&list);
	trace_ledger_close(l);
	trace_verifier_free(v);
	trace_signer_free(s);

	/* A stored entry that breaks the format is corruption (and only that is:
	 * a failed allocation is TRACE_ENOMEM, see test_query_oom.c). */
	uint8_t key[8] = { 0, 0, 0, 0, 0, 0, 0, 1 }, longer[4096];
	MDB_val k = { sizeof key, key }, stored;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	CHECK(mdb_env_open(env, dir, 0, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	CHECK(mdb_dbi_open(txn, "entries", 0, &dbi) == 0);
	CHECK(mdb_get(txn, dbi, &k, &stored) == 0 && stored.mv_size < sizeof longer);
	memcpy(longer, stored.mv_data, stored.mv_size);
	longer[stored.mv_size] = 0;	/* one trailing byte after the event */
	stored.mv_data = longer;
	stored.mv_size++;
	CHECK(mdb_put(txn, dbi, &k, &stored, 0) == 0);
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
	trace_event *damaged = NULL;
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));
	CHECK_RC(trace_ledger_event(&damaged, l, 1), TRACE_ECORRUPT);
	CHECK_MSG("entry 1 of the ledger");
	CHECK_MSG("trailing bytes");
	CHECK(damaged == NULL);
	CHECK_RC(trace_ledger_reindex(l, &diff), TRACE_ECORRUPT);
	trace_ledger_close(l);
}

static void interlock_and_scans(const char *dir)
{
	trace_ledger *l;
	trace_event *e;
	const char *cyl = "urn:epc:id:giai:9506000.CYL0001";
	uint64_t size;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	/* A cylinder whose inspection is due at t0 + 1 day. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", 0);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cyl));
	/* An asset has no product to name a lot within: only the due date. */
	CHECK_OK(trace_event_set_lot(e, NULL, t0, t0 + 86400000LL));
	append(l, e);
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "https://libtrace.dev/voc/bizstep/filling", 60);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cyl));
	append(l, e);
	/* Filling it after the due date is refused, and nothing is written. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "https://libtrace.dev/voc/bizstep/filling", 2 * 24 * 60);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cyl));
	CHECK_RC(trace_ledger_append(l, NULL, &e, 1, INT64_MIN), TRACE_EREFUSED);
	CHECK_MSG("overdue");
	trace_event_free(e);
	CHECK_OK(trace_log_size(&size, trace_ledger_log(l)));
	CHECK(size == 2);
	/* Consumer scans are counted; too many flag a likely copy. */
	CHECK_OK(trace_ledger_set_param(l, TRACE_PARAM_SCAN_LIMIT, 2));
	/* Tuning parameters read back and state their bounds (experimental API). */
	int64_t v = 0, lo = 0, hi = 0;
	CHECK_OK(trace_ledger_get_param(&v, l, TRACE_PARAM_SCAN_LIMIT));
	CHECK(v == 2);
	CHECK_OK(trace_ledger_get_param(&v, l, TRACE_PARAM_FILL_INTERLOCK));
	CHECK(v == 1);	/* the default */
	CHECK_OK(trace_ledger_param_bounds(&lo, &hi, TRACE_PARAM_FILL_INTERLOCK));
	CHECK(lo == 0 && hi == 1);
	CHECK_RC(trace_ledger_set_param(l, TRACE_PARAM_FILL_INTERLOCK, 2), TRACE_EINVAL);
	CHECK_MSG("outside 0 to 1");
	CHECK_OK(trace_ledger_param_bounds(&lo, &hi, TRACE_PARAM_MAX_CLOCK_SKEW_MS));
	CHECK(lo == -1 && hi > 0);
	CHECK_RC(trace_ledger_set_param(l, TRACE_PARAM_MAX_CLOCK_SKEW_MS, hi + 1), TRACE_EINVAL);
	CHECK_RC(trace_ledger_set_param(l, TRACE_PARAM_UNDO_WINDOW_MS, -5), TRACE_EINVAL);
	CHECK_RC(trace_ledger_param_bounds(&lo, &hi, 99), TRACE_EINVAL);
	CHECK_RC(trace_ledger_get_param(&v, l, 0), TRACE_EINVAL);
	CHECK_OK(trace_ledger_get_param(&v, l, TRACE_PARAM_SCAN_LIMIT));
	CHECK(v == 2);	/* a refused setting changes nothing */
	for (int i = 0; i < 3; i++) {
		e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "https://libtrace.dev/voc/bizstep/consumer_scan", 100 + i);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cyl));
		append(l, e);
	}
	uint64_t scans = 0;
	int64_t first = 0;
	uint32_t flags;
	CHECK_OK(trace_ledger_scans(l, cyl, &scans, &first));
	CHECK(scans == 3 && first == t0 + 100 * 60000);
	status_of(l, cyl, &flags);
	CHECK(flags & TRACE_FLAG_MANY_SCANS);
	/* A cylinder's life is many trips: each a truck it is loaded on, the
	 * truck's own departure, an unloading.  Its history shows every trip,
	 * the truck's departures included, however many there are. */
	const int trips = 150;
	for (int i = 0; i < trips; i++) {
		char truck[64];
		snprintf(truck, sizeof truck, "urn:epc:id:giai:9506000.TRUCK%d", i % 7);
		e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "loading", 200 + 3 * i);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, truck));
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cyl));
		append(l, e);
		e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "departing", 201 + 3 * i);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, truck));
		append(l, e);
		e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_DELETE, "unloading", 202 + 3 * i);
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, truck));
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cyl));
		append(l, e);
	}
	trace_query *q;
	int rc, n = 0, via = 0;
	uint64_t last = 0;
	CHECK_OK(trace_query_history(&q, l, cyl));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		CHECK(n == 0 || trace_query_event_index(q) > last);
		last = trace_query_event_index(q);
		via += trace_query_depth(q) == 1;
		n++;
	}
	CHECK(rc == TRACE_ITEROVER);
	trace_query_free(q);
	/* commissioning, filling, 3 scans, then 3 events a trip; only departures come via the truck */
	CHECK(n == 5 + 3 * trips && via == trips);

	/* A raw log is not a ledger. */
	trace_ledger_close(l);
	trace_ledger *x;
	trace_log *raw;
	char rawdir[512];
	CHECK(snprintf(rawdir, sizeof rawdir, "%s-raw", dir) < (int)sizeof rawdir);
	CHECK_OK(trace_log_create(&raw, rawdir, "example.com/test", VKEY, NULL));
	trace_log_close(raw);
	CHECK_RC(trace_ledger_open(&x, rawdir, TRACE_OPEN_WRITE, NULL), TRACE_EINVAL);
	test_rmrf(rawdir);
}

/* Private fields: cleartext back from the side store, erased for good, proofs intact. */
static void private_fields(const char *dir)
{
	trace_ledger *l;
	trace_event *e, *back;
	const char *value = NULL;
	size_t erased = 9;
	uint8_t leaf_before[32], leaf_after[32];
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "retail_selling", 10);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, CASE1));
	CHECK_OK(trace_event_add_private(e, "buyer", "Zhang San"));
	CHECK_OK(trace_event_add_private(e, "phone", "+86 138 0000 0000"));
	append(l, e);
	CHECK_OK(trace_log_leaf_hash(leaf_before, sizeof leaf_before, trace_ledger_log(l), 0));

	/* Plain reads carry commitments only; the private read checks and attaches the cleartext. */
	CHECK_OK(trace_ledger_event(&back, l, 0));
	CHECK_OK(trace_event_private(back, 0, NULL, &value, NULL, NULL));
	CHECK(value == NULL);
	trace_event_free(back);
	CHECK_OK(trace_ledger_event_private(&back, l, 0));
	CHECK_OK(trace_event_private(back, 1, NULL, &value, NULL, NULL));
	CHECK(value && strcmp(value, "+86 138 0000 0000") == 0);
	/* A wrong value or salt does not match the commitment. */
	const uint8_t *salt;
	size_t salt_len;
	uint8_t bad_salt[16];
	CHECK_OK(trace_event_private(back, 0, NULL, NULL, &salt, &salt_len));
	memcpy(bad_salt, salt, sizeof bad_salt);
	CHECK_RC(trace_event_reveal_private(back, 0, "Li Si", bad_salt, 16), TRACE_ECHAINBREAK);
	bad_salt[0] ^= 1;
	CHECK_RC(trace_event_reveal_private(back, 0, "Zhang San", bad_salt, 16), TRACE_ECHAINBREAK);
	CHECK_RC(trace_event_reveal_private(back, 0, "Zhang San", bad_salt, 15), TRACE_EINVAL);
	trace_event_free(back);

	/* Erase: the values are gone, the entry, its identity and the audit are not. */
	CHECK_OK(trace_ledger_erase_private(l, 0, &erased));
	CHECK(erased == 2);
	CHECK_OK(trace_ledger_erase_private(l, 0, &erased));
	CHECK(erased == 0);
	CHECK_RC(trace_ledger_erase_private(l, 5, &erased), TRACE_ERANGE);
	CHECK_OK(trace_ledger_event_private(&back, l, 0));
	CHECK(trace_event_private_count(back) == 2);
	CHECK_OK(trace_event_private(back, 0, NULL, &value, NULL, NULL));
	CHECK(value == NULL);
	trace_event_free(back);
	CHECK_OK(trace_log_leaf_hash(leaf_after, sizeof leaf_after, trace_ledger_log(l), 0));
	CHECK(memcmp(leaf_before, leaf_after, sizeof leaf_after) == 0);
	CHECK_OK(trace_log_audit(trace_ledger_log(l)));
	uint64_t diff = 9;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);

	/* No file of the ledger ever holds the cleartext: rows are sealed, and
	 * the erased event's key slot is zeros. */
	trace_ledger_close(l);
	const char *files[] = { "data.mdb", "private.keys", "index/data.mdb" };
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		char path[600];
		snprintf(path, sizeof path, "%s/%s", dir, files[f]);
		FILE *fp = fopen(path, "rb");
		if (fp == NULL)
			continue;
		static char data[1 << 24];
		size_t n = fread(data, 1, sizeof data, fp);
		fclose(fp);
		CHECK(memmem(data, n, "Zhang San", 9) == NULL && memmem(data, n, "0000 0000", 9) == NULL);
		if (strcmp(files[f], "private.keys") == 0) {
			static const uint8_t zero[32];
			CHECK(n >= 32 && memcmp(data, zero, 32) == 0);
		}
	}
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));

	/* A sealed row that was altered does not authenticate: corruption, named. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "retail_selling", 20);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, CASE2));
	CHECK_OK(trace_event_add_private(e, "buyer", "Wang Wu"));
	append(l, e);
	CHECK_OK(trace_ledger_event_private(&back, l, 1));
	CHECK_OK(trace_event_private(back, 0, NULL, &value, NULL, NULL));
	CHECK(value && strcmp(value, "Wang Wu") == 0);
	trace_event_free(back);
	trace_ledger_close(l);

	/* Read-only, the values still come back; without the key file they are not
	 * silently taken for erased. */
	char keys[600], moved[620];
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_READONLY, NULL));
	CHECK_OK(trace_ledger_event_private(&back, l, 1));
	CHECK_OK(trace_event_private(back, 0, NULL, &value, NULL, NULL));
	CHECK(value && strcmp(value, "Wang Wu") == 0);
	trace_event_free(back);
	trace_ledger_close(l);
	snprintf(keys, sizeof keys, "%s/private.keys", dir);
	snprintf(moved, sizeof moved, "%s.away", keys);
	CHECK(rename(keys, moved) == 0);
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_READONLY, NULL));
	CHECK_RC(trace_ledger_event_private(&back, l, 1), TRACE_ECORRUPT);
	CHECK_MSG("key file is missing");
	CHECK_OK(trace_ledger_event_private(&back, l, 0));	/* erased: commitments only, no error */
	trace_event_free(back);
	trace_ledger_close(l);
	CHECK(rename(moved, keys) == 0);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	uint8_t key[10] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 }, forged[256];
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	CHECK(mdb_env_open(env, dir, 0, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	CHECK(mdb_dbi_open(txn, "private", 0, &dbi) == 0);
	k.mv_size = sizeof key;
	k.mv_data = key;
	CHECK(mdb_get(txn, dbi, &k, &v) == 0 && v.mv_size == 12 + 16 + 7 + 16 && v.mv_size <= sizeof forged);
	memcpy(forged, v.mv_data, v.mv_size);
	forged[12 + 16] ^= 1;	/* the first byte of the sealed value */
	v.mv_data = forged;
	CHECK(mdb_put(txn, dbi, &k, &v, 0) == 0);
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));
	CHECK_RC(trace_ledger_event_private(&back, l, 1), TRACE_ECORRUPT);
	CHECK_MSG("authenticate");
	CHECK(back == NULL);
	trace_ledger_close(l);
}

struct seen_codes {
	char code[8][64];
	size_t n, stop_after;
};

static int see_code(const char *code, const char *serial, uint64_t seq, void *payload)
{
	struct seen_codes *s = payload;
	(void)serial;
	(void)seq;
	snprintf(s->code[s->n % 8], sizeof s->code[0], "%s", code);
	return ++s->n == s->stop_after;
}

/* Issue 10: issuing and recording the issuance is one library call. */
static void issuance(const char *dir)
{
	trace_ledger *l;
	trace_issuer *is;
	uint64_t first = 99, events = 0;
	struct seen_codes seen = { .stop_after = 0 };
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	CHECK_OK(trace_issuer_open(&is, dir, NULL));
	CHECK_OK(trace_ledger_issue(&first, &events, l, is, NULL, NULL, "ACME", 5, t0, 480, 0, see_code, &seen));
	CHECK(first == 0 && events == 1 && seen.n == 5);
	for (size_t i = 0; i < 5; i++)	/* every code handed out is in the ledger, as issued */
		CHECK(status_of(l, seen.code[i], NULL) == TRACE_STATE_ISSUED);
	trace_event *e = NULL;
	CHECK_OK(trace_ledger_event(&e, l, 0));
	CHECK(trace_event_code_count(e, TRACE_ROLE_ITEM) == 5 && strcmp(trace_event_biz_step(e), "encoding") == 0);
	trace_event_free(e);
	/* Commissioned at once, GS1; a callback that stops gets TRACE_EUSER, and what it saw is recorded. */
	seen.n = 0;
	seen.stop_after = 2;
	CHECK_RC(trace_ledger_issue(&first, &events, l, is, "09506000134352", "L7", NULL, 3, t0, 0,
	                            TRACE_ISSUE_COMMISSION, see_code, &seen), TRACE_EUSER);
	CHECK(first == 1 && events == 1 && seen.n == 2);
	CHECK(status_of(l, seen.code[1], NULL) == TRACE_STATE_COMMISSIONED);
	CHECK_OK(trace_ledger_event(&e, l, 1));
	CHECK(trace_event_code_count(e, TRACE_ROLE_ITEM) == 3);	/* the third is recorded too: it is issued */
	trace_event_free(e);
	/* A GTIN without a lot, both kinds at once, unknown flags, or no time: refused, nothing recorded. */
	CHECK_RC(trace_ledger_issue(NULL, NULL, l, is, "09506000134352", NULL, NULL, 1, t0, 0, 0, NULL, NULL), TRACE_EINVAL);
	CHECK_RC(trace_ledger_issue(NULL, NULL, l, is, "09506000134352", "L", "ACME", 1, t0, 0, 0, NULL, NULL), TRACE_EINVAL);
	CHECK_RC(trace_ledger_issue(NULL, NULL, l, is, NULL, NULL, "ACME", 1, t0, 0, 8, NULL, NULL), TRACE_EINVAL);
	CHECK_RC(trace_ledger_issue(NULL, NULL, l, is, NULL, NULL, "ACME", 1, INT64_MIN, 0, 0, NULL, NULL), TRACE_EINVAL);
	uint64_t size = 0;
	CHECK_OK(trace_log_size(&size, trace_ledger_log(l)));
	CHECK(size == 2);
	trace_issuer_close(is);
	trace_ledger_close(l);
}

int main(void)
{
	char *base = strdup(test_tmpdir("ledger")), dir[512];
	snprintf(dir, sizeof dir, "%s/dairy", base);
	scenario(dir);
	snprintf(dir, sizeof dir, "%s/cylinders", base);
	interlock_and_scans(dir);
	snprintf(dir, sizeof dir, "%s/private", base);
	private_fields(dir);
	snprintf(dir, sizeof dir, "%s/issuance", base);
	issuance(dir);
	test_rmrf(base);
	free(base);
	return test_done("ledger");
}
