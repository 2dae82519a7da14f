/*
 * index/declare: eventID uniqueness and EPCIS error declarations.  A
 * declaration is the erroneous event sent again with an errorDeclaration;
 * it marks that event (ix_errors) and the codes it named get their status
 * recomputed from their remaining events, so the same rows come out of a
 * live append and of a reindex replaying the log.
 */
#include <string.h>

#include "trace/error.h"
#include "trace/merkle.h"
#include "index_internal.h"
#include "../crypto.h"
#include "../event/event_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

static const int roles[] = { TRACE_ROLE_PARENT, TRACE_ROLE_ITEM, TRACE_ROLE_INPUT, TRACE_ROLE_OUTPUT };

static size_t role_total(const trace_event *ev, int role)
{
	return trace_event_code_count(ev, role) + trace_event_quantity_count(ev, role);
}


/* Reads and decodes entry @idx (entries were validated when appended). */
static int read_event(trace__indexer *ix, uint64_t idx, trace_event **out, trace__val *bytes)
{
	uint8_t k[8];
	trace__val v;
	trace__be64_put(k, idx);
	int rc = trace__txn_get(ix->entries, DB_ENTRIES, k, 8, &v);
	if (rc == TRACE_ENOTFOUND)
		return trace__fail(TRACE_ECORRUPT, "entry %llu is missing", (unsigned long long)idx);
	if (rc)
		return rc;
	if (bytes)
		*bytes = v;
	if (out && (rc = trace__event_decode(out, v.data, v.size, TRACE__EV_DECODE_TRUST_IDS))) {
		trace__error_prefix("entry %llu", (unsigned long long)idx);
		trace__error_recode(rc = TRACE_ECORRUPT);
	}
	return rc;
}

static int id_key(trace__indexer *ix, const char *event_id, uint8_t key[32])
{
	return trace__hash3(ix->hasher, key, event_id, strlen(event_id), NULL, 0, NULL, 0);
}

int trace__event_declaration(trace__txn *t, uint64_t idx, uint64_t *declaration)
{
	uint8_t k[8];
	trace__val v;
	trace__be64_put(k, idx);
	int rc = trace__txn_get(t, DB_IX_ERRORS, k, 8, &v);
	if (rc == TRACE_OK && v.size != 8)
		return trace__fail(TRACE_ECORRUPT, "error mark of event %llu is damaged", (unsigned long long)idx);
	if (rc == TRACE_OK && declaration)
		*declaration = trace__be64_get(v.data);
	return rc;
}

/* Calls @fn for each event of code @id, in log order, until it returns
 * something other than TRACE_OK (TRACE_ITEROVER: stop, no error). */
static int each_code_event(trace__indexer *ix, uint64_t id, int (*fn)(void *ctx, uint64_t e), void *ctx)
{
	trace__cursor *c;
	uint8_t start[16];
	int rc = trace__cursor_open(&c, ix->txn, DB_IX_CODE_EVENTS);
	if (rc)
		return rc;
	trace__key2(start, id, 0);
	trace__val k = { start, 16 }, v;
	for (rc = trace__cursor_get(c, TRACE__CUR_SEEK, &k, &v); rc == TRACE_OK;
	     rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v)) {
		if (k.size != 16 || trace__be64_get(k.data) != id)
			break;
		if ((rc = fn(ctx, trace__be64_get((const uint8_t *)k.data + 8))))
			break;
	}
	trace__cursor_close(c);
	return rc == TRACE_ENOTFOUND || rc == TRACE_ITEROVER ? TRACE_OK : rc;
}

struct hash_search {
	trace__indexer *ix;
	const uint8_t *hash;
	size_t hlen;
	uint64_t *found;
};

static int match_hash(void *ctx, uint64_t e)
{
	struct hash_search *h = ctx;
	uint8_t leaf[TRACE_HASH_MAX_SIZE];
	trace__val bytes;
	int rc = read_event(h->ix, e, NULL, &bytes);
	if (rc || (rc = trace_merkle_leaf_hash(leaf, sizeof leaf, h->ix->hasher, bytes.data, bytes.size)))
		return rc;
	if (h->hlen == trace_hasher_size(h->ix->hasher) && memcmp(leaf, h->hash, h->hlen) == 0) {
		*h->found = e;
		return TRACE_ITEROVER;
	}
	return TRACE_OK;
}

/* The event among @ev's first code's events whose identity is @hash. */
static int find_by_hash(trace__indexer *ix, const trace_event *ev, const uint8_t *hash, size_t hlen,
                        uint64_t *found)
{
	const char *code = NULL;
	uint64_t id;
	*found = NO_EVENT;
	for (size_t r = 0; r < sizeof roles / sizeof roles[0] && code == NULL; r++)
		if (role_total(ev, roles[r]))
			code = trace__role_get(ev, roles[r], 0);
	if (code == NULL)
		return trace__fail(TRACE_EINVAL, "errorDeclaration: libtrace:corrects needs a code in the event to find it by");
	int rc = trace__code_lookup(ix->txn, code, &id);
	if (rc == TRACE_ENOTFOUND)
		return TRACE_OK;	/* a code never seen: no event of it to correct */
	if (rc)
		return rc;
	struct hash_search h = { ix, hash, hlen, found };
	return each_code_event(ix, id, match_hash, &h);
}

/* Whether entry @target is @decl_bytes without the errorDeclaration and recordTime. */
static int same_event(trace__indexer *ix, const trace_event *decl, uint64_t target, uint64_t idx,
                      trace_event **orig_out)
{
	trace_event *orig = NULL;
	trace__val mine;
	trace_buf b = TRACE_BUF_INIT;
	int rc = read_event(ix, target, &orig, NULL);
	if (rc == TRACE_OK)
		rc = read_event(ix, idx, NULL, &mine);
	if (rc) {
		trace_event_free(orig);
		return rc;
	}
	if (orig->has_error) {
		trace_event_free(orig);
		return trace__fail(TRACE_EINVAL, "errorDeclaration: event %llu is itself an error declaration",
		                   (unsigned long long)target);
	}
	/* Lend the declaration's fields to the original, encode, compare. */
	trace_event lent = *orig;
	lent.record_time = decl->record_time;
	lent.has_error = 1;
	memcpy(lent.err_hash, decl->err_hash, sizeof lent.err_hash);
	lent.err_hash_len = decl->err_hash_len;
	lent.err_reason = decl->err_reason;
	lent.err_time = decl->err_time;
	lent.err_corrective = decl->err_corrective;
	lent.err_ext = decl->err_ext;
	rc = trace__ev_encode(&b, &lent, 0);
	if (rc == TRACE_OK && (b.size != mine.size || memcmp(b.ptr, mine.data, b.size) != 0))
		rc = trace__fail(TRACE_EINVAL, "errorDeclaration: the event differs from event %llu it declares "
		                 "erroneous (it must be that event sent again)", (unsigned long long)target);
	trace_buf_dispose(&b);
	if (rc)
		trace_event_free(orig);
	else
		*orig_out = orig;
	return rc;
}

/* Status of one code for a recall of it at @r (the code alone; see trace__recall_mark). */
static void recall_one(trace__status *s, uint64_t r)
{
	s->flags |= TRACE_FLAG_RECALLED;
	if (s->state != TRACE_STATE_SOLD && s->state != TRACE_STATE_SPLIT_SOLD && s->state != TRACE_STATE_DESTROYED)
		s->state = TRACE_STATE_RECALLED;
	s->last_event = r;
}

static int apply_recall(trace__indexer *ix, uint64_t id, uint64_t r)
{
	trace__status s;
	int rc = trace__status_get(ix->txn, id, &s);
	if (rc && rc != TRACE_ENOTFOUND)
		return rc;
	recall_one(&s, r);
	return trace__status_put(ix->txn, id, &s);
}

/* Replays one of @id's events through the state machine, in each role it has there. */
static int replay_one(trace__indexer *ix, uint64_t id, const char *name, uint64_t e)
{
	trace_event *ev = NULL;
	int rc = read_event(ix, e, &ev, NULL);
	if (rc)
		return rc;
	if (!ev->has_error)
		for (size_t r = 0; r < sizeof roles / sizeof roles[0] && rc == TRACE_OK; r++)
			for (size_t i = 0; i < role_total(ev, roles[r]) && rc == TRACE_OK; i++) {
				const char *c = trace__role_get(ev, roles[r], i);
				if (c && strcmp(c, name) == 0)
					rc = trace__status_apply(ix, id, ev, e, roles[r], c);
			}
	trace_event_free(ev);
	return rc;
}

struct replay {
	trace__indexer *ix;
	uint64_t id;
	const char *name;
	uint64_t recall;	/* a recall of the code, put back at its place; NO_EVENT once applied */
};

/* One of the code's events again, unless declared erroneous. */
static int replay_event(void *ctx, uint64_t e)
{
	struct replay *r = ctx;
	int rc;
	if (r->recall != NO_EVENT && e > r->recall) {
		if ((rc = apply_recall(r->ix, r->id, r->recall)))
			return rc;
		r->recall = NO_EVENT;
	}
	rc = trace__event_declaration(r->ix->txn, e, NULL);
	if (rc == TRACE_OK)
		return TRACE_OK;	/* declared erroneous: it no longer counts */
	return rc == TRACE_ENOTFOUND ? replay_one(r->ix, r->id, r->name, e) : rc;
}

int trace__status_recompute(trace__indexer *ix, uint64_t id)
{
	uint8_t k8[8];
	trace__val rv;
	const char *nm;
	size_t nlen;
	uint64_t recall = NO_EVENT;
	int rc = trace__code_name(ix->txn, id, &nm, &nlen);
	if (rc)
		return rc;
	char *name = trace__malloc(nlen + 1);
	if (name == NULL)
		return trace__oom();
	memcpy(name, nm, nlen);
	name[nlen] = '\0';
	trace__be64_put(k8, id);
	if ((rc = trace__txn_get(ix->txn, DB_RECALLS, k8, 8, &rv)) == TRACE_OK && rv.size == 8) {
		recall = trace__be64_get(rv.data);
		if (trace__event_declaration(ix->txn, recall, NULL) == TRACE_OK)
			recall = NO_EVENT;	/* the recall itself was declared erroneous */
	} else if (rc && rc != TRACE_ENOTFOUND) {
		trace__free(name);
		return rc;
	}
	if ((rc = trace__txn_del(ix->txn, DB_STATUS, k8, 8)) && rc != TRACE_ENOTFOUND) {
		trace__free(name);
		return rc;
	}
	struct replay r = { ix, id, name, recall };
	ix->replaying = 1;
	rc = each_code_event(ix, id, replay_event, &r);
	ix->replaying = 0;
	trace__free(name);
	if (rc)
		return rc;
	if (r.recall != NO_EVENT && (rc = apply_recall(ix, id, r.recall)))
		return rc;
	trace__status s;
	if ((rc = trace__status_get(ix->txn, id, &s)) && rc != TRACE_ENOTFOUND)
		return rc;
	s.flags |= TRACE_FLAG_CORRECTED;
	return trace__status_put(ix->txn, id, &s);
}

/* Undoes the containment and associations the erroneous @orig made, if still current. */
static int undo_links(trace__indexer *ix, const trace_event *orig, uint64_t target, uint64_t idx)
{
	int type = trace_event_type(orig), action = trace_event_action(orig);
	uint64_t parent, child;
	int rc;
	if ((type != TRACE_EVENT_AGGREGATION && type != TRACE_EVENT_ASSOCIATION) ||
	    (action != TRACE_ACTION_ADD && action != TRACE_ACTION_OBSERVE) ||
	    trace_event_code_count(orig, TRACE_ROLE_PARENT) == 0)
		return TRACE_OK;
	if ((rc = trace__code_lookup(ix->txn, trace_event_code(orig, TRACE_ROLE_PARENT, 0), &parent)))
		return rc;
	for (size_t i = 0; i < role_total(orig, TRACE_ROLE_ITEM); i++) {
		uint8_t k[16];
		trace__val v;
		if ((rc = trace__code_lookup(ix->txn, trace__role_get(orig, TRACE_ROLE_ITEM, i), &child)))
			return rc;
		if (type == TRACE_EVENT_ASSOCIATION) {
			trace__key2(k, parent, child);
			rc = trace__txn_get(ix->txn, DB_IX_ASSOC, k, 16, &v);
			if (rc == TRACE_OK && v.size == 8 && trace__be64_get(v.data) == target)
				rc = trace__txn_del(ix->txn, DB_IX_ASSOC, k, 16);
		} else {
			trace__be64_put(k, child);
			rc = trace__txn_get(ix->txn, DB_IX_PARENT, k, 8, &v);
			if (rc == TRACE_OK && v.size == 16 && trace__be64_get(v.data) == parent &&
			    trace__be64_get((const uint8_t *)v.data + 8) == target)
				rc = trace__index_unpack(ix, child, idx);
		}
		if (rc && rc != TRACE_ENOTFOUND)
			return rc;
	}
	return TRACE_OK;
}

static int declare(trace__indexer *ix, const trace_event *ev, uint64_t idx, uint64_t target)
{
	trace_event *orig = NULL;
	uint64_t prior;
	uint8_t k[8], v[8];
	int rc = trace__event_declaration(ix->txn, target, &prior);
	if (rc == TRACE_OK)
		return trace__fail(TRACE_EEXISTS, "errorDeclaration: event %llu was already declared erroneous by event %llu",
		                   (unsigned long long)target, (unsigned long long)prior);
	if (rc != TRACE_ENOTFOUND || (rc = same_event(ix, ev, target, idx, &orig)))
		return rc;
	trace__be64_put(k, target);
	trace__be64_put(v, idx);
	if ((rc = trace__txn_put(ix->txn, DB_IX_ERRORS, k, 8, v, 8, 0)) == TRACE_OK)
		rc = undo_links(ix, orig, target, idx);
	for (size_t r = 0; r < sizeof roles / sizeof roles[0] && rc == TRACE_OK; r++)
		for (size_t i = 0; i < role_total(orig, roles[r]) && rc == TRACE_OK; i++) {
			uint64_t id;
			if ((rc = trace__code_lookup(ix->txn, trace__role_get(orig, roles[r], i), &id)) == TRACE_OK)
				rc = trace__status_recompute(ix, id);
		}
	trace_event_free(orig);
	return rc;
}

int trace__index_identity(trace__indexer *ix, const trace_event *ev, uint64_t idx, int *is_declaration)
{
	const char *eid = trace_event_id(ev);
	uint8_t key[64], v[8];
	trace__val cur;
	uint64_t by_id = NO_EVENT, by_hash = NO_EVENT;
	int rc;
	*is_declaration = trace_event_is_declaration(ev);
	if ((eid || *is_declaration) && ix->hasher == NULL)
		return trace__fail(TRACE_EINVAL, "indexing eventIDs and error declarations needs the log's hash suite");
	if (eid) {
		if ((rc = id_key(ix, eid, key)))
			return rc;
		rc = trace__txn_get(ix->txn, DB_IX_EVENT_IDS, key, 32, &cur);
		if (rc == TRACE_OK && cur.size == 8)
			by_id = trace__be64_get(cur.data);
		else if (rc != TRACE_ENOTFOUND)
			return rc ? rc : trace__fail(TRACE_ECORRUPT, "eventID index row of %s is damaged", eid);
	}
	if (!*is_declaration) {
		if (by_id != NO_EVENT)
			return trace__fail(TRACE_EEXISTS, "eventID %s is already event %llu of this ledger "
			                   "(only an error declaration may repeat it)", eid, (unsigned long long)by_id);
		if (eid == NULL)
			return TRACE_OK;
		trace__be64_put(v, idx);
		return trace__txn_put(ix->txn, DB_IX_EVENT_IDS, key, 32, v, 8, 0);
	}
	size_t hlen;
	const uint8_t *hash = trace_event_corrects(ev, &hlen);
	/* Naming neither (GS1's own examples do), it can mark nothing: kept, it moves nothing. */
	if (eid == NULL && hash == NULL)
		return TRACE_OK;
	if (hash && (rc = find_by_hash(ix, ev, hash, hlen, &by_hash)))
		return rc;
	if (hash && by_hash == NO_EVENT)
		return trace__fail(TRACE_ENOTFOUND, "errorDeclaration: no event of this ledger has the identity it corrects");
	/* An eventID this ledger never recorded: the event was captured elsewhere
	 * (another party's system, another ledger).  EPCIS lets the declaration
	 * travel on its own, so it is kept, marks nothing and moves nothing. */
	if (!hash && by_id == NO_EVENT)
		return TRACE_OK;
	if (by_id != NO_EVENT && by_hash != NO_EVENT && by_id != by_hash)
		return trace__fail(TRACE_EINVAL, "errorDeclaration: eventID %s is event %llu but libtrace:corrects names event %llu",
		                   eid, (unsigned long long)by_id, (unsigned long long)by_hash);
	return declare(ix, ev, idx, by_hash != NO_EVENT ? by_hash : by_id);
}
