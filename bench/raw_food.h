/*
 * bench/raw_food: the raw limit of the food scenario's event ingest — a
 * hand-written LMDB program that stores the same index rows libtrace's
 * indexer writes for each event (docs/FORMAT.md §2.9: code <-> dense id,
 * code -> events, status read and rewritten, parent / children /
 * containment, transformation links both ways, lot <-> items, time and
 * field keys), one durable write transaction per batch, with MDB_APPEND
 * where keys grow.  It trusts its input (the scenario's codes are already
 * canonical) and keeps no state between calls but LMDB's: what a careful
 * hand-written program for the same indexes would do.  The log itself (the
 * entries and the Merkle tiles) is the raw ledger of raw_limits.c.
 *
 * Functions return 0 on success and -1 on failure (after printing why).
 */
#ifndef TRACE_BENCH_RAW_FOOD_H
#define TRACE_BENCH_RAW_FOOD_H

#include <stdint.h>

#include "scenario.h"

typedef struct raw_index raw_index;

/* Opens a fresh environment in @dir (an existing, empty directory). */
int raw_index_open(raw_index **out, const char *dir, uint64_t mapsize);
void raw_index_close(raw_index *x);

/* One batch: begin, the rows of each step (@idx: its event index), commit
 * (durable). */
int raw_index_begin(raw_index *x);
int raw_index_step(raw_index *x, const scn_step *s, uint64_t idx);
int raw_index_commit(raw_index *x);

/* Rows written so far (puts, including rewrites), and lookups. */
uint64_t raw_index_puts(const raw_index *x);
uint64_t raw_index_gets(const raw_index *x);

#endif
