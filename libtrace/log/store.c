/*
 * log/store: LMDB environments for the log (durable) and its derived
 * indexes (NOSYNC).  The only file that includes lmdb.h.
 *
 * LMDB rules kept here: one environment per path per process (enforced by
 * the log's registry), MDB_NOTLS so read transactions may change threads,
 * grow the map on MDB_MAP_FULL, adopt a map grown by another process
 * (MDB_MAP_RESIZED).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <lmdb.h>

#include "trace/error.h"
#include "store.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define MAX_DBS 32

struct trace__store {
	MDB_env *env;
	MDB_dbi dbi[MAX_DBS];
	size_t ndb;
	int flags;
	char *dir;
	trace__txn *spare;	/* a reset read transaction, renewed by the next reader */
};

struct trace__txn {
	trace__store *s;
	MDB_txn *txn;
	int write;
};

struct trace__cursor {
	MDB_cursor *cur;
};

static int lmdb_fail(int rc, const char *what, const char *dir)
{
	int code;
	switch (rc) {
	case MDB_MAP_FULL:
		return TRACE__EMAPFULL;
	case ENOMEM:
		return trace__oom();
	case MDB_NOTFOUND:
		code = TRACE_ENOTFOUND;
		break;
	case MDB_KEYEXIST:
		code = TRACE_EEXISTS;
		break;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
	case MDB_VERSION_MISMATCH:
		code = TRACE_ECORRUPT;
		break;
	case EAGAIN:
	case EBUSY:
		code = TRACE_EBUSY;
		break;
	default:
		code = TRACE_EIO;
	}
	return trace__fail_sys(code, rc, "%s (%s): %s", what, dir ? dir : "store", mdb_strerror(rc));
}

int trace__store_open(trace__store **out, const char *dir, int flags, uint64_t mapsize,
                      const char *const *db_names, size_t ndb)
{
	trace__store *s;
	int rc;

	*out = NULL;
	if (ndb > MAX_DBS)
		return trace__fail(TRACE_EINVAL, "store: too many databases");
	s = trace__calloc(1, sizeof *s);
	if (s == NULL || (s->dir = trace__strdup(dir)) == NULL) {
		trace__free(s);
		return trace__oom();
	}
	s->flags = flags;
	s->ndb = ndb;
	unsigned env_flags = MDB_NOTLS;
	if (flags & TRACE__STORE_READONLY)
		env_flags |= MDB_RDONLY;
	if (flags & TRACE__STORE_NOSYNC)
		env_flags |= MDB_NOSYNC;
	if ((rc = mdb_env_create(&s->env)) ||
	    (rc = mdb_env_set_maxdbs(s->env, MAX_DBS)) ||
	    (rc = mdb_env_set_maxreaders(s->env, 252)) ||
	    (rc = mdb_env_set_mapsize(s->env, (size_t)mapsize)) ||
	    (rc = mdb_env_open(s->env, dir, env_flags, 0644))) {
		int code = lmdb_fail(rc, "opening LMDB environment", dir);
		trace__store_close(s);
		return code;
	}
	/* Adopt a larger map written by another process. */
	MDB_envinfo info;
	if (mdb_env_info(s->env, &info) == 0 && info.me_mapsize < mapsize)
		mdb_env_set_mapsize(s->env, (size_t)mapsize);

	MDB_txn *txn;
	rc = mdb_txn_begin(s->env, NULL, (flags & TRACE__STORE_READONLY) ? MDB_RDONLY : 0, &txn);
	if (rc) {
		int code = lmdb_fail(rc, "opening databases", dir);
		trace__store_close(s);
		return code;
	}
	for (size_t i = 0; i < ndb; i++) {
		unsigned f = (flags & TRACE__STORE_CREATE) ? MDB_CREATE : 0;
		rc = mdb_dbi_open(txn, db_names[i], f, &s->dbi[i]);
		if (rc == MDB_NOTFOUND && i > 0 && (flags & TRACE__STORE_ADD_MISSING))
			rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &s->dbi[i]);
		if (rc) {
			mdb_txn_abort(txn);
			int code = rc == MDB_NOTFOUND
				? trace__fail(TRACE_ENOTFOUND, "%s holds no \"%s\" database: not a libtrace store", dir, db_names[i])
				: lmdb_fail(rc, "opening a database", dir);
			trace__store_close(s);
			return code;
		}
	}
	if ((rc = mdb_txn_commit(txn))) {
		int code = lmdb_fail(rc, "opening databases", dir);
		trace__store_close(s);
		return code;
	}
	*out = s;
	return TRACE_OK;
}

/* mdb_env_set_mapsize() wants no transaction of this process open, a
 * reset one included: the spare goes first. */
static void drop_spare(trace__store *s)
{
	if (s->spare) {
		mdb_txn_abort(s->spare->txn);
		trace__free(s->spare);
		s->spare = NULL;
	}
}

void trace__store_close(trace__store *s)
{
	if (s == NULL)
		return;
	drop_spare(s);
	if (s->env)
		mdb_env_close(s->env);
	trace__free(s->dir);
	trace__free(s);
}

uint64_t trace__store_mapsize(const trace__store *s)
{
	MDB_envinfo info;
	if (mdb_env_info(s->env, &info))
		return 0;
	return info.me_mapsize;
}

int trace__store_grow(trace__store *s)
{
	drop_spare(s);
	uint64_t size = trace__store_mapsize(s);
	int rc = mdb_env_set_mapsize(s->env, (size_t)(size ? size * 2 : 1 << 26));
	return rc ? lmdb_fail(rc, "growing the LMDB map", s->dir) : TRACE_OK;
}

int trace__txn_begin(trace__txn **out, trace__store *s, int write)
{
	if (!write && s->spare) {
		/* Renewing the reset read transaction skips an allocation and the
		 * reader-table lock.  On any failure (MDB_MAP_RESIZED included),
		 * drop it and start afresh below. */
		trace__txn *t = s->spare;
		s->spare = NULL;
		if (mdb_txn_renew(t->txn) == 0) {
			*out = t;
			return TRACE_OK;
		}
		mdb_txn_abort(t->txn);
		trace__free(t);
	}
	trace__txn *t = trace__malloc(sizeof *t);
	if (t == NULL)
		return trace__oom();
	t->s = s;
	t->write = write;
	unsigned f = write ? 0 : MDB_RDONLY;
	int rc = mdb_txn_begin(s->env, NULL, f, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size and retry. */
		drop_spare(s);
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, f, &t->txn);
	}
	if (rc) {
		trace__free(t);
		return lmdb_fail(rc, write ? "starting a write transaction" : "starting a read transaction", s->dir);
	}
	*out = t;
	return TRACE_OK;
}

int trace__txn_commit(trace__txn *t)
{
	int rc = mdb_txn_commit(t->txn);
	trace__store *s = t->s;
	trace__free(t);
	return rc ? lmdb_fail(rc, "committing", s->dir) : TRACE_OK;
}

void trace__txn_abort(trace__txn *t)
{
	if (t == NULL)
		return;
	if (!t->write && t->s->spare == NULL) {
		/* Keep one read transaction per store for reuse.  Reset, it holds
		 * no snapshot (writers may reuse every page) but keeps its reader
		 * slot (MDB_NOTLS) until trace__store_close(). */
		mdb_txn_reset(t->txn);
		t->s->spare = t;
		return;
	}
	mdb_txn_abort(t->txn);
	trace__free(t);
}

int trace__txn_get(trace__txn *t, int db, const void *key, size_t klen, trace__val *val)
{
	MDB_val k = { klen, (void *)key }, v;
	int rc = mdb_get(t->txn, t->s->dbi[db], &k, &v);
	if (rc == MDB_NOTFOUND)
		return TRACE_ENOTFOUND;
	if (rc)
		return lmdb_fail(rc, "reading", t->s->dir);
	val->data = v.mv_data;
	val->size = v.mv_size;
	return TRACE_OK;
}

int trace__txn_put(trace__txn *t, int db, const void *key, size_t klen,
                   const void *val, size_t vlen, int flags)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	unsigned f = 0;
	if (flags & TRACE__PUT_APPEND)
		f |= MDB_APPEND;
	if (flags & TRACE__PUT_NOOVERWRITE)
		f |= MDB_NOOVERWRITE;
	int rc = mdb_put(t->txn, t->s->dbi[db], &k, &v, f);
	if (rc == MDB_KEYEXIST)
		return TRACE_EEXISTS;
	return rc ? lmdb_fail(rc, "writing", t->s->dir) : TRACE_OK;
}

int trace__txn_reserve(trace__txn *t, int db, const void *key, size_t klen,
                       size_t vlen, void **where)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, NULL };
	int rc = mdb_put(t->txn, t->s->dbi[db], &k, &v, MDB_RESERVE);
	if (rc)
		return lmdb_fail(rc, "writing", t->s->dir);
	*where = v.mv_data;
	return TRACE_OK;
}

int trace__txn_del(trace__txn *t, int db, const void *key, size_t klen)
{
	MDB_val k = { klen, (void *)key };
	int rc = mdb_del(t->txn, t->s->dbi[db], &k, NULL);
	if (rc == MDB_NOTFOUND)
		return TRACE_ENOTFOUND;
	return rc ? lmdb_fail(rc, "deleting", t->s->dir) : TRACE_OK;
}

int trace__txn_drop(trace__txn *t, int db)
{
	int rc = mdb_drop(t->txn, t->s->dbi[db], 0);
	return rc ? lmdb_fail(rc, "emptying a database", t->s->dir) : TRACE_OK;
}

int trace__cursor_open(trace__cursor **out, trace__txn *t, int db)
{
	trace__cursor *c = trace__malloc(sizeof *c);
	if (c == NULL)
		return trace__oom();
	int rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c->cur);
	if (rc) {
		trace__free(c);
		return lmdb_fail(rc, "opening a cursor", t->s->dir);
	}
	*out = c;
	return TRACE_OK;
}

void trace__cursor_close(trace__cursor *c)
{
	if (c == NULL)
		return;
	mdb_cursor_close(c->cur);
	trace__free(c);
}

int trace__cursor_get(trace__cursor *c, int op, trace__val *key, trace__val *val)
{
	static const MDB_cursor_op ops[] = { MDB_FIRST, MDB_NEXT, MDB_LAST, MDB_SET_RANGE, MDB_PREV };
	MDB_val k = { key->size, (void *)key->data }, v = { 0, NULL };
	int rc = mdb_cursor_get(c->cur, &k, &v, ops[op]);
	if (rc == MDB_NOTFOUND)
		return TRACE_ENOTFOUND;
	if (rc)
		return lmdb_fail(rc, "reading with a cursor", NULL);
	key->data = k.mv_data;
	key->size = k.mv_size;
	if (val) {
		val->data = v.mv_data;
		val->size = v.mv_size;
	}
	return TRACE_OK;
}
