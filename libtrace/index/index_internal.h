/*
 * Internal: the event ledger's index rows (docs/FORMAT.md §2.9).  Every row
 * is derived from the log; the indexer writes them inside the append's
 * transaction, and reindex replays the log through the same code.
 */
#ifndef TRACE_INDEX_INTERNAL_H
#define TRACE_INDEX_INTERNAL_H

#include "trace/event.h"
#include "trace/query.h"
#include "../log/log_internal.h"

#define NO_EVENT UINT64_MAX

/* The index module's databases (docs/FORMAT.md §2.9), after the log's;
 * DB_FIRST_INDEX .. DB_RECALLS are derived data that reindex rebuilds. */
enum {
	DB_CODES = DB_LOG_COUNT, DB_CODE_NAMES, DB_STATUS, DB_IX_CODE_EVENTS, DB_IX_CONTAINMENT,
	DB_IX_PARENT, DB_IX_CHILDREN, DB_IX_TRANSFORM_FWD, DB_IX_TRANSFORM_BACK,
	DB_IX_LOT_ITEMS, DB_IX_ITEM_LOT, DB_IX_FIELD, DB_IX_TIME,
	DB_IX_EVENT_IDS, DB_IX_ERRORS, DB_IX_ASSOC, DB_RECALLS, DB_INDEX_END
};
#define DB_FIRST_INDEX DB_CODES
/* Opens (with TRACE__STORE_CREATE or _ADD_MISSING: creates) the index tables in @s. */
int trace__index_attach(trace__store *s, int flags);

/* Ledger settings the indexer applies (trace_ledger_param). */
typedef struct trace__ledger_params {
	int64_t max_skew_ms;
	int64_t undo_window_ms;
	int fill_interlock;
	uint64_t scan_limit;
} trace__ledger_params;

void trace__ledger_params_default(trace__ledger_params *p);

/* A code's status row (DB_STATUS, 48 bytes big-endian). */
typedef struct trace__status {
	int state;
	uint32_t flags;
	uint64_t last_event;
	uint64_t scans;
	int64_t first_scan_ms;
	int64_t decommissioned_ms;
	int64_t expiry_ms;
} trace__status;

#define STATUS_SIZE 48

int trace__status_get(trace__txn *t, uint64_t id, trace__status *out);	/* ENOTFOUND: fresh */
int trace__status_put(trace__txn *t, uint64_t id, const trace__status *s);

/* Canonical form of user-given code text (code module, or an opaque URI). */
int trace__code_canonical(char **out, const char *text);
/* Looks up (and with @create, assigns in first-seen order) a code's dense id. */
typedef struct trace__indexer trace__indexer;
int trace__code_lookup(trace__txn *t, const char *canonical, uint64_t *id);
int trace__code_name(trace__txn *t, uint64_t id, const char **name, size_t *len);
/* The lot of @item for lot text @lot, named within its product (docs/FORMAT.md); EINVAL if the item has none. */
int trace__lot_code(char **out, const char *item, const char *lot);

struct trace__indexer {
	trace__txn *txn;
	const trace__ledger_params *params;
	uint64_t next_id;
	int next_id_loaded;
	uint64_t recalled;	/* codes newly marked by a recall */
	trace__txn *entries;	/* where the log's entries are read (the store's txn, or the live one in a reindex) */
	trace_hasher *hasher;	/* the log's hash suite: eventID keys, event identities */
	int replaying;		/* recomputing a status: accepted events are not refused again */
	/* The status rule of the last (event, role): an event's codes share it. */
	int rule_valid, rule_role;
	uint64_t rule_idx;
	const struct trace__status_rule *rule;
};

void trace__indexer_init(trace__indexer *ix, trace__txn *txn, const trace__ledger_params *p);
int trace__indexer_code_id(trace__indexer *ix, const char *canonical, uint64_t *id);
/* Writes every index row and status change of event @idx. */
int trace__index_event(trace__indexer *ix, const trace_event *ev, uint64_t idx);
/* Saves state kept across events (the next code id). */
int trace__indexer_finish(trace__indexer *ix);

/*
 * One row of the status machine's table (status_table.c, docs/FORMAT.md
 * §2.9.5): the first row matching an event and the code's role in it gives
 * the next state.  0 / -1 mean any; a vocabulary column is a CBV short name,
 * a full custom URI, NULL (any) or "" (absent).
 */
enum { TRACE__NEXT_SCAN = -1, TRACE__NEXT_FILL = -2, TRACE__NEXT_KEEP = -3 };
typedef struct trace__status_rule {
	int event, action, role;
	const char *step, *disp;
	int next;	/* a trace_code_state or TRACE__NEXT_* */
} trace__status_rule;

const trace__status_rule *trace__status_rules(size_t *n);
/* The matching row, or NULL (first seen: active; else unchanged). */
const trace__status_rule *trace__status_match(const trace_event *ev, int role);
/* "event|action|role|bizStep|disposition|next" as FORMAT.md writes the row. */
void trace__status_rule_text(char *buf, size_t cap, const trace__status_rule *r);

/* Applies the state machine to code @id for event @idx. */
int trace__status_apply(trace__indexer *ix, uint64_t id, const trace_event *ev, uint64_t idx,
                        int role, const char *code);
/* Error declarations (declare.c).  Checks @ev's eventID is new, or for a
 * declaration marks its event erroneous and recomputes the codes it named. */
int trace__index_identity(trace__indexer *ix, const trace_event *ev, uint64_t idx, int *is_declaration);
/* ENOTFOUND unless event @idx was declared erroneous (by *declaration). */
int trace__event_declaration(trace__txn *t, uint64_t idx, uint64_t *declaration);
/* Rebuilds code @id's status from its events that still count. */
int trace__status_recompute(trace__indexer *ix, uint64_t id);
/* Ends @child's stay in its current container at event @idx. */
int trace__index_unpack(trace__indexer *ix, uint64_t child, uint64_t idx);

/* Marks @id and everything downstream recalled; counts in ix->recalled. */
int trace__recall_mark(trace__indexer *ix, uint64_t id, uint64_t idx);

/* Key helpers. */
static inline void trace__key2(uint8_t k[16], uint64_t a, uint64_t b)
{
	trace__be64_put(k, a);
	trace__be64_put(k + 8, b);
}

/* Item @i of @ev's @role: its codes first, then its quantities' classes; NULL past the end. */
const char *trace__role_get(const trace_event *ev, int role, size_t i);

#endif
