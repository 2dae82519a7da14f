/*
 * log/store: LMDB environments for the log (durable) and its derived
 * indexes (NOSYNC).  The only file that includes lmdb.h.
 *
 * LMDB rules kept here: one environment per path per process (a registry
 * shares it, reference-counted, between every handle on that path),
 * MDB_NOTLS so read transactions may change threads, grow the map on
 * MDB_MAP_FULL, adopt a map grown by another process (MDB_MAP_RESIZED).
 * Remapping invalidates every pointer into the map, so it waits until no
 * handle of this process holds a transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "trace/error.h"
#include "store.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define MAX_DBS 32
/* How long a remap waits for other handles' transactions to end. */
#define REMAP_WAIT_SECONDS 10

struct trace__store {
	MDB_env *env;
	MDB_dbi dbi[MAX_DBS];
	size_t ndb;		/* databases open: the base ones, then those modules added */
	size_t base;		/* databases named when the store was opened */
	int flags;
	int env_rdonly;		/* the environment itself is MDB_RDONLY (read-only files) */
	char *dir;
	/* Shared by every handle on this path in this process. */
	dev_t dev;
	ino_t ino;
	pid_t pid;		/* a child after fork() must not reuse its parent's env */
	unsigned refs;
	trace__store *next;
	pthread_mutex_t mu;	/* guards spare, active and remapping */
	pthread_cond_t idle;
	unsigned active;	/* transactions open on this environment */
	int remapping;
	trace__txn *spare;	/* a reset read transaction, renewed by the next reader */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static trace__store *registry;

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
		return trace__fail(TRACE_ECORRUPT, "corrupt: %s/data.mdb: %s (%s)", dir ? dir : "store", what,
		                   mdb_strerror(rc));
	case EAGAIN:
	case EBUSY:
		code = TRACE_EBUSY;
		break;
	default:
		code = TRACE_EIO;
	}
	return trace__fail_sys(code, rc, "%s (%s): %s", what, dir ? dir : "store", mdb_strerror(rc));
}

static void store_destroy(trace__store *s)
{
	if (s->spare) {
		mdb_txn_abort(s->spare->txn);
		trace__free(s->spare);
	}
	if (s->env)
		mdb_env_close(s->env);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->mu);
	trace__free(s->dir);
	trace__free(s);
}

/*
 * LMDB maps data.mdb and trusts it: a page beyond the end of a truncated
 * file faults with SIGBUS.  Before mapping, read the two meta pages
 * (LMDB 0.9's layout, MDB_meta in mdb.c: magic, version, ..., the free and
 * main trees, last page, txnid) and check that the file holds every page
 * the newest valid meta claims.  Damage inside pages is beyond what can be
 * checked here (THREADING.md, SECURITY.md).
 */
#define LMDB_MAGIC 0xBEEFC0DEu
#define LMDB_DATA_VERSION 1u
#define LMDB_PAGEHDR 16
#define LMDB_META_LASTPG (LMDB_PAGEHDR + 120)
#define LMDB_META_TXNID (LMDB_PAGEHDR + 128)
#define LMDB_META_PSIZE (LMDB_PAGEHDR + 24)
#define LMDB_META_MAIN_ROOT (LMDB_PAGEHDR + 24 + 48 + 40)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);	/* LMDB files are in host order; x86-64 and arm64 are little-endian */
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static int check_data_file(const char *dir, int create)
{
	char path[4096];
	uint8_t meta[2][LMDB_META_TXNID + 8];
	struct stat st;
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? TRACE_OK	/* a new store */
		       : trace__fail_sys(TRACE_EIO, errno, "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return trace__fail_sys(TRACE_EIO, e, "cannot stat %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return trace__fail(TRACE_ECORRUPT, "corrupt: %s is not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		if (create)
			return TRACE_OK;	/* a store being made: LMDB initialises it */
		return trace__fail(TRACE_ECORRUPT, "corrupt: %s is empty", path);
	}
	ssize_t n0 = pread(fd, meta[0], sizeof meta[0], 0);
	uint32_t psize = n0 == (ssize_t)sizeof meta[0] ? le32(meta[0] + LMDB_META_PSIZE) : 0;
	int psize_ok = psize >= 512 && psize <= 65536 && (psize & (psize - 1)) == 0;
	ssize_t n1 = psize_ok ? pread(fd, meta[1], sizeof meta[1], psize) : -1;
	close(fd);
	int best = -1;
	uint64_t best_txn = 0;
	for (int i = 0; i < 2; i++) {
		if ((i == 0 ? n0 : n1) != (ssize_t)sizeof meta[i])
			continue;
		if (le32(meta[i] + LMDB_PAGEHDR) != LMDB_MAGIC || le32(meta[i] + LMDB_PAGEHDR + 4) != LMDB_DATA_VERSION)
			continue;
		uint64_t txn = le64(meta[i] + LMDB_META_TXNID);
		if (best < 0 || txn > best_txn)
			best = i, best_txn = txn;
	}
	if (best < 0)
		return trace__fail(TRACE_ECORRUPT, "corrupt: %s has no valid LMDB meta page (%lld bytes)", path,
		                   (long long)st.st_size);
	uint64_t last = le64(meta[best] + LMDB_META_LASTPG);
	uint64_t root = le64(meta[best] + LMDB_META_MAIN_ROOT);
	if (last > ((uint64_t)1 << 40) || (last + 1) * psize > (uint64_t)st.st_size)
		return trace__fail(TRACE_ECORRUPT, "corrupt: %s is truncated or damaged: its meta page names page %llu "
		                   "of %u bytes, but the file holds %lld bytes", path, (unsigned long long)last,
		                   psize, (long long)st.st_size);
	if (root != UINT64_MAX && root > last)
		return trace__fail(TRACE_ECORRUPT, "corrupt: %s names a root page %llu beyond its last page %llu",
		                   path, (unsigned long long)root, (unsigned long long)last);
	return TRACE_OK;
}

/*
 * LMDB asserts on some damaged pages and then calls abort().  A damaged
 * file is a storage fault, like the SIGBUS or SIGSEGV other damage causes:
 * report it as one, so a supervising process (the trace tool runs each
 * command in a child) tells damaged storage from a bug.
 */
static void storage_assert(MDB_env *env, const char *msg)
{
	(void)env;
	(void)msg;
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

static int env_open(trace__store *s, const char *dir, unsigned env_flags, uint64_t mapsize)
{
	int rc;
	if ((rc = mdb_env_create(&s->env)) ||
	    (rc = mdb_env_set_assert(s->env, storage_assert)) ||
	    (rc = mdb_env_set_maxdbs(s->env, MAX_DBS)) ||
	    (rc = mdb_env_set_maxreaders(s->env, 252)) ||
	    (rc = mdb_env_set_mapsize(s->env, (size_t)mapsize)) ||
	    (rc = mdb_env_open(s->env, dir, env_flags, 0644))) {
		if (s->env)
			mdb_env_close(s->env);
		s->env = NULL;
	}
	return rc;
}

/* Opens databases @first.. of @s, in one transaction (LMDB wants opening
 * serialised, hence s->mu). */
static int open_tables(trace__store *s, size_t first, const char *const *names, size_t n, int flags)
{
	MDB_txn *txn;
	int rc = mdb_txn_begin(s->env, NULL, (flags & TRACE__STORE_READONLY) ? MDB_RDONLY : 0, &txn);
	if (rc)
		return lmdb_fail(rc, "opening databases", s->dir);
	for (size_t i = 0; i < n; i++) {
		unsigned f = (flags & TRACE__STORE_CREATE) ? MDB_CREATE : 0;
		rc = mdb_dbi_open(txn, names[i], f, &s->dbi[first + i]);
		if (rc == MDB_NOTFOUND && first + i > 0 && (flags & TRACE__STORE_ADD_MISSING))
			rc = mdb_dbi_open(txn, names[i], MDB_CREATE, &s->dbi[first + i]);
		if (rc) {
			mdb_txn_abort(txn);
			return rc == MDB_NOTFOUND
				? trace__fail(TRACE_ENOTFOUND, "%s holds no \"%s\" database: not a libtrace store", s->dir, names[i])
				: lmdb_fail(rc, "opening a database", s->dir);
		}
	}
	if ((rc = mdb_txn_commit(txn)))
		return lmdb_fail(rc, "opening databases", s->dir);
	s->ndb = first + n;
	return TRACE_OK;
}

int trace__store_add_tables(trace__store *s, size_t first, const char *const *names, size_t n, int flags)
{
	int rc = TRACE_OK;
	if (first + n > MAX_DBS)
		return trace__fail(TRACE_EINVAL, "store: too many databases");
	pthread_mutex_lock(&s->mu);
	if (s->ndb < first + n) {	/* another handle on this store may have added them */
		if (s->ndb != first)
			rc = trace__fail(TRACE_EINVAL, "store: tables %zu.. added out of order (%zu open)", first, s->ndb);
		else if ((flags & TRACE__STORE_CREATE) && s->env_rdonly)
			rc = trace__fail(TRACE_EINVAL, "%s: cannot add tables to a read-only store", s->dir);
		else
			rc = open_tables(s, first, names, n, flags);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int store_new(trace__store **out, const char *dir, const struct stat *st, int flags,
                     uint64_t mapsize, const char *const *db_names, size_t ndb)
{
	trace__store *s;
	int rc;

	*out = NULL;
	s = trace__calloc(1, sizeof *s);
	if (s == NULL || (s->dir = trace__strdup(dir)) == NULL) {
		trace__free(s);
		return trace__oom();
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->flags = flags;
	s->ndb = ndb;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->pid = getpid();
	s->refs = 1;
	unsigned env_flags = MDB_NOTLS;
	if (flags & TRACE__STORE_NOSYNC)
		env_flags |= MDB_NOSYNC;
	if ((rc = check_data_file(dir, flags & TRACE__STORE_CREATE))) {
		store_destroy(s);
		return rc;
	}
	/* A read-write environment serves readers and a later writer handle
	 * alike; read-only files (a regulator's copy) get an MDB_RDONLY one. */
	rc = env_open(s, dir, env_flags, mapsize);
	if ((rc == EACCES || rc == EROFS || rc == EPERM) && (flags & TRACE__STORE_READONLY)) {
		s->env_rdonly = 1;
		rc = env_open(s, dir, env_flags | MDB_RDONLY, mapsize);
	}
	if (rc) {
		int code = lmdb_fail(rc, "opening LMDB environment", dir);
		store_destroy(s);
		return code;
	}
	/* Adopt a larger map written by another process. */
	MDB_envinfo info;
	if (mdb_env_info(s->env, &info) == 0 && info.me_mapsize < mapsize)
		mdb_env_set_mapsize(s->env, (size_t)mapsize);

	s->ndb = 0;
	if ((rc = open_tables(s, 0, db_names, ndb, flags))) {
		store_destroy(s);
		return rc;
	}
	s->base = ndb;
	*out = s;
	return TRACE_OK;
}

int trace__store_open(trace__store **out, const char *dir, int flags, uint64_t mapsize,
                      const char *const *db_names, size_t ndb)
{
	struct stat st;

	*out = NULL;
	if (ndb > MAX_DBS)
		return trace__fail(TRACE_EINVAL, "store: too many databases");
	if (stat(dir, &st) != 0)
		return trace__fail_sys(errno == ENOENT ? TRACE_ENOTFOUND : TRACE_EIO, errno,
		                       "%s: %s", dir, strerror(errno));
	pthread_mutex_lock(&registry_lock);
	for (trace__store *s = registry; s; s = s->next) {
		if (s->dev != st.st_dev || s->ino != st.st_ino || s->pid != getpid())
			continue;
		int rc = TRACE_OK;
		if (s->base != ndb || (s->flags & TRACE__STORE_NOSYNC) != (flags & TRACE__STORE_NOSYNC))
			rc = trace__fail(TRACE_EINVAL, "%s is already open in this process as another kind of store", dir);
		else if (s->env_rdonly && !(flags & TRACE__STORE_READONLY))
			rc = trace__fail(TRACE_EBUSY, "%s is open read-only in this process (its files are not writable)", dir);
		else
			s->refs++;
		pthread_mutex_unlock(&registry_lock);
		if (rc == TRACE_OK)
			*out = s;
		return rc;
	}
	trace__store *s;
	int rc = store_new(&s, dir, &st, flags, mapsize, db_names, ndb);
	if (rc == TRACE_OK) {
		s->next = registry;
		registry = s;
		*out = s;
	}
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

void trace__store_close(trace__store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&registry_lock);
	if (--s->refs > 0) {
		pthread_mutex_unlock(&registry_lock);
		return;
	}
	for (trace__store **p = &registry; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
	store_destroy(s);
}

uint64_t trace__store_mapsize(const trace__store *s)
{
	MDB_envinfo info;
	if (mdb_env_info(s->env, &info))
		return 0;
	return info.me_mapsize;
}

/* Runs mdb_env_set_mapsize(@size) once no transaction of this process is
 * open on the environment (a reset spare is dropped: it keeps a reader
 * slot pointing into the old map).  Called without s->mu held. */
static int remap(trace__store *s, uint64_t size, const char *what)
{
	struct timespec until;
	int rc = 0, mine = 0;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += REMAP_WAIT_SECONDS;
	pthread_mutex_lock(&s->mu);
	while (s->remapping && rc == 0)
		rc = pthread_cond_timedwait(&s->idle, &s->mu, &until);
	if (rc == 0) {
		s->remapping = mine = 1;
		while (s->active > 0 && rc == 0)
			rc = pthread_cond_timedwait(&s->idle, &s->mu, &until);
	}
	if (rc) {
		if (mine)
			s->remapping = 0;
		pthread_cond_broadcast(&s->idle);
		pthread_mutex_unlock(&s->mu);
		return trace__fail(TRACE_EBUSY, "%s (%s): another handle in this process kept a transaction open for %d s",
		                   what, s->dir, REMAP_WAIT_SECONDS);
	}
	if (s->spare) {
		mdb_txn_abort(s->spare->txn);
		trace__free(s->spare);
		s->spare = NULL;
	}
	rc = mdb_env_set_mapsize(s->env, (size_t)size);
	s->remapping = 0;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	return rc ? lmdb_fail(rc, what, s->dir) : TRACE_OK;
}

/* Doubling from 1 MiB, 24 growths reach 16 TiB: past that, the map is not the problem. */
#define STORE_MAX_GROWTH 24

int trace__store_write(trace__store *s, int (*body)(void *ctx, trace__txn *t), void *ctx)
{
	for (int attempt = 0;; attempt++) {
		trace__txn *t;
		int rc = trace__txn_begin(&t, s, 1);
		if (rc)
			return rc;
		rc = body(ctx, t);
		if (rc == TRACE_OK)
			rc = trace__txn_commit(t);	/* frees t, also on failure */
		else
			trace__txn_abort(t);
		if (rc != TRACE__EMAPFULL)
			return rc;
		if (attempt == STORE_MAX_GROWTH)
			return trace__fail(TRACE_EIO, "%s: the LMDB map is still full after growing it %d times",
			                   s->dir, STORE_MAX_GROWTH);
		if ((rc = trace__store_grow(s)))
			return rc;
	}
}

int trace__store_grow(trace__store *s)
{
	uint64_t size = trace__store_mapsize(s);
	return remap(s, size ? size * 2 : 1 << 26, "growing the LMDB map");
}

/* Counts a transaction in, unless a remap is under way (then waits). */
static void txn_enter(trace__store *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->remapping)
		pthread_cond_wait(&s->idle, &s->mu);
	s->active++;
	pthread_mutex_unlock(&s->mu);
}

static void txn_leave(trace__store *s)
{
	pthread_mutex_lock(&s->mu);
	if (--s->active == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
}

int trace__txn_begin(trace__txn **out, trace__store *s, int write)
{
	txn_enter(s);
	if (!write) {
		/* Renewing the reset read transaction skips an allocation and the
		 * reader-table lock.  On any failure (MDB_MAP_RESIZED included),
		 * drop it and start afresh below. */
		pthread_mutex_lock(&s->mu);
		trace__txn *t = s->spare;
		s->spare = NULL;
		pthread_mutex_unlock(&s->mu);
		if (t) {
			if (mdb_txn_renew(t->txn) == 0) {
				*out = t;
				return TRACE_OK;
			}
			mdb_txn_abort(t->txn);
			trace__free(t);
		}
	}
	trace__txn *t = trace__malloc(sizeof *t);
	if (t == NULL) {
		txn_leave(s);
		return trace__oom();
	}
	t->s = s;
	t->write = write;
	unsigned f = write ? 0 : MDB_RDONLY;
	int rc = mdb_txn_begin(s->env, NULL, f, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size and retry. */
		txn_leave(s);
		int code = remap(s, 0, "adopting a grown LMDB map");
		if (code) {
			trace__free(t);
			return code;
		}
		txn_enter(s);
		rc = mdb_txn_begin(s->env, NULL, f, &t->txn);
	}
	if (rc) {
		trace__free(t);
		txn_leave(s);
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
	txn_leave(s);
	return rc ? lmdb_fail(rc, "committing", s->dir) : TRACE_OK;
}

void trace__txn_abort(trace__txn *t)
{
	if (t == NULL)
		return;
	trace__store *s = t->s;
	if (!t->write) {
		/* Keep one read transaction per store for reuse.  Reset, it holds
		 * no snapshot (writers may reuse every page) but keeps its reader
		 * slot (MDB_NOTLS) until the store closes. */
		mdb_txn_reset(t->txn);
		pthread_mutex_lock(&s->mu);
		if (s->spare == NULL && !s->remapping) {
			s->spare = t;
			t = NULL;
		}
		pthread_mutex_unlock(&s->mu);
	}
	if (t) {
		mdb_txn_abort(t->txn);
		trace__free(t);
	}
	txn_leave(s);
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
