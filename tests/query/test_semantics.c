/*
 * EPCIS semantics of the ledger: error declarations (eventID uniqueness,
 * the erroneous event's mark, status recomputed without it), the status
 * machine as the table in docs/FORMAT.md on CBV names only, transformations
 * consuming their inputs, OBSERVE aggregations establishing containment, and
 * associated devices in contents and history.  Each case ends with a reindex
 * that must find the live indexes right.
 *
 * Usage: test-semantics PATH/TO/docs/FORMAT.md
 */
#include <lmdb.h>

#include "../test.h"
#include "../../libtrace/index/index_internal.h"

#define VKEY "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk"
#define ITEM "https://id.gs1.org/01/09506000134352/21/S1"
#define ITEM2 "https://id.gs1.org/01/09506000134352/21/S2"
#define OUT "https://id.gs1.org/01/09506000134352/21/S3"
#define PALLET "https://id.gs1.org/00/095060001000000036"
#define SENSOR "https://id.gs1.org/8004/9506000134352SENSOR7"
#define SENSOR2 "https://id.gs1.org/8004/9506000134352SENSOR8"

/* trace_query_next()'s normal end, checked in this one place. */
#define QUERY_END TRACE_ITEROVER

static trace_ledger *fresh(const char *base, const char *name)
{
	char dir[512];
	trace_ledger *l = NULL;
	snprintf(dir, sizeof dir, "%s/%s", base, name);
	CHECK_OK(trace_ledger_create(&l, dir, "example.com/test", VKEY, NULL));
	return l;
}

static trace_event *json_event(const char *json)
{
	trace_event *e = NULL;
	CHECK_OK(trace_event_from_json(&e, json, strlen(json)));
	return e;
}

/* Appends one event; returns trace_ledger_append's code. */
static int append_rc(trace_ledger *l, trace_event *e, uint64_t *idx)
{
	int rc = trace_ledger_append(l, idx, &e, 1, 1764000000000);
	trace_event_free(e);
	return rc;
}

static uint64_t append(trace_ledger *l, trace_event *e)
{
	uint64_t idx = UINT64_MAX;
	CHECK_OK(append_rc(l, e, &idx));
	return idx;
}

static trace_event *object(const char *code, int action, const char *step, int minute)
{
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + minute * 60000LL, 0));
	CHECK_OK(trace_event_set_action(e, action));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, code));
	if (step)
		CHECK_OK(trace_event_set_biz_step(e, step));
	return e;
}

static int state_of(trace_ledger *l, const char *code, uint32_t *flags)
{
	int state = -1;
	uint32_t f = 0;
	CHECK_OK(trace_ledger_status(l, code, &state, &f, NULL));
	if (flags)
		*flags = f;
	return state;
}

static uint64_t log_size(trace_ledger *l)
{
	uint64_t n = 0;
	CHECK_OK(trace_log_size(&n, trace_ledger_log(l)));
	return n;
}

static void reindex_agrees(trace_ledger *l)
{
	uint64_t diff = 99;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 0);
}

/* The status machine's rows in docs/FORMAT.md are the code's rows, in order. */
static void table_matches_format(const char *format_md)
{
	FILE *f = fopen(format_md, "r");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	size_t n, row = 0;
	const trace__status_rule *rules = trace__status_rules(&n);
	char line[1024];
	int in_table = 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "| rule | event | action | role | bizStep | disposition | next state |", 69) == 0) {
			in_table = 1;
			continue;
		}
		if (!in_table || strncmp(line, "| ---", 5) == 0)
			continue;
		if (line[0] != '|')
			break;
		/* "| 3 | Object | ADD | any | `x` | any | commissioned |" -> "Object|ADD|any|x|any|commissioned" */
		char cells[8][256], text[2048], want[1024];
		int nc = 0;
		for (char *p = line + 1; *p && nc < 8;) {
			char *bar = strchr(p, '|');
			if (bar == NULL)
				break;
			size_t k = 0;
			for (char *q = p; q < bar; q++)
				if (*q != '`' && !(*q == ' ' && (k == 0 || q + 1 == bar || q[1] == ' ')))
					cells[nc][k++ < 255 ? k - 1 : 254] = *q;
			while (k > 0 && cells[nc][k - 1] == ' ')
				k--;
			cells[nc][k < 255 ? k : 255] = '\0';
			nc++;
			p = bar + 1;
		}
		CHECK(nc == 7);
		if (nc != 7)
			continue;
		CHECK(atoi(cells[0]) == (int)row + 1);
		snprintf(text, sizeof text, "%s|%s|%s|%s|%s|%s", cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]);
		if (row < n) {
			trace__status_rule_text(want, sizeof want, &rules[row]);
			if (strcmp(text, want) != 0) {
				fprintf(stderr, "FORMAT.md status rule %zu is \"%s\", the code's is \"%s\"\n", row + 1, text, want);
				test_failures++;
			}
		}
		row++;
	}
	fclose(f);
	if (row != n) {
		fprintf(stderr, "FORMAT.md lists %zu status rules, the code has %zu\n", row, n);
		test_failures++;
	}
}

/* A custom step whose last segment is a CBV word moves nothing; the CBV forms do. */
static void cbv_names_only(const char *base)
{
	trace_ledger *l = fresh(base, "vocab");
	append(l, object(ITEM, TRACE_ACTION_ADD, "commissioning", 0));
	append(l, object(ITEM2, TRACE_ACTION_ADD, "commissioning", 0));
	append(l, object(ITEM, TRACE_ACTION_OBSERVE, "https://example.com/acme-vocab/destroying", 1));
	trace_event *e = object(ITEM, TRACE_ACTION_OBSERVE, NULL, 2);
	CHECK_OK(trace_event_set_disposition(e, "https://example.com/acme-vocab/Disp-destroyed"));
	append(l, e);
	uint32_t flags;
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_COMMISSIONED);
	CHECK(flags == 0);
	/* The standard step in its URN and web forms does destroy. */
	append(l, object(ITEM2, TRACE_ACTION_OBSERVE, "urn:epcglobal:cbv:bizstep:shipping", 3));
	CHECK(state_of(l, ITEM2, NULL) == TRACE_STATE_IN_TRANSIT);
	append(l, object(ITEM2, TRACE_ACTION_OBSERVE, "https://ref.gs1.org/cbv/BizStep-destroying", 4));
	CHECK(state_of(l, ITEM2, NULL) == TRACE_STATE_DESTROYED);
	reindex_agrees(l);
	trace_ledger_close(l);
}

/* Inputs of a transformation are consumed; its outputs commissioned. */
static void transformation_consumes(const char *base)
{
	trace_ledger *l = fresh(base, "transform");
	append(l, object(ITEM, TRACE_ACTION_ADD, "commissioning", 0));
	append(l, object(ITEM2, TRACE_ACTION_ADD, "commissioning", 0));
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_TRANSFORMATION));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + 600000, 0));
	CHECK_OK(trace_event_set_biz_step(e, "commissioning"));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_INPUT, ITEM));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_INPUT, ITEM2));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_OUTPUT, OUT));
	append(l, e);
	uint32_t flags;
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_CONSUMED);
	CHECK(!(flags & TRACE_FLAG_IMPOSSIBLE_MOVE));
	CHECK(state_of(l, ITEM2, NULL) == TRACE_STATE_CONSUMED);
	CHECK(state_of(l, OUT, NULL) == TRACE_STATE_COMMISSIONED);
	CHECK(strcmp(trace_code_state_name(TRACE_STATE_CONSUMED), "consumed") == 0);
	reindex_agrees(l);
	trace_ledger_close(l);
}

static char *contents(trace_ledger *l, const char *code, int with_links)
{
	static char out[2048];
	size_t n = 0;
	trace_query *q = NULL;
	int rc;
	out[0] = '\0';
	CHECK_OK(trace_query_contents(&q, l, code));
	while ((rc = trace_query_next(q)) == TRACE_OK)
		n += (size_t)snprintf(out + n, sizeof out - n, with_links ? "%s=%d;" : "%s;",
		                      trace_query_code(q), trace_query_link(q));
	CHECK(rc == QUERY_END);
	trace_query_free(q);
	return out;
}

/* An OBSERVE that shows a containment the ledger did not know establishes it. */
static void observe_establishes(const char *base)
{
	trace_ledger *l = fresh(base, "observe");
	append(l, object(ITEM, TRACE_ACTION_ADD, "commissioning", 0));
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + 60000, 0));
	CHECK_OK(trace_event_set_action(e, TRACE_ACTION_OBSERVE));
	CHECK_OK(trace_event_set_biz_step(e, "stock_taking"));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, PALLET));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, ITEM));
	append(l, e);
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_PACKED);
	CHECK(strcmp(contents(l, PALLET, 0), PALLET ";" ITEM ";") == 0);
	/* The pallet's shipment now moves the item. */
	append(l, object(PALLET, TRACE_ACTION_OBSERVE, "shipping", 2));
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_IN_TRANSIT);
	reindex_agrees(l);
	trace_ledger_close(l);
}

static const char *ship_json =
	"{\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:6a1b7c1e-4c2d-4a8e-9f00-000000000002\","
	"\"eventTime\":\"2025-11-23T09:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\","
	"\"epcList\":[\"" ITEM "\"],\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"disposition\":\"in_transit\"%s}";

static trace_event *ship(const char *declaration)
{
	char json[2048];
	snprintf(json, sizeof json, ship_json, declaration);
	return json_event(json);
}

#define DECLARATION ",\"errorDeclaration\":{\"declarationTime\":\"2025-11-24T09:00:00Z\"," \
	"\"reason\":\"incorrect_data\",\"correctiveEventIDs\":[\"urn:uuid:6a1b7c1e-4c2d-4a8e-9f00-000000000009\"]}"

/* An erroneous shipment, declared so, no longer moves the item. */
static void error_declaration(const char *base)
{
	trace_ledger *l = fresh(base, "declare");
	append(l, object(ITEM, TRACE_ACTION_ADD, "commissioning", 0));
	uint64_t shipped = append(l, ship(""));
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_IN_TRANSIT);

	/* eventID is unique: the same ID without a declaration is refused, ledger unchanged. */
	uint64_t before = log_size(l);
	CHECK_RC(append_rc(l, ship(""), NULL), TRACE_EEXISTS);
	CHECK_MSG("urn:uuid:6a1b7c1e-4c2d-4a8e-9f00-000000000002");
	CHECK(log_size(l) == before);

	/* A declaration must be that event sent again. */
	char json[2048];
	snprintf(json, sizeof json, ship_json, DECLARATION);
	char *moved = strstr(json, "shipping");
	memcpy(moved, "stocking", 8);
	CHECK_RC(append_rc(l, json_event(json), NULL), TRACE_EINVAL);
	CHECK_MSG("differs");
	/* A declaration of an eventID captured elsewhere is kept, and changes no status here. */
	snprintf(json, sizeof json, ship_json, DECLARATION);
	memcpy(strstr(json, "0002\""), "0003", 4);
	uint64_t elsewhere = append(l, json_event(json));
	CHECK(log_size(l) == before + 1);
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_IN_TRANSIT);
	uint64_t none = 0;
	CHECK_RC(trace_ledger_event_declaration(l, elsewhere, &none), TRACE_ENOTFOUND);
	before++;

	uint64_t declared = append(l, ship(DECLARATION));
	uint32_t flags;
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_COMMISSIONED);
	CHECK(flags & TRACE_FLAG_CORRECTED);
	CHECK(!(flags & TRACE_FLAG_IMPOSSIBLE_MOVE));
	uint64_t by = 0;
	CHECK_OK(trace_ledger_event_declaration(l, shipped, &by));
	CHECK(by == declared);
	CHECK_RC(trace_ledger_event_declaration(l, 0, &by), TRACE_ENOTFOUND);
	trace_event *d = NULL;
	CHECK_OK(trace_ledger_event(&d, l, declared));
	CHECK(trace_event_is_declaration(d));
	CHECK(trace_event_error_reason(d) && strcmp(trace_event_error_reason(d), "incorrect_data") == 0);
	CHECK(trace_event_corrective_count(d) == 1);
	CHECK(trace_event_corrective(d, 0) && strstr(trace_event_corrective(d, 0), "0009") != NULL);
	CHECK(trace_event_corrective(d, 1) == NULL);
	CHECK(trace_event_id(d) && strstr(trace_event_id(d), "0002") != NULL);
	trace_event_free(d);

	/* History shows the mark on the shipment, and the declaration itself. */
	trace_query *q = NULL;
	int rc, seen = 0;
	CHECK_OK(trace_query_history(&q, l, ITEM));
	while ((rc = trace_query_next(q)) == TRACE_OK) {
		uint64_t e = trace_query_event_index(q);
		CHECK(trace_query_declaration(q) == (e == shipped ? declared : UINT64_MAX));
		seen++;
	}
	CHECK(rc == QUERY_END);
	CHECK(seen == 4);	/* commissioning, the shipment, the declaration from elsewhere, this one */
	trace_query_free(q);
	/* So does a query by field. */
	CHECK_OK(trace_query_by_field(&q, l, TRACE_FIELD_BIZ_STEP, "shipping"));
	CHECK_OK(trace_query_next(q));
	CHECK(trace_query_event_index(q) == shipped && trace_query_declaration(q) == declared);
	trace_query_free(q);

	/* Declared once only. */
	CHECK_RC(append_rc(l, ship(DECLARATION), NULL), TRACE_EEXISTS);
	CHECK_MSG("already declared");

	/* Later events count as usual; the reindex rebuilds the same status. */
	append(l, object(ITEM, TRACE_ACTION_OBSERVE, "receiving", 30));
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_RECEIVED);
	reindex_agrees(l);
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_RECEIVED && (flags & TRACE_FLAG_CORRECTED));
	trace_ledger_close(l);

	/* The marks, the eventIDs and the status are derived: lost, the log rebuilds them. */
	char dir[512];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	snprintf(dir, sizeof dir, "%s/declare", base);
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	CHECK(mdb_env_open(env, dir, 0, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	const char *dbs[] = { "ix_errors", "ix_event_ids", "status" };
	for (int i = 0; i < 3; i++) {
		CHECK(mdb_dbi_open(txn, dbs[i], 0, &dbi) == 0);
		CHECK(mdb_drop(txn, dbi, 0) == 0);
	}
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));
	CHECK_RC(trace_ledger_event_declaration(l, shipped, &by), TRACE_ENOTFOUND);
	uint64_t diff = 0;
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 3);	/* the mark, the eventID and the item's status */
	CHECK_OK(trace_ledger_event_declaration(l, shipped, &by));
	CHECK(by == declared);
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_RECEIVED && (flags & TRACE_FLAG_CORRECTED));
	CHECK_RC(append_rc(l, ship(""), NULL), TRACE_EEXISTS);
	trace_ledger_close(l);

	/* A ledger written before ix_errors existed opens for writing; reindex fills it. */
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	CHECK(mdb_env_open(env, dir, 0, 0644) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	CHECK(mdb_dbi_open(txn, "ix_errors", 0, &dbi) == 0);
	CHECK(mdb_drop(txn, dbi, 1) == 0);
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
	CHECK_OK(trace_ledger_open(&l, dir, TRACE_OPEN_WRITE, NULL));
	CHECK_OK(trace_ledger_reindex(l, &diff));
	CHECK(diff == 1);
	CHECK_OK(trace_ledger_event_declaration(l, shipped, &by));
	CHECK(by == declared);
	trace_ledger_close(l);
}

/* libtrace's own form: the event read back, declared by its identity. */
static void declaration_by_identity(const char *base)
{
	trace_ledger *l = fresh(base, "identity");
	append(l, object(ITEM, TRACE_ACTION_ADD, "commissioning", 0));
	uint64_t sold = append(l, object(ITEM, TRACE_ACTION_OBSERVE, "retail_selling", 10));
	append(l, object(ITEM, TRACE_ACTION_OBSERVE, "retail_selling", 20));
	uint32_t flags;
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_SOLD && (flags & TRACE_FLAG_DOUBLE_SALE));

	uint8_t leaf[32];
	trace_event *e = NULL;
	CHECK_OK(trace_log_leaf_hash(leaf, sizeof leaf, trace_ledger_log(l), sold));
	CHECK_OK(trace_ledger_event(&e, l, sold));
	CHECK_OK(trace_event_set_error_declaration(e, leaf, sizeof leaf, "did_not_occur"));
	uint64_t declared = append(l, e);
	/* The first sale did not happen: one sale, no double sale. */
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_SOLD);
	CHECK(!(flags & TRACE_FLAG_DOUBLE_SALE));
	CHECK(flags & TRACE_FLAG_CORRECTED);
	uint64_t by = 0;
	CHECK_OK(trace_ledger_event_declaration(l, sold, &by));
	CHECK(by == declared);

	/* An identity no event of the ledger has, of a known code or of a new one. */
	const char *codes[] = { ITEM, OUT };
	for (int c = 0; c < 2; c++) {
		uint8_t other[32];
		memset(other, 0x5a, sizeof other);
		e = object(codes[c], TRACE_ACTION_OBSERVE, "inspecting", 30);
		CHECK_OK(trace_event_set_error_declaration(e, other, sizeof other, "did_not_occur"));
		CHECK_RC(append_rc(l, e, NULL), TRACE_ENOTFOUND);
		CHECK_MSG("identity it corrects");
	}

	/* A declaration naming no event (as GS1's SensorDataExample12 does) is kept and marks nothing. */
	e = object(ITEM, TRACE_ACTION_OBSERVE, "inspecting", 40);
	trace_event *d = NULL;
	trace_buf b = TRACE_BUF_INIT;
	CHECK_OK(trace_event_to_json(&b, e));
	trace_event_free(e);
	char json[2048];
	snprintf(json, sizeof json, "%.*s,\"errorDeclaration\":{\"declarationTime\":\"2025-11-24T09:00:00Z\"}}",
	         (int)b.size - 1, (const char *)b.ptr);
	trace_buf_dispose(&b);
	d = json_event(json);
	uint64_t lone = 0, none = 0;
	int before_state = state_of(l, ITEM, NULL);
	CHECK_OK(append_rc(l, d, &lone));
	CHECK(state_of(l, ITEM, NULL) == before_state);
	CHECK_RC(trace_ledger_event_declaration(l, lone, &none), TRACE_ENOTFOUND);
	reindex_agrees(l);
	trace_ledger_close(l);
}

static trace_event *association(int action, const char *sensor, int minute)
{
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_ASSOCIATION));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + minute * 60000LL, 0));
	CHECK_OK(trace_event_set_action(e, action));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, PALLET));
	if (sensor)
		CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, sensor));
	return e;
}

/* Contents lists the sensors associated with a code; history shows the association. */
static void associations(const char *base)
{
	trace_ledger *l = fresh(base, "assoc");
	append(l, object(PALLET, TRACE_ACTION_ADD, "commissioning", 0));
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + 60000, 0));
	CHECK_OK(trace_event_set_action(e, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, PALLET));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, ITEM));
	append(l, e);
	uint64_t linked = append(l, association(TRACE_ACTION_ADD, SENSOR, 2));
	append(l, association(TRACE_ACTION_ADD, SENSOR2, 3));
	CHECK(state_of(l, PALLET, NULL) == TRACE_STATE_COMMISSIONED);
	char want[1024];
	snprintf(want, sizeof want, "%s=%d;%s=%d;%s=%d;%s=%d;", PALLET, TRACE_LINK_NONE, ITEM, TRACE_LINK_CONTAINED,
	         SENSOR, TRACE_LINK_ASSOCIATED, SENSOR2, TRACE_LINK_ASSOCIATED);
	CHECK(strcmp(contents(l, PALLET, 1), want) == 0);

	/* The sensor's history and the pallet's include the association. */
	const char *codes[] = { SENSOR, PALLET };
	for (int c = 0; c < 2; c++) {
		trace_query *q = NULL;
		int rc, found = 0;
		CHECK_OK(trace_query_history(&q, l, codes[c]));
		while ((rc = trace_query_next(q)) == TRACE_OK)
			found += trace_query_event_index(q) == linked;
		CHECK(rc == QUERY_END);
		CHECK(found == 1);
		trace_query_free(q);
	}

	/* A DELETE ends the association of one sensor; one without children, all. */
	append(l, association(TRACE_ACTION_DELETE, SENSOR, 4));
	CHECK(strcmp(contents(l, PALLET, 0), PALLET ";" ITEM ";" SENSOR2 ";") == 0);
	append(l, association(TRACE_ACTION_DELETE, NULL, 5));
	CHECK(strcmp(contents(l, PALLET, 0), PALLET ";" ITEM ";") == 0);
	reindex_agrees(l);
	trace_ledger_close(l);
}

/* An erroneous packing and an erroneous association, declared so, are undone. */
static void declared_links(const char *base)
{
	trace_ledger *l = fresh(base, "links");
	append(l, object(ITEM, TRACE_ACTION_ADD, "commissioning", 0));
	trace_event *e = NULL;
	CHECK_OK(trace_event_new(&e, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_time(e, 1763884800000 + 60000, 0));
	CHECK_OK(trace_event_set_action(e, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_PARENT, PALLET));
	CHECK_OK(trace_event_add_code(e, TRACE_ROLE_ITEM, ITEM));
	uint64_t packed = append(l, e);
	uint64_t linked = append(l, association(TRACE_ACTION_ADD, SENSOR, 2));
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_PACKED);
	CHECK(strcmp(contents(l, PALLET, 0), PALLET ";" ITEM ";" SENSOR ";") == 0);

	const uint64_t wrong[] = { packed, linked };
	for (int i = 0; i < 2; i++) {
		uint8_t leaf[32];
		CHECK_OK(trace_log_leaf_hash(leaf, sizeof leaf, trace_ledger_log(l), wrong[i]));
		CHECK_OK(trace_ledger_event(&e, l, wrong[i]));
		CHECK_OK(trace_event_set_error_declaration(e, leaf, sizeof leaf, "did_not_occur"));
		append(l, e);
	}
	CHECK(strcmp(contents(l, PALLET, 0), PALLET ";") == 0);
	uint32_t flags;
	CHECK(state_of(l, ITEM, &flags) == TRACE_STATE_COMMISSIONED && (flags & TRACE_FLAG_CORRECTED));
	/* The pallet's later moves no longer reach the item. */
	append(l, object(PALLET, TRACE_ACTION_OBSERVE, "shipping", 10));
	CHECK(state_of(l, ITEM, NULL) == TRACE_STATE_COMMISSIONED);
	reindex_agrees(l);
	trace_ledger_close(l);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s docs/FORMAT.md\n", argv[0]);
		return 2;
	}
	char *base = strdup(test_tmpdir("semantics"));
	table_matches_format(argv[1]);
	cbv_names_only(base);
	transformation_consumes(base);
	observe_establishes(base);
	error_declaration(base);
	declaration_by_identity(base);
	associations(base);
	declared_links(base);
	test_rmrf(base);
	free(base);
	return test_done("semantics");
}
