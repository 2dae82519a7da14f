/*
 * Properties on random scenarios: every code that trace forward from X
 * reaches finds X again by trace back, contents are a subset of trace
 * forward, and a reindex from the log equals the live indexes.
 * Usage: test-ledger-props [SEED] [ROUNDS]
 */
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
