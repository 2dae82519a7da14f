/*
 * Internal: the key-value store under the log, wrapping LMDB.  store.c is
 * the only file that includes lmdb.h, so a storage swap touches one file.
 */
#ifndef TRACE_LOG_STORE_H
#define TRACE_LOG_STORE_H

#include <stddef.h>
#include <stdint.h>

/* Returned inside a write transaction when the map is full; only
 * trace__store_write() and trace__store_grow() deal with it, and it never
 * leaves them. */
#define TRACE__EMAPFULL (-1000)

enum trace__store_flags {
	TRACE__STORE_READONLY = 1,
	TRACE__STORE_NOSYNC = 2,   /* derived data only: may lose recent commits on a system crash */
	TRACE__STORE_CREATE = 4,
	TRACE__STORE_ADD_MISSING = 8 /* a database a later version added is created (empty) in an existing store */
};

typedef struct trace__store trace__store;
typedef struct trace__txn trace__txn;
typedef struct trace__cursor trace__cursor;

typedef struct trace__val {
	const void *data;
	size_t size;
} trace__val;

int trace__store_open(trace__store **out, const char *dir, int flags, uint64_t mapsize,
                      const char *const *db_names, size_t ndb);
void trace__store_close(trace__store *s);
/* Opens (with TRACE__STORE_CREATE or _ADD_MISSING: creates) a module's
 * tables as databases @first..@first+@n-1, right after those already open;
 * a no-op when another handle on the store already did. */
int trace__store_add_tables(trace__store *s, size_t first, const char *const *names, size_t n, int flags);
/* Doubles the map (no transaction of this handle may be open). */
int trace__store_grow(trace__store *s);
uint64_t trace__store_mapsize(const trace__store *s);

/*
 * Runs @body in a write transaction and commits it.  When the map fills,
 * the transaction is aborted, the map grown and @body run again, so @body
 * must start from nothing each time (it may keep results in @ctx, reset on
 * entry).  Any failure of @body aborts and is returned as is.
 */
int trace__store_write(trace__store *s, int (*body)(void *ctx, trace__txn *t), void *ctx);

/* Write transactions block other writers of the same environment only for
 * their duration; the log's writer lock keeps a second writer out. */
int trace__txn_begin(trace__txn **out, trace__store *s, int write);
int trace__txn_commit(trace__txn *t);	/* durable unless NOSYNC; frees t */
void trace__txn_abort(trace__txn *t);	/* frees t; NULL is a no-op */

/* TRACE_OK, TRACE_ENOTFOUND, or an error.  Values stay valid until the
 * transaction ends. */
int trace__txn_get(trace__txn *t, int db, const void *key, size_t klen, trace__val *val);
/* flags: APPEND (keys in ascending order) or NOOVERWRITE (TRACE_EEXISTS). */
enum { TRACE__PUT_APPEND = 1, TRACE__PUT_NOOVERWRITE = 2 };
int trace__txn_put(trace__txn *t, int db, const void *key, size_t klen,
                   const void *val, size_t vlen, int flags);
/* Reserves @vlen bytes for a value and returns where to write them. */
int trace__txn_reserve(trace__txn *t, int db, const void *key, size_t klen,
                       size_t vlen, void **where);
int trace__txn_del(trace__txn *t, int db, const void *key, size_t klen);
/* Empties a database. */
int trace__txn_drop(trace__txn *t, int db);

int trace__cursor_open(trace__cursor **out, trace__txn *t, int db);
void trace__cursor_close(trace__cursor *c);
/* op: FIRST, NEXT, LAST, or SEEK (first key >= @key). */
enum { TRACE__CUR_FIRST, TRACE__CUR_NEXT, TRACE__CUR_LAST, TRACE__CUR_SEEK, TRACE__CUR_PREV };
int trace__cursor_get(trace__cursor *c, int op, trace__val *key, trace__val *val);

/* Big-endian integers: keys sort in numeric order. */
static inline void trace__be64_put(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t trace__be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

#endif
