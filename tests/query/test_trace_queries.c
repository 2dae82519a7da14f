/*
 * The regulator's questions on small ledgers with known answers: trace back
 * keeps the containers a code has left, with the stretch it was inside;
 * history says through which container each event applies and how far out;
 * where did a batch go and where did it come from, in one query each; and
 * no depth limit: a chain of 200 transformations is traced both ways and
 * recalled, while a containment cycle is refused when it is recorded.
 */
#define TRACE_EXPERIMENTAL_API	/* ledger parameters, the where query */
#include "../test.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"

/* How trace_query_next() says there are no more results (one place to change). */
#define QUERY_END TRACE_ITEROVER
#define CHECK_END(rc) CHECK_RC(rc, QUERY_END)

static const int64_t t0 = 1763884800000;
static int64_t minute;

static trace_event *ev(int type, int action, const char *step)
{
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, type));
	CHECK_OK(trace_event_set_time(e, t0 + 60000 * minute++, 0));
	if (action != TRACE_ACTION_NONE)
		CHECK_OK(trace_event_set_action(e, action));
	if (step)
		CHECK_OK(trace_event_set_biz_step(e, step));
	return e;
}

static uint64_t append(trace_ledger *l, trace_event *e)
{
	uint64_t at = UINT64_MAX;
	CHECK_OK(trace_ledger_append(l, &at, &e, 1, t0 + 100000000));
	trace_event_free(e);
	return at;
}

static uint64_t pack(trace_ledger *l, int action, const char *parent, const char *child)
{
	trace_event *e = ev(TRACE_EVENT_AGGREGATION, action, action == TRACE_ACTION_ADD ? "packing" : "unpacking");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, parent));
	if (child)
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, child));
	return append(l, e);
}

static uint64_t observe(trace_ledger *l, const char *code, const char *step)
{
	trace_event *e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, step);
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, code));
	return append(l, e);
}

static uint64_t log_size(trace_ledger *l)
{
	uint64_t n = 0;
	CHECK_OK(trace_log_size(&n, trace_ledger_log(l)));
	return n;
}

/* One trace result: code, depth and (if any) the stretch; "code@depth[from-to]". */
static char *trace_list(trace_ledger *l, int back, const char *code)
{
	static char out[4096];
	size_t n = 0;
	trace_query *q;
	int rc;
	out[0] = 0;
	CHECK_OK(back ? trace_query_trace_back(&q, l, code) : trace_query_trace_forward(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		uint64_t from, to;
		n += (size_t)snprintf(out + n, sizeof out - n, "%s@%u", trace_query_code(q), trace_query_depth(q));
		if (trace_query_interval(q, &from, &to) == TRACE_OK) {
			if (to == UINT64_MAX)
				n += (size_t)snprintf(out + n, sizeof out - n, "[%llu-]", (unsigned long long)from);
			else
				n += (size_t)snprintf(out + n, sizeof out - n, "[%llu-%llu]", (unsigned long long)from,
				                      (unsigned long long)to);
		}
		n += (size_t)snprintf(out + n, sizeof out - n, ";");
	}
	CHECK_END(rc);
	trace_query_free(q);
	return out;
}

#define EXPECT_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (strcmp(g_, w_) != 0) { \
		fprintf(stderr, "%s:%d: got\n  %s\nexpected\n  %s\n", __FILE__, __LINE__, g_, w_); \
		test_failures++; \
	} \
} while (0)

/* Issue 9: after a pallet is unpacked, trace back of a pack still lists it. */
static void past_containers(const char *dir)
{
	trace_ledger *l;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	uint64_t p0 = pack(l, TRACE_ACTION_ADD, "urn:t:case", "urn:t:pack");	/* 0 */
	uint64_t p1 = pack(l, TRACE_ACTION_ADD, "urn:t:pallet", "urn:t:case");	/* 1 */
	observe(l, "urn:t:pallet", "shipping");					/* 2 */
	uint64_t u1 = pack(l, TRACE_ACTION_DELETE, "urn:t:pallet", NULL);	/* 3: unpacked */
	uint64_t p2 = pack(l, TRACE_ACTION_ADD, "urn:t:pallet2", "urn:t:case");	/* 4 */
	CHECK(p0 == 0 && p1 == 1 && u1 == 3 && p2 == 4);
	/* The pack is still in the case; the case was on the first pallet over
	 * events 1..3 and is on the second since 4. */
	EXPECT_STR(trace_list(l, 1, "urn:t:pack"),
	           "urn:t:pack@0;urn:t:case@1[0-];urn:t:pallet@2[1-3];urn:t:pallet2@2[4-];");
	/* After the pack leaves the case, only the pallet stay that overlaps counts. */
	uint64_t u0 = pack(l, TRACE_ACTION_DELETE, "urn:t:case", "urn:t:pack");	/* 5 */
	EXPECT_STR(trace_list(l, 1, "urn:t:pack"), "urn:t:pack@0;urn:t:case@1[0-5];urn:t:pallet@2[1-3];urn:t:pallet2@2[4-5];");
	CHECK(u0 == 5);
	/* A later stay of the case on another pallet is not the pack's. */
	pack(l, TRACE_ACTION_ADD, "urn:t:pallet3", "urn:t:case");	/* 6 */
	EXPECT_STR(trace_list(l, 1, "urn:t:pack"), "urn:t:pack@0;urn:t:case@1[0-5];urn:t:pallet@2[1-3];urn:t:pallet2@2[4-5];");
	/* Trace forward keeps to what containers hold now. */
	EXPECT_STR(trace_list(l, 0, "urn:t:pallet"), "urn:t:pallet@0;");
	trace_ledger_close(l);
}

/* Issue 10: history names the container an event came through, and its depth. */
static void history_via(const char *dir)
{
	trace_ledger *l;
	trace_query *q;
	int rc;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	observe(l, "urn:t:item", "commissioning");			/* 0 */
	pack(l, TRACE_ACTION_ADD, "urn:t:case", "urn:t:item");		/* 1 */
	pack(l, TRACE_ACTION_ADD, "urn:t:pallet", "urn:t:case");	/* 2 */
	observe(l, "urn:t:pallet", "shipping");				/* 3: only the pallet */
	observe(l, "urn:t:case", "inspecting");				/* 4: only the case */
	pack(l, TRACE_ACTION_DELETE, "urn:t:pallet", NULL);		/* 5 */
	observe(l, "urn:t:pallet", "storing");				/* 6: the case has left */
	static const struct { uint64_t event; unsigned depth; const char *via; int has_iv; uint64_t from, to; } want[] = {
		{ 0, 0, "urn:t:item", 0, 0, 0 },
		{ 1, 0, "urn:t:item", 0, 0, 0 },
		{ 2, 1, "urn:t:case", 1, 1, UINT64_MAX },	/* names the case (depth 1) and the pallet */
		{ 3, 2, "urn:t:pallet", 1, 2, 5 },
		{ 4, 1, "urn:t:case", 1, 1, UINT64_MAX },
		{ 5, 2, "urn:t:pallet", 1, 2, 5 },	/* emptying the pallet names only the pallet */
	};
	size_t n = 0;
	CHECK_OK(trace_query_history(&q, l, "urn:t:item"));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		uint64_t from = 0, to = 0;
		int iv = trace_query_interval(q, &from, &to) == TRACE_OK;
		const char *via = trace_query_via(q);
		CHECK(n < sizeof want / sizeof want[0]);
		if (n >= sizeof want / sizeof want[0])
			break;
		if (trace_query_event_index(q) != want[n].event || trace_query_depth(q) != want[n].depth ||
		    via == NULL || strcmp(via, want[n].via) != 0 || iv != want[n].has_iv ||
		    (iv && (from != want[n].from || to != want[n].to))) {
			fprintf(stderr, "history result %zu: event %llu depth %u via %s interval %d [%llu, %llu]; expected "
			        "event %llu depth %u via %s\n", n, (unsigned long long)trace_query_event_index(q),
			        trace_query_depth(q), via ? via : "(null)", iv, (unsigned long long)from,
			        (unsigned long long)to, (unsigned long long)want[n].event, want[n].depth, want[n].via);
			test_failures++;
		}
		n++;
	}
	CHECK_END(rc);
	CHECK(n == sizeof want / sizeof want[0]);
	CHECK(trace_query_via(q) == NULL);	/* no result is current after the end */
	trace_query_free(q);
	/* The depth agrees with trace back's for the same container. */
	EXPECT_STR(trace_list(l, 1, "urn:t:item"), "urn:t:item@0;urn:t:case@1[1-];urn:t:pallet@2[2-5];");
	/* Other queries have no via. */
	CHECK_OK(trace_query_trace_back(&q, l, "urn:t:item"));
	CHECK_OK(trace_query_next(q));
	CHECK(trace_query_via(q) == NULL);
	trace_query_free(q);
	trace_ledger_close(l);
}

/* Issue 12: a chain deeper than any fixed stack, both ways, and a recall through it. */
static void deep_chain(const char *dir)
{
	enum { N = 200 };
	trace_ledger *l;
	char lot[N + 1][32];
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	for (int i = 0; i <= N; i++)
		snprintf(lot[i], sizeof lot[i], "urn:t:culture:%d", i);
	trace_event *e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning");
	CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_ITEM, lot[0], 5, "KGM"));
	append(l, e);
	/* A starter culture used daily: each day's batch is made from the day before's. */
	for (int i = 0; i < N; i++) {
		e = ev(TRACE_EVENT_TRANSFORMATION, TRACE_ACTION_NONE, "commissioning");
		CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_INPUT, lot[i], 1, "KGM"));
		CHECK_OK(trace_event_add_quantity(e, TRACE_ROLE_OUTPUT, lot[i + 1], 5, "KGM"));
		append(l, e);
	}
	for (int back = 0; back < 2; back++) {
		trace_query *q;
		int rc, count = 0, ok = 1;
		CHECK_OK(back ? trace_query_trace_back(&q, l, lot[N]) : trace_query_trace_forward(&q, l, lot[0]));
		while ((rc = trace_query_next(q)) == TRACE_OK) {
			/* Depth-first along a chain: one code per level, in order. */
			int want = back ? N - count : count;
			ok &= strcmp(trace_query_code(q), lot[want]) == 0 && trace_query_depth(q) == (unsigned)count;
			count++;
		}
		CHECK_END(rc);
		CHECK(ok && count == N + 1);
		trace_query_free(q);
	}
	uint64_t affected = 0;
	int state = 0;
	CHECK_OK(trace_ledger_recall(l, &affected, lot[0], "contaminated starter", t0 + 86400000));
	CHECK(affected == N + 1);
	CHECK_OK(trace_ledger_status(l, lot[N], &state, NULL, NULL));
	CHECK(state == TRACE_STATE_RECALLED);
	trace_ledger_close(l);
}

/* Issue 12: a containment cycle is refused when recorded, and nothing changes. */
static void cycle_refused(const char *dir)
{
	trace_ledger *l;
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	pack(l, TRACE_ACTION_ADD, "urn:t:B", "urn:t:A");	/* A into B */
	pack(l, TRACE_ACTION_ADD, "urn:t:C", "urn:t:B");	/* B into C */
	uint64_t size = log_size(l);
	char before[4096];
	snprintf(before, sizeof before, "%s", trace_list(l, 1, "urn:t:A"));
	int state = 0;
	CHECK_OK(trace_ledger_status(l, "urn:t:C", &state, NULL, NULL));

	/* B into A, directly and through C. */
	static const char *const bad[][2] = { { "urn:t:A", "urn:t:B" }, { "urn:t:A", "urn:t:C" } };
	for (size_t i = 0; i < 2; i++) {
		trace_event *e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing");
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, bad[i][0]));
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, bad[i][1]));
		CHECK_RC(trace_ledger_append(l, NULL, &e, 1, t0 + 100000000), TRACE_EREFUSED);
		CHECK_MSG(bad[i][0]);
		CHECK_MSG(bad[i][1]);
		CHECK_MSG("cycle");
		trace_event_free(e);
	}
	/* A cycle made within one batch is refused with the whole batch. */
	trace_event *batch[2];
	batch[0] = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing");
	CHECK_OK(trace_event_add_code(batch[0], TRACE_ROLE_PARENT, "urn:t:D"));
	CHECK_OK(trace_event_add_code(batch[0], TRACE_ROLE_ITEM, "urn:t:C"));
	batch[1] = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing");
	CHECK_OK(trace_event_add_code(batch[1], TRACE_ROLE_PARENT, "urn:t:A"));
	CHECK_OK(trace_event_add_code(batch[1], TRACE_ROLE_ITEM, "urn:t:D"));
	CHECK_RC(trace_ledger_append(l, NULL, batch, 2, t0 + 100000000), TRACE_EREFUSED);
	CHECK_MSG("urn:t:D");
	trace_event_free(batch[0]);
	trace_event_free(batch[1]);

	CHECK(log_size(l) == size);
	EXPECT_STR(trace_list(l, 1, "urn:t:A"), before);
	EXPECT_STR(trace_list(l, 0, "urn:t:C"), "urn:t:C@0;urn:t:B@1;urn:t:A@2;");
	CHECK_RC(trace_ledger_status(l, "urn:t:D", &state, NULL, NULL), TRACE_ENOTFOUND);
	uint64_t diff = 1;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);
	/* Moving the outer container into a fresh one is fine. */
	pack(l, TRACE_ACTION_ADD, "urn:t:D", "urn:t:C");
	CHECK(log_size(l) == size + 1);
	trace_ledger_close(l);
}

/* Links that loop through a lot's membership and containers (which the
 * packing check alone cannot see) fail the walk naming the code, even when
 * the loop closes many levels down. */
static void mixed_cycle(const char *dir)
{
	enum { N = 24, X = 18 };
	trace_ledger *l;
	char box[N][32];
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	/* NMPA drug codes: a lot is named within its product (issue 9 item 1). */
	for (int i = 0; i < N; i++)
		snprintf(box[i], sizeof box[i], "8123456%013d", i);
	trace_event *e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, box[X]));
	CHECK_OK(trace_event_set_lot(e, "M9", INT64_MIN, INT64_MIN));
	append(l, e);
	for (int i = 1; i < N; i++)
		pack(l, TRACE_ACTION_ADD, box[i - 1], box[i]);	/* each box inside the one before */
	pack(l, TRACE_ACTION_ADD, box[N - 1], "lot:nmpa:8123456:M9");	/* box X's lot inside the innermost */
	trace_query *q;
	int rc, n = 0;
	CHECK_OK(trace_query_trace_forward(&q, l, box[0]));
	while ((rc = trace_query_next(q)) == TRACE_OK)
		n++;
	CHECK_RC(rc, TRACE_ECORRUPT);
	CHECK_MSG(box[X]);
	CHECK(n == N + 1);	/* every box and the lot, then the loop back to box X */
	trace_query_free(q);
	trace_ledger_close(l);
}

/* Issue 11: where did the lot go, and where did it come from, with counts. */
static void where(const char *dir)
{
	trace_ledger *l;
	char item[6][48];
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	for (int i = 0; i < 6; i++)
		snprintf(item[i], sizeof item[i], "8123456%013d", i);	/* NMPA codes of one drug */
	/* 0: six items of lot L1, received from the maker on one pallet (1, 2: packing, 3: receiving). */
	trace_event *e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_ADD, "commissioning");
	for (int i = 0; i < 6; i++)
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, item[i]));
	CHECK_OK(trace_event_set_lot(e, "L1", INT64_MIN, INT64_MIN));
	append(l, e);
	e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, "urn:t:case"));
	for (int i = 0; i < 4; i++)
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, item[i]));
	append(l, e);
	e = ev(TRACE_EVENT_AGGREGATION, TRACE_ACTION_ADD, "packing");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, "urn:t:pallet"));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, "urn:t:case"));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, item[4]));
	append(l, e);
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "receiving");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, "urn:t:pallet"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_SOURCE, "owning_party", "urn:t:party:maker"));
	append(l, e);
	/* 4: the pallet shipped to a wholesaler (owner and ship-to place). */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "shipping");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, "urn:t:pallet"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_SOURCE, "owning_party", "urn:t:party:us"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "owning_party", "urn:t:party:wholesale"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "location", "urn:t:place:depot"));
	append(l, e);
	/* 5: the last item on its own to a clinic, named with the case's items' lot. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "shipping");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, item[5]));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "owning_party", "urn:t:party:clinic"));
	append(l, e);
	/* 6: an unrelated shipment. */
	e = ev(TRACE_EVENT_OBJECT, TRACE_ACTION_OBSERVE, "shipping");
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, "urn:t:other"));
	CHECK_OK(trace_event_add_party(e, TRACE_PARTY_DESTINATION, "owning_party", "urn:t:party:elsewhere"));
	append(l, e);

	for (int dir_ = TRACE_WHERE_TO; dir_ <= TRACE_WHERE_FROM; dir_++) {
		trace_query *q;
		char got[1024];
		size_t n = 0;
		int rc;
		got[0] = 0;
		CHECK_OK(trace_query_where(&q, l, "lot:nmpa:8123456:L1", dir_));
		while ((rc = trace_query_next(q)) == TRACE_OK) {
			const char *type = NULL, *party = trace_query_party(q, &type);
			n += (size_t)snprintf(got + n, sizeof got - n, "%llu %s %s %llu;",
			                      (unsigned long long)trace_query_event_index(q), type ? type : "(null)",
			                      party ? party : "(null)", (unsigned long long)trace_query_count(q));
		}
		CHECK_END(rc);
		CHECK(trace_query_party(q, NULL) == NULL && trace_query_count(q) == 0);
		trace_query_free(q);
		/* The pallet carried five of the lot's items (four in the case, one loose). */
		if (dir_ == TRACE_WHERE_TO)
			EXPECT_STR(got, "4 owning_party urn:t:party:wholesale 5;4 location urn:t:place:depot 5;"
			                "5 owning_party urn:t:party:clinic 1;");
		else
			EXPECT_STR(got, "3 owning_party urn:t:party:maker 5;4 owning_party urn:t:party:us 5;");
	}
	trace_query *q = NULL;
	CHECK_RC(trace_query_where(&q, l, "lot:nmpa:8123456:L1", 3), TRACE_EINVAL);
	CHECK_MSG("direction");
	CHECK_RC(trace_query_where(&q, l, "urn:t:nowhere", TRACE_WHERE_TO), TRACE_ENOTFOUND);
	CHECK_MSG("urn:t:nowhere");
	CHECK(q == NULL);
	trace_ledger_close(l);
}

int main(void)
{
	char *base = strdup(test_tmpdir("trace-queries"));
	char dir[512];
	static const struct { const char *name; void (*run)(const char *); } tests[] = {
		{ "past", past_containers }, { "via", history_via }, { "deep", deep_chain },
		{ "cycle", cycle_refused }, { "mixed", mixed_cycle }, { "where", where },
	};
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		snprintf(dir, sizeof dir, "%s/%s", base, tests[i].name);
		tests[i].run(dir);
	}
	test_rmrf(base);
	free(base);
	return test_done("trace queries");
}
