/* Internal: the ledger handle shared by the query files. */
#ifndef TRACE_LEDGER_INTERNAL_H
#define TRACE_LEDGER_INTERNAL_H

#include "trace/query.h"
#include "trace/experimental.h"
#include "../index/index_internal.h"

/* The private side store's database, after the index module's (private.c). */
enum { DB_PRIVATE = DB_INDEX_END, DB_LEDGER_COUNT };
int trace__private_attach(trace__store *s, int flags);

struct trace_ledger {
	trace_log *log;
	trace__ledger_params params;
	int keys_fd;		/* DIR/private.keys, opened on first use; -1 until then */
	int keys_dirty;		/* keys written but not yet synced */
};

/* Private side store (private.c).  Inside an append's write transaction:
 * seals the cleartext of @ev's private fields under a fresh key for event
 * @idx, whose slot in DIR/private.keys is written (and synced by
 * trace__private_sync() before the transaction commits). */
int trace__private_store(trace_ledger *l, trace__txn *txn, const trace_event *ev, uint64_t idx);
int trace__private_sync(trace_ledger *l);
void trace__private_close(trace_ledger *l);

/* Appends with index rows; @recalled (may be NULL) counts codes a recall marked. */
int trace__ledger_append(trace_ledger *l, uint64_t *first, trace_event *const *events, size_t n,
                         int64_t record_time_ms, uint64_t *recalled);
/* Begins a read transaction on the ledger's store. */
int trace__ledger_read(trace_ledger *l, trace__txn **out);
/* The dense id of user-given code text, in @t; ENOTFOUND names the code. */
int trace__ledger_code_id(trace__txn *t, const char *text, uint64_t *id);
/* Rebuilds every index of the log's first *@size entries from the log
 * alone into a new scratch store at @path (DIR/reindex.XXXXXX, or under
 * $TMPDIR when DIR is read-only); release with trace__ledger_rebuild_done(). */
int trace__ledger_rebuild(trace_ledger *l, trace__store **scratch, char *path, size_t cap, uint64_t *size);
void trace__ledger_rebuild_done(trace__store *scratch, const char *path);

#endif
