/*
 * index/indexer: the index rows of one event — code history, containment,
 * transformation links, lots, fields, time — and its status changes.
 */
#include <math.h>
#include <string.h>

#include "trace/error.h"
#include "index_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

static const uint8_t empty[1];

static int put_pair(trace__indexer *ix, int db, uint64_t a, uint64_t b, const void *val, size_t vlen)
{
	uint8_t k[16];
	trace__key2(k, a, b);
	return trace__txn_put(ix->txn, db, k, 16, val ? val : empty, val ? vlen : 0, 0);
}

/* Field index key: kind byte, the text, NUL, event index. */
static int put_field(trace__indexer *ix, int kind, const char *value, uint64_t idx)
{
	uint8_t k[512];
	size_t n = value ? strlen(value) : 0;
	if (value == NULL)
		return TRACE_OK;
	if (n > sizeof k - 10)
		n = sizeof k - 10;	/* very long values are indexed by their prefix */
	k[0] = (uint8_t)kind;
	memcpy(k + 1, value, n);
	k[1 + n] = 0;
	trace__be64_put(k + 2 + n, idx);
	return trace__txn_put(ix->txn, DB_IX_FIELD, k, n + 10, empty, 0, 0);
}

static int code_id(trace__indexer *ix, const char *code, uint64_t *id)
{
	int rc = trace__indexer_code_id(ix, code, id);
	if (rc)
		trace__error_prefix("indexing code %s", code);
	return rc;
}

/* Every code and then every quantity class of @role, in order. */
static size_t role_total(const trace_event *ev, int role)
{
	return trace_event_code_count(ev, role) + trace_event_quantity_count(ev, role);
}

static const char *const index_tables[DB_INDEX_END - DB_CODES] = {
	"codes", "code_names", "status", "ix_code_events", "ix_containment",
	"ix_parent", "ix_children", "ix_transform_fwd", "ix_transform_back",
	"ix_lot_items", "ix_item_lot", "ix_field", "ix_time",
	"ix_event_ids", "ix_errors", "ix_assoc", "recalls",
};

int trace__index_attach(trace__store *s, int flags)
{
	return trace__store_add_tables(s, DB_CODES, index_tables, DB_INDEX_END - DB_CODES, flags);
}

const char *trace__role_get(const trace_event *ev, int role, size_t i)
{
	size_t nc = trace_event_code_count(ev, role);
	if (i < nc)
		return trace_event_code(ev, role, i);
	const char *cls = NULL;
	return trace_event_quantity(ev, role, i - nc, &cls, NULL, NULL) == TRACE_OK ? cls : NULL;
}

static int pack(trace__indexer *ix, uint64_t parent, uint64_t child, uint64_t idx)
{
	uint8_t v[16];
	uint8_t k[8];
	int rc;
	trace__be64_put(k, child);
	trace__key2(v, parent, idx);
	if ((rc = trace__txn_put(ix->txn, DB_IX_PARENT, k, 8, v, 16, 0)) ||
	    (rc = put_pair(ix, DB_IX_CHILDREN, parent, child, v + 8, 8)))
		return rc;
	/* Containment interval [idx, open): history follows the container meanwhile. */
	trace__key2(v, parent, NO_EVENT);
	return put_pair(ix, DB_IX_CONTAINMENT, child, idx, v, 16);
}

static int unpack(trace__indexer *ix, uint64_t child, uint64_t idx)
{
	uint8_t k[8], v[16];
	trace__val cur;
	int rc;
	trace__be64_put(k, child);
	rc = trace__txn_get(ix->txn, DB_IX_PARENT, k, 8, &cur);
	if (rc == TRACE_ENOTFOUND)
		return TRACE_OK;	/* not packed: nothing to undo */
	if (rc)
		return rc;
	uint64_t parent = trace__be64_get(cur.data), packed = trace__be64_get((const uint8_t *)cur.data + 8);
	uint8_t ck[16];
	trace__key2(ck, parent, child);
	if ((rc = trace__txn_del(ix->txn, DB_IX_PARENT, k, 8)) ||
	    ((rc = trace__txn_del(ix->txn, DB_IX_CHILDREN, ck, 16)) && rc != TRACE_ENOTFOUND))
		return rc;
	/* The interval ends after the unpacking event, so the child's history shows it. */
	trace__key2(v, parent, idx + 1);
	return put_pair(ix, DB_IX_CONTAINMENT, child, packed, v, 16);
}

/* The containers a parent is in now, itself first: each code has one
 * current container, so this is a chain as long as the nesting.  Packing a
 * code on it into the parent would close a loop (A in B, B in A) and make
 * the contents endless.  (A parent named as its own child is refused
 * earlier, by validation.)  Loaded once per event, checked per child. */
typedef struct chain {
	uint64_t *id;
	size_t n, cap;
} chain;

static int chain_load(trace__indexer *ix, uint64_t parent, chain *c)
{
	for (uint64_t node = parent;;) {
		for (size_t i = 0; i < c->n; i++)
			if (c->id[i] == node)
				return trace__fail(TRACE_ECORRUPT, "the current containers of code id %llu form a loop",
				                   (unsigned long long)parent);
		int grc = trace__grow((void **)&c->id, &c->cap, c->n, sizeof *c->id);
		if (grc)
			return grc;
		c->id[c->n++] = node;
		uint8_t k[8];
		trace__val v;
		trace__be64_put(k, node);
		int rc = trace__txn_get(ix->txn, DB_IX_PARENT, k, 8, &v);
		if (rc == TRACE_ENOTFOUND)
			return TRACE_OK;
		if (rc)
			return rc;
		if (v.size != 16)
			return trace__fail(TRACE_ECORRUPT, "current-container value of %zu bytes", v.size);
		node = trace__be64_get(v.data);
	}
}

static int refuse_cycle(trace__indexer *ix, const chain *c, uint64_t child)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->id[i] == child) {
			const char *pn = "?", *cn = "?";
			size_t pl = 1, cl = 1;
			trace__code_name(ix->txn, c->id[0], &pn, &pl);
			trace__code_name(ix->txn, child, &cn, &cl);
			return trace__fail(TRACE_EREFUSED,
			                   "cannot pack %.*s into %.*s: %.*s is already inside %.*s (a containment cycle)",
			                   (int)cl, cn, (int)pl, pn, (int)pl, pn, (int)cl, cn);
		}
	return TRACE_OK;
}

/* An aggregation DELETE without children empties the container. */
static int unpack_all(trace__indexer *ix, uint64_t parent, uint64_t idx, const trace_event *ev)
{
	trace__cursor *c;
	uint8_t start[16];
	int rc = trace__cursor_open(&c, ix->txn, DB_IX_CHILDREN);
	if (rc)
		return rc;
	for (;;) {
		trace__val k = { start, 16 }, v;
		trace__key2(start, parent, 0);
		rc = trace__cursor_get(c, TRACE__CUR_SEEK, &k, &v);
		if (rc || k.size != 16 || trace__be64_get(k.data) != parent)
			break;
		uint64_t child = trace__be64_get((const uint8_t *)k.data + 8);
		if ((rc = unpack(ix, child, idx)) ||
		    (rc = trace__status_apply(ix, child, ev, idx, TRACE_ROLE_ITEM, NULL)))
			break;
	}
	trace__cursor_close(c);
	return rc == TRACE_ENOTFOUND ? TRACE_OK : rc;
}

/* An OBSERVE showing a containment the ledger did not know establishes it (CBV). */
static int observe(trace__indexer *ix, uint64_t parent, uint64_t child, uint64_t idx)
{
	uint8_t k[8];
	trace__val cur;
	trace__be64_put(k, child);
	int rc = trace__txn_get(ix->txn, DB_IX_PARENT, k, 8, &cur);
	if (rc == TRACE_OK && cur.size == 16 && trace__be64_get(cur.data) == parent)
		return TRACE_OK;	/* already known */
	if (rc != TRACE_OK && rc != TRACE_ENOTFOUND)
		return rc;
	if ((rc = unpack(ix, child, idx)))
		return rc;
	return pack(ix, parent, child, idx);
}

static int index_aggregation(trace__indexer *ix, const trace_event *ev, uint64_t idx, uint64_t parent)
{
	int action = trace_event_action(ev);
	size_t n = role_total(ev, TRACE_ROLE_ITEM);
	int rc = TRACE_OK;
	chain up = { NULL, 0, 0 };
	if (action == TRACE_ACTION_DELETE && n == 0)
		return unpack_all(ix, parent, idx, ev);
	if (action == TRACE_ACTION_ADD)
		rc = chain_load(ix, parent, &up);
	for (size_t i = 0; i < n && rc == TRACE_OK; i++) {
		uint64_t child;
		if ((rc = code_id(ix, trace__role_get(ev, TRACE_ROLE_ITEM, i), &child)))
			break;
		if (action == TRACE_ACTION_ADD) {
			/* A child moved from another container leaves it first. */
			if ((rc = refuse_cycle(ix, &up, child)) == TRACE_OK &&
			    (rc = unpack(ix, child, idx)) == TRACE_OK)
				rc = pack(ix, parent, child, idx);
		} else if (action == TRACE_ACTION_DELETE) {
			rc = unpack(ix, child, idx);
		} else if (action == TRACE_ACTION_OBSERVE) {
			rc = observe(ix, parent, child, idx);
		}
	}
	trace__free(up.id);
	return rc;
}

static int index_transformation(trace__indexer *ix, const trace_event *ev)
{
	size_t ni = role_total(ev, TRACE_ROLE_INPUT), no = role_total(ev, TRACE_ROLE_OUTPUT);
	for (size_t o = 0; o < no; o++) {
		uint64_t out;
		int rc = code_id(ix, trace__role_get(ev, TRACE_ROLE_OUTPUT, o), &out);
		for (size_t i = 0; i < ni && rc == TRACE_OK; i++) {
			uint64_t in;
			if ((rc = code_id(ix, trace__role_get(ev, TRACE_ROLE_INPUT, i), &in)) == TRACE_OK &&
			    (rc = put_pair(ix, DB_IX_TRANSFORM_FWD, in, out, NULL, 0)) == TRACE_OK)
				rc = put_pair(ix, DB_IX_TRANSFORM_BACK, out, in, NULL, 0);
		}
		if (rc)
			return rc;
	}
	return TRACE_OK;
}

/* Whether two canonical codes are GS1 Digital Links with the same GTIN. */
static int same_gtin(const char *a, const char *b)
{
	static const char stem[] = "https://id.gs1.org/01/";
	const size_t n = sizeof stem - 1, end = n + 14;
	if (strncmp(a, stem, n) != 0)
		return 0;
	for (size_t i = n; i < end; i++)
		if (a[i] < '0' || a[i] > '9')
			return 0;
	return (a[end] == '/' || a[end] == '\0') && strncmp(a, b, end + 1) == 0;
}

/* Items commissioned with lot master data belong to their lot. */
static int index_lot(trace__indexer *ix, const trace_event *ev, uint64_t idx)
{
	const char *lot = trace_event_lot(ev);
	int rc = TRACE_OK;
	if (lot == NULL)
		return TRACE_OK;
	char *lot_code = NULL, *prev_code = NULL;
	const char *prev_item = NULL;
	uint64_t lot_id = 0;
	for (size_t i = 0; i < trace_event_code_count(ev, TRACE_ROLE_ITEM) && rc == TRACE_OK; i++) {
		const char *item = trace_event_code(ev, TRACE_ROLE_ITEM, i);
		uint64_t item_id;
		uint8_t k[8], v[8];
		/* Items of one GTIN share the lot code: derive it (two code parses)
		 * only when the GTIN changes.  Codes in an event are canonical, and
		 * one under the GS1 stem parsed as GS1 (the Digital Link parser
		 * never leaves a code opaque), so the same 14 digits after
		 * ".../01/" are the same GTIN. */
		if (!(prev_item && same_gtin(item, prev_item))) {
			if ((rc = trace__lot_code(&lot_code, item, lot)))
				break;
			prev_item = item;
			if (prev_code == NULL || strcmp(prev_code, lot_code) != 0) {
				if ((rc = code_id(ix, lot_code, &lot_id)) ||
				    (rc = put_pair(ix, DB_IX_CODE_EVENTS, lot_id, idx, NULL, 0))) {
					trace__free(lot_code);
					break;
				}
				trace__free(prev_code);
				prev_code = lot_code;
			} else {
				trace__free(lot_code);
			}
			lot_code = NULL;
		}
		if ((rc = code_id(ix, item, &item_id)))
			break;
		trace__be64_put(k, item_id);
		trace__be64_put(v, lot_id);
		if ((rc = put_pair(ix, DB_IX_LOT_ITEMS, lot_id, item_id, NULL, 0)) == TRACE_OK)
			rc = trace__txn_put(ix->txn, DB_IX_ITEM_LOT, k, 8, v, 8, 0);
	}
	trace__free(prev_code);
	return rc;
}

int trace__index_unpack(trace__indexer *ix, uint64_t child, uint64_t idx)
{
	return unpack(ix, child, idx);
}

/* Devices and sensors associated with a parent: ix_assoc (parent, child) -> event. */
static int index_association(trace__indexer *ix, const trace_event *ev, uint64_t idx, uint64_t parent)
{
	int action = trace_event_action(ev);
	size_t n = role_total(ev, TRACE_ROLE_ITEM);
	uint8_t k[16], v[8];
	int rc = TRACE_OK;
	trace__be64_put(v, idx);
	if (action == TRACE_ACTION_DELETE && n == 0) {
		/* A DELETE without children ends every association of the parent. */
		trace__cursor *c;
		if ((rc = trace__cursor_open(&c, ix->txn, DB_IX_ASSOC)))
			return rc;
		for (;;) {
			trace__val key = { k, 16 }, val;
			trace__key2(k, parent, 0);
			rc = trace__cursor_get(c, TRACE__CUR_SEEK, &key, &val);
			if (rc || key.size != 16 || trace__be64_get(key.data) != parent)
				break;
			memcpy(k, key.data, 16);
			if ((rc = trace__txn_del(ix->txn, DB_IX_ASSOC, k, 16)))
				break;
		}
		trace__cursor_close(c);
		return rc == TRACE_ENOTFOUND ? TRACE_OK : rc;
	}
	for (size_t i = 0; i < n && rc == TRACE_OK; i++) {
		uint64_t child;
		if ((rc = code_id(ix, trace__role_get(ev, TRACE_ROLE_ITEM, i), &child)))
			break;
		trace__key2(k, parent, child);
		if (action == TRACE_ACTION_DELETE) {
			if ((rc = trace__txn_del(ix->txn, DB_IX_ASSOC, k, 16)) == TRACE_ENOTFOUND)
				rc = TRACE_OK;
		} else {
			rc = trace__txn_put(ix->txn, DB_IX_ASSOC, k, 16, v, 8, 0);
		}
	}
	return rc;
}

int trace__index_event(trace__indexer *ix, const trace_event *ev, uint64_t idx)
{
	static const int roles[] = { TRACE_ROLE_PARENT, TRACE_ROLE_ITEM, TRACE_ROLE_INPUT, TRACE_ROLE_OUTPUT };
	uint8_t tk[16];
	int rc, declaration;

	/* eventID uniqueness; a declaration marks its event and moves nothing itself. */
	if ((rc = trace__index_identity(ix, ev, idx, &declaration)))
		return rc;

	trace__key2(tk, (uint64_t)trace_event_time(ev) ^ ((uint64_t)1 << 63), idx);
	if ((rc = trace__txn_put(ix->txn, DB_IX_TIME, tk, 16, empty, 0, 0)) ||
	    (rc = put_field(ix, TRACE_FIELD_BIZ_STEP, trace_event_biz_step(ev), idx)) ||
	    (rc = put_field(ix, TRACE_FIELD_DISPOSITION, trace_event_disposition(ev), idx)) ||
	    (rc = put_field(ix, TRACE_FIELD_LOCATION, trace_event_read_point(ev), idx)) ||
	    (rc = put_field(ix, TRACE_FIELD_LOCATION, trace_event_biz_location(ev), idx)))
		return rc;
	for (int kind = TRACE_PARTY_SOURCE; kind <= TRACE_PARTY_DESTINATION; kind++)
		for (size_t i = 0; i < trace_event_party_count(ev, kind); i++) {
			const char *type, *id;
			if (trace_event_party(ev, kind, i, &type, &id) == TRACE_OK &&
			    (rc = put_field(ix, TRACE_FIELD_PARTY, id, idx)))
				return rc;
		}

	/* Each code's history, and its status. */
	uint64_t parent = NO_EVENT;
	for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
		for (size_t i = 0; i < role_total(ev, roles[r]); i++) {
			const char *code = trace__role_get(ev, roles[r], i);
			uint64_t id;
			if ((rc = code_id(ix, code, &id)) ||
			    (rc = put_pair(ix, DB_IX_CODE_EVENTS, id, idx, NULL, 0)) ||
			    (!declaration && (rc = trace__status_apply(ix, id, ev, idx, roles[r], code))))
				return rc;
			if (roles[r] == TRACE_ROLE_PARENT)
				parent = id;
		}

	if (declaration)
		return TRACE_OK;
	switch (trace_event_type(ev)) {
	case TRACE_EVENT_ASSOCIATION:
		if (parent != NO_EVENT && (rc = index_association(ix, ev, idx, parent)))
			return rc;
		break;
	case TRACE_EVENT_AGGREGATION:
		if (parent != NO_EVENT && (rc = index_aggregation(ix, ev, idx, parent)))
			return rc;
		break;
	case TRACE_EVENT_TRANSFORMATION:
		if ((rc = index_transformation(ix, ev)))
			return rc;
		break;
	default:
		break;
	}
	if ((rc = index_lot(ix, ev, idx)))
		return rc;
	/* A recall event marks everything downstream of its codes. */
	const char *disp = trace_event_disposition(ev);
	if (disp && strcmp(disp, "recalled") == 0 && trace_event_type(ev) == TRACE_EVENT_OBJECT)
		for (size_t i = 0; i < role_total(ev, TRACE_ROLE_ITEM); i++) {
			uint64_t id;
			if ((rc = code_id(ix, trace__role_get(ev, TRACE_ROLE_ITEM, i), &id)) ||
			    (rc = trace__recall_mark(ix, id, idx)))
				return rc;
		}
	return TRACE_OK;
}
