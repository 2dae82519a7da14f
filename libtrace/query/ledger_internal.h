/* Internal: the ledger handle shared by the query files. */
#ifndef TRACE_LEDGER_INTERNAL_H
#define TRACE_LEDGER_INTERNAL_H

#include "trace/query.h"
#include "../index/index_internal.h"

struct trace_ledger {
	trace_log *log;
	trace__ledger_params params;
};

/* Appends with index rows; @recalled (may be NULL) counts codes a recall marked. */
int trace__ledger_append(trace_ledger *l, uint64_t *first, trace_event *const *events, size_t n,
                         int64_t record_time_ms, uint64_t *recalled);
/* Begins a read transaction on the ledger's store. */
int trace__ledger_read(trace_ledger *l, trace__txn **out);
/* The dense id of user-given code text, in @t; ENOTFOUND names the code. */
int trace__ledger_code_id(trace__txn *t, const char *text, uint64_t *id);

#endif
