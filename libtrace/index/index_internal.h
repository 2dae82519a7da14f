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
};

void trace__indexer_init(trace__indexer *ix, trace__txn *txn, const trace__ledger_params *p);
int trace__indexer_code_id(trace__indexer *ix, const char *canonical, uint64_t *id);
/* Writes every index row and status change of event @idx. */
int trace__index_event(trace__indexer *ix, const trace_event *ev, uint64_t idx);
/* Saves state kept across events (the next code id). */
int trace__indexer_finish(trace__indexer *ix);

/* Applies the state machine to code @id for event @idx. */
int trace__status_apply(trace__indexer *ix, uint64_t id, const trace_event *ev, uint64_t idx,
                        int role, const char *code);
/* Marks @id and everything downstream recalled; counts in ix->recalled. */
int trace__recall_mark(trace__indexer *ix, uint64_t id, uint64_t idx);

/* Key helpers. */
static inline void trace__key2(uint8_t k[16], uint64_t a, uint64_t b)
{
	trace__be64_put(k, a);
	trace__be64_put(k + 8, b);
}

#endif
