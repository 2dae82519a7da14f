/* Internal: the log handle and the tile machinery shared by the log files. */
#ifndef TRACE_LOG_INTERNAL_H
#define TRACE_LOG_INTERNAL_H

#include <sys/types.h>

#include "trace/log.h"
#include "trace/merkle.h"
#include "store.h"
#include "../merkle_internal.h"

/* Databases of the log's environment (docs/FORMAT.md §2.1).  Modules that
 * keep their data beside the log (the event ledger's indexes, its private
 * side store) add their own after these with trace__store_add_tables(). */
enum { DB_META, DB_ENTRIES, DB_TILES, DB_CHECKPOINTS, DB_LOG_COUNT };
extern const char *const trace__log_db_names[DB_LOG_COUNT];

/* Called inside an append's write transaction, after the entries are in:
 * the event ledger writes its index rows here, so both commit together. */
typedef struct trace__append_hook {
	int (*run)(void *ctx, trace__txn *txn, uint64_t first_index);
	void *ctx;
} trace__append_hook;

#define TILE_HEIGHT 8
#define TILE_WIDTH 256
#define TILE_SLOTS 511		/* rows 0..8 of a full tile, in memory */
#define TILE_KEY_SIZE 9
#define TREE_LEVELS 8		/* 256^8 leaves: all of uint64 */

/* One level's tile being built: rows at fixed offsets 512 - (512 >> s). */
typedef struct tile_work {
	uint64_t n;
	unsigned width;
	int loaded, dirty;
	uint8_t *slots;		/* TILE_SLOTS hashes */
} tile_work;

/* Where finished or updated tiles go, and where partial ones come from. */
typedef struct tile_sink {
	int (*store)(void *ctx, unsigned level, uint64_t n, unsigned width,
	             const uint8_t *packed, size_t len);
	int (*load)(void *ctx, unsigned level, uint64_t n, unsigned width,
	            const uint8_t **packed, size_t *len);	/* NULL: start empty */
	void *ctx;
} tile_sink;

typedef struct tile_builder {
	trace_hasher *h;
	size_t hs;
	tile_work lv[TREE_LEVELS];
	uint8_t *pack;		/* TILE_SLOTS hashes, for packing */
	const tile_sink *sink;
} tile_builder;

int trace__tiles_builder_init(tile_builder *b, trace_hasher *h);
void trace__tiles_builder_free(tile_builder *b);
/* Forgets loaded tiles (after an aborted transaction). */
void trace__tiles_builder_reset(tile_builder *b, const tile_sink *sink);
/* Adds leaf hash number @pos (the tree had @pos leaves before). */
int trace__tiles_add_leaf(tile_builder *b, uint64_t pos, const uint8_t *leaf);
/* Writes every tile changed since the last flush. */
int trace__tiles_flush(tile_builder *b);

/* Stored layout of a tile of width @w: rows s = 0..7, (w >> s) hashes each. */
size_t trace__tile_nodes(unsigned width);
unsigned trace__tile_width(uint64_t tree_size, unsigned level, uint64_t n);
void trace__tile_key(uint8_t key[TILE_KEY_SIZE], unsigned level, uint64_t n);

/* Reads complete-subtree hashes from stored tiles inside one transaction. */
typedef struct tile_reader {
	trace__txn *txn;
	size_t hs;
	uint64_t stored_size;
	struct {
		uint64_t n;
		const uint8_t *data;
		unsigned width;
	} cache[TREE_LEVELS];
} tile_reader;

void trace__tile_reader_init(tile_reader *r, trace__txn *txn, size_t hs, uint64_t stored_size);
int trace__tile_node(void *ctx, unsigned height, uint64_t index, uint8_t *out);

struct trace_log_opts {
	int64_t busy_timeout_ms;
	int kind;
	uint64_t mapsize;
};

struct trace_log {
	char *dir;
	trace__store *store;
	int readonly, kind, suite;
	char *origin, *vkey;
	trace_verifier *verifier;
	trace_hasher *hasher;
	size_t hs;
	int lock_fd;
	tile_builder builder;
	trace__store *index;	/* derived leaf-hash index, opened on first use */
	int index_unavailable;
};

/* "tile/KIND/N[.p/W]" with N in tlog-tiles' x-prefixed groups of three digits (export.c). */
int trace__tiles_path(char *out, size_t cap, const char *kind, uint64_t n, unsigned width);

/* The committed tree size as seen by @txn. */
int trace__log_read_size(trace__txn *txn, uint64_t *out);
/* Root of the first @size leaves, reading tiles through @txn. */
int trace__log_root_in(trace_log *log, trace__txn *txn, uint64_t stored_size, uint64_t size,
                       uint8_t *out);
/* Appends entries without the kind check (the event ledger uses this),
 * running @hook (may be NULL) in the same transaction. */
int trace__log_append_entries(trace_log *log, uint64_t *first, const uint8_t *const *entries,
                              const size_t *lens, size_t n, const trace__append_hook *hook);
/* The log's store, for modules that keep their data beside the log. */
trace__store *trace__log_store(trace_log *log);
/* Leaf hash @index read through @txn. */
int trace__log_leaf_in(trace_log *log, trace__txn *txn, uint64_t stored_size, uint64_t index,
                       uint8_t *out);

#endif
