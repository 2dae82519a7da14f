/*
 * Properties on random scenarios: every code that trace forward from X
 * reaches finds X again by trace back, contents are a subset of trace
 * forward, trace forward reaches exactly what a plain breadth-first search
 * over the index tables of docs/FORMAT.md §2.9.2 (read with liblmdb, not
 * libtrace) reaches, and a reindex from the log equals the live indexes.
 * Usage: test-ledger-props [SEED] [ROUNDS]
 */
#include <lmdb.h>

#include "../test.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define MAXC 4096

static unsigned long long rng;
static unsigned next_rand(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng >> 33) % n);
}

static char codes[MAXC][80];
static int ncodes;

static const char *new_code(const char *kind)
{
	/* Items are NMPA codes of one drug: a lot is named within its product. */
	if (strcmp(kind, "item") == 0)
		snprintf(codes[ncodes], sizeof codes[ncodes], "8100000%013d", ncodes);
	else
		snprintf(codes[ncodes], sizeof codes[ncodes], "urn:example:%s:%d", kind, ncodes);
	return codes[ncodes++];
}

static trace_event *event(int type, int action, const char *step, int64_t t)
{
	trace_event *e;
	CHECK_OK(trace_event_new(&e, type));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + t * 1000, 0));
	if (action != TRACE_ACTION_NONE)
		CHECK_OK(trace_event_set_action(e, action));
	CHECK_OK(trace_event_set_biz_step(e, step));
	return e;
}

static int contains(trace_ledger *l, int forward, const char *from, const char *want)
{
	trace_query *q;
	int found = 0, rc;
	CHECK_OK(forward ? trace_query_trace_forward(&q, l, from) : trace_query_trace_back(&q, l, from));
	while ((rc = trace_query_next(q)) == TRACE_OK)
		found |= strcmp(trace_query_code(q), want) == 0;
	CHECK(rc == TRACE_ENOTFOUND);
	trace_query_free(q);
	return found;
}

/* What trace forward returned, per start code, kept until the ledger is closed. */
static char *forward_sets[MAXC];

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The results of a forward query as one sorted, newline-separated string. */
static char *forward_set(trace_ledger *l, const char *from)
{
	static char *v[MAXC];
	size_t n = 0, len = 1;
	trace_query *q;
	int rc;
	CHECK_OK(trace_query_trace_forward(&q, l, from));
	while ((rc = trace_query_next(q)) == TRACE_OK && n < MAXC) {
		v[n] = strdup(trace_query_code(q));
		len += strlen(v[n++]) + 1;
	}
	CHECK(rc == TRACE_ENOTFOUND);
	trace_query_free(q);
	qsort(v, n, sizeof *v, cmp_str);
	char *out = malloc(len), *p = out;
	*p = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			p += sprintf(p, "%s\n", v[i]);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	return out;
}

static uint64_t be64(const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* The same set by breadth-first search over the raw tables. */
static char *reference_set(MDB_txn *txn, MDB_dbi by_name, MDB_dbi names, const MDB_dbi edges[3], const char *from)
{
	static uint64_t queue[MAXC];
	static char *v[MAXC];
	size_t head = 0, tail = 0, n = 0, len = 1;
	MDB_val k = { strlen(from), (void *)from }, d;
	if (mdb_get(txn, by_name, &k, &d) != 0 || d.mv_size != 8)
		return strdup("(start not in codes)");
	queue[tail++] = be64(d.mv_data);
	while (head < tail) {
		uint64_t node = queue[head++];
		uint8_t key[8];
		for (int i = 0; i < 8; i++)
			key[i] = (uint8_t)(node >> (56 - 8 * i));
		MDB_val nk = { 8, key };
		CHECK(mdb_get(txn, names, &nk, &d) == 0);
		v[n] = strndup(d.mv_data, d.mv_size);
		len += d.mv_size + 1;
		n++;
		for (int e = 0; e < 3; e++) {
			MDB_cursor *c;
			uint8_t start[16] = { 0 };
			memcpy(start, key, 8);
			MDB_val ck = { 16, start };
			CHECK(mdb_cursor_open(txn, edges[e], &c) == 0);
			for (int rc = mdb_cursor_get(c, &ck, &d, MDB_SET_RANGE); rc == 0 && ck.mv_size == 16 &&
			     memcmp(ck.mv_data, key, 8) == 0; rc = mdb_cursor_get(c, &ck, &d, MDB_NEXT)) {
				uint64_t child = be64((uint8_t *)ck.mv_data + 8);
				int seen = 0;
				for (size_t i = 0; i < tail && !seen; i++)
					seen = queue[i] == child;
				if (!seen && tail < MAXC)
					queue[tail++] = child;
			}
			mdb_cursor_close(c);
		}
	}
	qsort(v, n, sizeof *v, cmp_str);
	char *out = malloc(len), *p = out;
	*p = 0;
	for (size_t i = 0; i < n; i++) {
		p += sprintf(p, "%s\n", v[i]);
		free(v[i]);
	}
	return out;
}

static void check_forward_against_tables(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi by_name, names, edges[3];
	CHECK(mdb_env_create(&env) == 0);
	mdb_env_set_maxdbs(env, 32);
	CHECK(mdb_env_open(env, dir, MDB_RDONLY, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0);
	CHECK(mdb_dbi_open(txn, "codes", 0, &by_name) == 0 && mdb_dbi_open(txn, "code_names", 0, &names) == 0 &&
	      mdb_dbi_open(txn, "ix_transform_fwd", 0, &edges[0]) == 0 &&
	      mdb_dbi_open(txn, "ix_lot_items", 0, &edges[1]) == 0 &&
	      mdb_dbi_open(txn, "ix_children", 0, &edges[2]) == 0);
	for (int x = 0; x < ncodes; x++) {
		if (forward_sets[x] == NULL)
			continue;
		char *want = reference_set(txn, by_name, names, edges, codes[x]);
		if (strcmp(want, forward_sets[x]) != 0) {
			fprintf(stderr, "trace forward from %s returned\n%sbut the tables reach\n%s", codes[x],
			        forward_sets[x], want);
			test_failures++;
		}
		free(want);
		free(forward_sets[x]);
		forward_sets[x] = NULL;
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

static void round_once(const char *dir)
{
	trace_ledger *l;
	trace_event *batch[64];
	size_t nb = 0;
	int64_t t = 0;
	const char *lots[24], *cases[24], *pallets[6], *items[256];
	int nlots = 0, ncases = 0, npallets = 0, nitems = 0;
	ncodes = 0;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));

	for (int step = 0; step < 300; step++) {
		trace_event *e = NULL;
		unsigned what = next_rand(10);
		if (what == 0 && nlots < 24) {
			lots[nlots] = new_code("lot");
			e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", t++);
			CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_ITEM, lots[nlots++], 10, "KGM"));
		} else if (what == 1 && nlots >= 2) {
			/* A transformation from earlier lots into a later one keeps the graph acyclic. */
			unsigned out = 1 + next_rand((unsigned)nlots - 1), in = next_rand(out);
			e = event(TRACE_EVENT_TRANSFORMATION, TRACE_ACTION_NONE, "commissioning", t++);
			CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_INPUT, lots[in], 1, "KGM"));
			CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_OUTPUT, lots[out], 1, "KGM"));
		} else if (what <= 4 && nlots > 0 && nitems < 250) {
			unsigned lot = next_rand((unsigned)nlots), n = 1 + next_rand(5);
			char lot_text[32];
			snprintf(lot_text, sizeof lot_text, "%u", lot);
			e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning", t++);
			for (unsigned i = 0; i < n && nitems < 256; i++) {
				items[nitems] = new_code("item");
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[nitems++]));
			}
			CHECK_OK(trace_event_set_lot(e, lot_text, INT64_MIN, INT64_MIN));
		} else if (what <= 6 && nitems > 0) {
			if (ncases < 24 && next_rand(4) == 0)
				cases[ncases++] = new_code("case");
			if (ncases == 0)
				continue;
			e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, cases[next_rand((unsigned)ncases)]));
			unsigned first = next_rand((unsigned)nitems), n = 1 + next_rand(4);
			for (unsigned i = 0; i < n && first + i < (unsigned)nitems; i++)	/* distinct children */
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[first + i]));
		} else if (what == 7 && ncases > 0) {
			if (npallets < 6 && next_rand(3) == 0)
				pallets[npallets++] = new_code("pallet");
			if (npallets == 0)
				continue;
			e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, pallets[next_rand((unsigned)npallets)]));
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, cases[next_rand((unsigned)ncases)]));
		} else if (what == 8 && ncases > 0) {
			e = event(TRACE_EVENT_AGGREGATION, TRACE_ACTION_DELETE, "unpacking", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, cases[next_rand((unsigned)ncases)]));
			if (nitems && next_rand(2))
				CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[next_rand((unsigned)nitems)]));
		} else if (nitems > 0) {
			e = event(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, next_rand(2) ? "shipping" : "retail_selling", t++);
			CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, items[next_rand((unsigned)nitems)]));
		}
		if (e == NULL)
			continue;
		batch[nb++] = e;
		/* Batches of random size: the indexes must not depend on batching. */
		if (nb == 64 || next_rand(8) == 0) {
			CHECK_OK(trace_ledger_append(l, NULL, batch, nb, 1763884800000));
			for (size_t i = 0; i < nb; i++)
				trace_event_free(batch[i]);
			nb = 0;
		}
	}
	if (nb) {
		CHECK_OK(trace_ledger_append(l, NULL, batch, nb, 1763884800000));
		for (size_t i = 0; i < nb; i++)
			trace_event_free(batch[i]);
	}

	/* Forward from X reaches Y  =>  back from Y reaches X; contents within forward. */
	for (int x = 0; x < ncodes; x += 1 + next_rand(3)) {
		trace_query *q;
		int rc;
		char reached[64][80];
		int nr = 0, state;
		/* A code made up but never used in an event is not in the ledger. */
		if (trace_ledger_status(l, codes[x], &state, NULL, NULL) == TRACE_ENOTFOUND)
			continue;
		forward_sets[x] = forward_set(l, codes[x]);
		CHECK_OK(trace_query_trace_forward(&q, l, codes[x]));
		while ((rc = trace_query_next(q)) == TRACE_OK && nr < 64)
			snprintf(reached[nr++], sizeof reached[0], "%s", trace_query_code(q));
		trace_query_free(q);
		for (int i = 0; i < nr; i++)
			if (!contains(l, 0, reached[i], codes[x])) {
				fprintf(stderr, "forward from %s reaches %s, but back from it does not\n", codes[x], reached[i]);
				test_failures++;
			}
		CHECK_OK(trace_query_contents(&q, l, codes[x]));
		while ((rc = trace_query_next(q)) == TRACE_OK)
			CHECK(contains(l, 1, codes[x], trace_query_code(q)));
		trace_query_free(q);
	}
	uint64_t diff = 1;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);
	CHECK_OK(trace_log_audit(trace_ledger_log(l)));
	trace_ledger_close(l);
	check_forward_against_tables(dir);
}

int main(int argc, char **argv)
{
	rng = argc > 1 ? strtoull(argv[1], NULL, 10) : 20261123;
	int rounds = argc > 2 ? atoi(argv[2]) : 4;
	printf("seed %llu, %d rounds\n", rng, rounds);
	char *base = strdup(test_tmpdir("props"));
	for (int r = 0; r < rounds && test_failures == 0; r++) {
		char dir[512];
		snprintf(dir, sizeof dir, "%s/round%d", base, r);
		round_once(dir);
	}
	test_rmrf(base);
	free(base);
	return test_done("ledger properties");
}
