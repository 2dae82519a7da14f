/*
 * Internal: the query object shared by the query files (iter.c: history,
 * walks, time and field scans; where.c: where a code's items went or came
 * from, built on the other two).
 */
#ifndef TRACE_QUERY_INTERNAL_H
#define TRACE_QUERY_INTERNAL_H

#include "ledger_internal.h"
#include "../index/walk.h"

#define MAX_NESTING 1000	/* containers inside containers: a guard against a cycle in old data */
#define MAX_STAYS 10000000	/* a runaway guard, far beyond any real history */
#define CODE_NAME_MAX 480	/* the longest code the index holds (index/codes.c) */

enum { Q_HISTORY, Q_WALK, Q_TIME, Q_FIELD, Q_WHERE };

/* One stretch of a code's history: its own events, or a container's while it was inside. */
typedef struct interval {
	uint64_t id, from, to, next;
	uint64_t peeked;	/* its next event, valid while has_peek */
	int done, has_peek;
	int own;		/* the code's own events, not a container's */
	unsigned depth;		/* 0 for the code's own events, 1 for its container's, ... */
	trace__cursor *cur;	/* on code_events while active, standing on its last event */
} interval;

struct trace_query {
	int kind;
	trace__txn *txn;
	trace__cursor *cur;
	uint64_t event;
	unsigned depth;
	char *code;
	/* history: stays sorted by start; active ones are listed in act[] */
	interval *iv;
	size_t niv, cap_iv, next_iv;
	size_t *act, nact, cap_act;
	uint64_t last_emitted;
	size_t current;		/* the stay the current result came through */
	uint64_t via_id;	/* the code q->via names, when has_via */
	uint64_t via_want;	/* the code the current result came through */
	int has_via;
	char *via;
	size_t via_cap;
	/* walks */
	trace__walk *walk;
	trace__cursor *names;	/* on code_names: consecutive ids are the next key */
	uint64_t name_id;	/* the id the names cursor stands on, when names_valid */
	int names_valid;
	int has_code;	/* q->code holds the current result's code */
	/* contents: after the walk, the start's associated devices */
	int contents, assoc_phase, link;
	uint64_t start_id;
	trace__cursor *assoc;
	size_t code_cap;
	/* time and field */
	uint8_t key[512];
	size_t key_len, prefix_len;
	uint64_t until;
	int started;
	int borrowed_txn;	/* txn belongs to another query */
	/* where: the rows, computed when the query is made */
	struct where_row *rows;
	size_t nrows, next_row;
	char *arena;		/* the rows' party texts */
};

/* A query of @kind on a new read transaction of @l. */
int trace__query_new(trace_query **out, trace_ledger *l, int kind);
/* Makes @q (of kind Q_HISTORY) the history of code @id. */
int trace__history_start(trace_query *q, uint64_t id);
int trace__history_next(trace_query *q);
/* Where queries (where.c): the next row; frees what the rows hold. */
int trace__where_next(trace_query *q);
void trace__where_free(trace_query *q);

#endif
