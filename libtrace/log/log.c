/*
 * log/log: the append-only Merkle log.  One LMDB environment per directory
 * holds entries, tiles, checkpoints and metadata (docs/FORMAT.md); appends
 * are one durable transaction; a lock file keeps a second writer out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trace/error.h"
#include "trace/log.h"
#include "trace/note.h"
#include "log_internal.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"
#include "../util/text.h"

#define FORMAT_VERSION "1"
#define DEFAULT_MAPSIZE ((uint64_t)1 << 30)

const char *const trace__log_db_names[DB_LOG_COUNT] = { "meta", "entries", "tiles", "checkpoints" };
#define db_names trace__log_db_names

trace__store *trace__log_store(trace_log *log)
{
	return log->store;
}

int trace_log_opts_new(trace_log_opts **out)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_opts_new: out is NULL");
	*out = trace__calloc(1, sizeof **out);
	if (*out == NULL)
		return trace__oom();
	(*out)->kind = TRACE_LOG_RAW;
	(*out)->mapsize = DEFAULT_MAPSIZE;
	return TRACE_OK;
}

void trace_log_opts_free(trace_log_opts *o)
{
	trace__free(o);
}

int trace_log_opts_set_busy_timeout(trace_log_opts *o, int64_t ms)
{
	if (o == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_opts_set_busy_timeout: NULL options");
	if (ms < TRACE_BUSY_TIMEOUT_MIN || ms > TRACE_BUSY_TIMEOUT_MAX)
		return trace__fail(TRACE_EINVAL, "busy timeout of %lld ms is outside 0 to %lld ms",
		                   (long long)ms, (long long)TRACE_BUSY_TIMEOUT_MAX);
	o->busy_timeout_ms = ms;
	return TRACE_OK;
}

int64_t trace_log_opts_get_busy_timeout(const trace_log_opts *o)
{
	return o ? o->busy_timeout_ms : 0;
}

int trace_log_opts_set_mapsize(trace_log_opts *o, uint64_t bytes)
{
	if (o == NULL || bytes < ((uint64_t)1 << 20) || bytes > ((uint64_t)1 << 46))
		return trace__fail(TRACE_EINVAL, "map size must be between 1 MiB and 64 TiB");
	o->mapsize = bytes;
	return TRACE_OK;
}

int trace_log_opts_set_kind(trace_log_opts *o, int kind)
{
	if (o == NULL || (kind != TRACE_LOG_RAW && kind != TRACE_LOG_EVENTS))
		return trace__fail(TRACE_EINVAL, "log kind must be TRACE_LOG_RAW or TRACE_LOG_EVENTS");
	o->kind = kind;
	return TRACE_OK;
}

/* Takes the writer lock, retrying until @timeout_ms has passed: a second
 * writer waits for the first (as SQLite's busy timeout) or is refused. */
static int take_writer_lock(trace_log *log, int64_t timeout_ms)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/writer.lock", log->dir);
	log->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (log->lock_fd < 0)
		return trace__fail_sys(TRACE_EIO, errno, "cannot open %s: %s", path, strerror(errno));
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long pause_us = 1000;
	for (;;) {
		if (flock(log->lock_fd, LOCK_EX | LOCK_NB) == 0)
			return TRACE_OK;
		int e = errno;
		if (e == EINTR)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t waited = (int64_t)(now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (e != EWOULDBLOCK || waited >= timeout_ms) {
			close(log->lock_fd);
			log->lock_fd = -1;
			if (e == EWOULDBLOCK)
				return trace__fail(TRACE_EBUSY, "another writer holds %s's writer lock%s", log->dir,
				                   timeout_ms > 0 ? " (waited the whole busy timeout)" : "");
			return trace__fail_sys(TRACE_EIO, e, "cannot lock %s: %s", path, strerror(e));
		}
		int64_t left_us = (timeout_ms - waited) * 1000;
		usleep((useconds_t)(pause_us < left_us ? pause_us : left_us));
		if (pause_us < 50000)
			pause_us *= 2;
	}
}

void trace_log_close(trace_log *log)
{
	if (log == NULL)
		return;
	trace__store_close(log->index);
	trace__store_close(log->store);
	if (log->lock_fd >= 0)
		close(log->lock_fd);	/* releases the writer lock */
	trace__tiles_builder_free(&log->builder);
	trace_hasher_free(log->hasher);
	trace_verifier_free(log->verifier);
	trace__free(log->origin);
	trace__free(log->vkey);
	trace__free(log->dir);
	trace__free(log);
}

static int log_new(trace_log **out, const char *dir)
{
	trace_log *log = trace__calloc(1, sizeof *log);
	*out = NULL;
	if (log == NULL)
		return trace__oom();
	log->lock_fd = -1;
	if ((log->dir = trace__strdup(dir)) == NULL) {
		trace__free(log);
		return trace__oom();
	}
	*out = log;
	return TRACE_OK;
}

static int meta_get_text(trace__txn *t, const char *key, char **out)
{
	trace__val v;
	int rc = trace__txn_get(t, DB_META, key, strlen(key), &v);
	if (rc == TRACE_ENOTFOUND)
		return trace__fail(TRACE_ECORRUPT, "log metadata has no \"%s\"", key);
	if (rc)
		return rc;
	*out = trace__strndup(v.data, v.size);
	return *out ? TRACE_OK : trace__oom();
}

static int meta_put_text(trace__txn *t, const char *key, const char *value)
{
	return trace__txn_put(t, DB_META, key, strlen(key), value, strlen(value), 0);
}

int trace__log_read_size(trace__txn *txn, uint64_t *out)
{
	trace__val v;
	int rc = trace__txn_get(txn, DB_META, "size", 4, &v);
	if (rc == TRACE_ENOTFOUND || (rc == TRACE_OK && v.size != 8))
		return trace__fail(TRACE_ECORRUPT, "log metadata has no valid \"size\"");
	if (rc)
		return rc;
	*out = trace__be64_get(v.data);
	return TRACE_OK;
}

/* An origin is one non-empty line of UTF-8 without control characters. */
static int origin_ok(const char *origin)
{
	size_t len = strlen(origin);
	if (len == 0 || trace__utf8_invalid_at((const uint8_t *)origin, len) != (size_t)-1)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)origin[i] < 0x20 || origin[i] == 0x7f)
			return 0;
	return 1;
}

static const char *kind_name(int kind)
{
	return kind == TRACE_LOG_EVENTS ? "events" : "raw";
}

/* Loads metadata into the handle and prepares hashing. */
static int load_meta(trace_log *log)
{
	trace__txn *t;
	char *format = NULL, *suite = NULL, *kind = NULL;
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	if ((rc = meta_get_text(t, "format", &format)) ||
	    (rc = meta_get_text(t, "suite", &suite)) ||
	    (rc = meta_get_text(t, "kind", &kind)) ||
	    (rc = meta_get_text(t, "origin", &log->origin)) ||
	    (rc = meta_get_text(t, "vkey", &log->vkey)))
		goto done;
	if (strcmp(format, FORMAT_VERSION) != 0) {
		rc = trace__fail(TRACE_EUNSUPPORTED, "%s has storage format %s; this libtrace reads format " FORMAT_VERSION,
		                 log->dir, format);
		goto done;
	}
	log->suite = 0;
	for (int id = 1; id < 8; id++) {
		const trace__suite_info *info = trace__suite_info_get(id);
		if (info && strcmp(info->name, suite) == 0)
			log->suite = id;
	}
	if (log->suite == 0) {
		rc = trace__fail(TRACE_EUNSUPPORTED, "%s uses algorithm suite \"%s\", unknown to this libtrace", log->dir, suite);
		goto done;
	}
	if (strcmp(kind, "raw") == 0)
		log->kind = TRACE_LOG_RAW;
	else if (strcmp(kind, "events") == 0)
		log->kind = TRACE_LOG_EVENTS;
	else {
		rc = trace__fail(TRACE_EUNSUPPORTED, "%s is a log of kind \"%s\", unknown to this libtrace", log->dir, kind);
		goto done;
	}
	if ((rc = trace_verifier_new(&log->verifier, log->vkey)) ||
	    (rc = trace_hasher_new(&log->hasher, log->suite)))
		goto done;
	log->hs = trace_hasher_size(log->hasher);
	rc = trace__tiles_builder_init(&log->builder, log->hasher);
done:
	trace__txn_abort(t);
	trace__free(format);
	trace__free(suite);
	trace__free(kind);
	return rc;
}

struct new_meta {
	int kind;
	const char *origin, *vkey;
};

static int write_new_meta(void *ctx, trace__txn *t)
{
	const struct new_meta *m = ctx;
	static const uint8_t zero[8];
	const trace__suite_info *suite = trace__suite_info_get(TRACE_SUITE_SHA256_ED25519);
	int rc;
	if ((rc = meta_put_text(t, "format", FORMAT_VERSION)) ||
	    (rc = meta_put_text(t, "suite", suite->name)) ||
	    (rc = meta_put_text(t, "kind", kind_name(m->kind))) ||
	    (rc = meta_put_text(t, "origin", m->origin)) ||
	    (rc = meta_put_text(t, "vkey", m->vkey)))
		return rc;
	return trace__txn_put(t, DB_META, "size", 4, zero, 8, 0);
}

int trace_log_create(trace_log **out, const char *dir, const char *origin, const char *vkey,
                     const trace_log_opts *opts)
{
	trace_log *log;
	trace_verifier *v = NULL;
	char path[4096];
	int rc;

	if (out == NULL || dir == NULL || origin == NULL || vkey == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_create: NULL argument");
	*out = NULL;
	if (!origin_ok(origin))
		return trace__fail(TRACE_EINVAL, "origin \"%s\" must be one non-empty line of printable UTF-8", origin);
	if ((rc = trace_verifier_new(&v, vkey)))
		return rc;
	int type = trace_verifier_type(v);
	/* Verifiers look a log's key up by its origin (tlog-policy), so they must match. */
	int name_matches = strcmp(trace_verifier_name(v), origin) == 0;
	trace_verifier_free(v);
	if (type != TRACE_KEY_ED25519)
		return trace__fail(TRACE_EINVAL, "a log's checkpoints are signed with an Ed25519 (type 0x01) key, not type 0x%02x", type);
	if (!name_matches)
		return trace__fail(TRACE_EINVAL, "the key's name must be the origin \"%s\" (verifiers find a log's key by its origin)", origin);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return trace__fail_sys(TRACE_EIO, errno, "cannot create %s: %s", dir, strerror(errno));
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	if (access(path, F_OK) == 0)
		return trace__fail(TRACE_EEXISTS, "%s already holds a log", dir);
	if ((rc = log_new(&log, dir)))
		return rc;
	int created = 0;
	if ((rc = take_writer_lock(log, opts ? opts->busy_timeout_ms : 0)))
		goto fail;
	/* Checked again under the writer lock: another creator may have won. */
	if (access(path, F_OK) == 0) {
		rc = trace__fail(TRACE_EEXISTS, "%s already holds a log", dir);
		goto fail;
	}
	created = 1;
	if ((rc = trace__store_open(&log->store, dir, TRACE__STORE_CREATE,
	                            opts ? opts->mapsize : DEFAULT_MAPSIZE, db_names, DB_LOG_COUNT)))
		goto fail;
	struct new_meta m = { opts ? opts->kind : TRACE_LOG_RAW, origin, vkey };
	if ((rc = trace__store_write(log->store, write_new_meta, &m)) || (rc = load_meta(log)))
		goto fail;
	*out = log;
	return TRACE_OK;
fail:
	trace__store_close(log->store);
	log->store = NULL;
	if (created) {
		/* Leave no half-made log behind: a later create would say "exists". */
		unlink(path);
		snprintf(path, sizeof path, "%s/lock.mdb", dir);
		unlink(path);
	}
	trace_log_close(log);
	return rc;
}

int trace_log_open(trace_log **out, const char *dir, unsigned flags, const trace_log_opts *opts)
{
	trace_log *log;
	char path[4096];
	int rc;

	if (out == NULL || dir == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_open: NULL argument");
	*out = NULL;
	if (flags & ~(unsigned)TRACE_OPEN_WRITE)
		return trace__fail(TRACE_EINVAL, "trace_log_open: unknown flags 0x%x", flags & ~(unsigned)TRACE_OPEN_WRITE);
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	if (access(path, F_OK) != 0)
		return trace__fail(TRACE_ENOTFOUND, "%s holds no log (no data.mdb)", dir);
	if ((rc = log_new(&log, dir)))
		return rc;
	log->readonly = !(flags & TRACE_OPEN_WRITE);
	if ((!log->readonly && (rc = take_writer_lock(log, opts ? opts->busy_timeout_ms : 0))) ||
	    (rc = trace__store_open(&log->store, dir, log->readonly ? TRACE__STORE_READONLY : TRACE__STORE_ADD_MISSING,
	                            opts ? opts->mapsize : DEFAULT_MAPSIZE, db_names, DB_LOG_COUNT)) ||
	    (rc = load_meta(log))) {
		trace_log_close(log);
		return rc;
	}
	*out = log;
	return TRACE_OK;
}

const char *trace_log_origin(const trace_log *log) { return log ? log->origin : NULL; }
const char *trace_log_vkey(const trace_log *log) { return log ? log->vkey : NULL; }
int trace_log_kind(const trace_log *log) { return log ? log->kind : 0; }
int trace_log_suite(const trace_log *log) { return log ? log->suite : 0; }

int trace_log_size(uint64_t *out, trace_log *log)
{
	trace__txn *t;
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_size: NULL argument");
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	rc = trace__log_read_size(t, out);
	trace__txn_abort(t);
	return rc;
}

/* Tile sink of an append: tiles go into the write transaction. */
static int sink_store(void *ctx, unsigned level, uint64_t n, unsigned width,
                      const uint8_t *packed, size_t len)
{
	uint8_t key[TILE_KEY_SIZE];
	void *where;
	(void)width;
	trace__tile_key(key, level, n);
	int rc = trace__txn_reserve(ctx, DB_TILES, key, sizeof key, len, &where);
	if (rc == TRACE_OK)
		memcpy(where, packed, len);
	return rc;
}

static int sink_load(void *ctx, unsigned level, uint64_t n, unsigned width,
                     const uint8_t **packed, size_t *len)
{
	uint8_t key[TILE_KEY_SIZE];
	trace__val v;
	(void)width;
	trace__tile_key(key, level, n);
	int rc = trace__txn_get(ctx, DB_TILES, key, sizeof key, &v);
	if (rc == TRACE_ENOTFOUND)
		return trace__fail(TRACE_ECORRUPT, "tile %u/%llu is missing", level, (unsigned long long)n);
	if (rc == TRACE_OK) {
		*packed = v.data;
		*len = v.size;
	}
	return rc;
}

struct append_job {
	trace_log *log;
	const uint8_t *const *entries;
	const size_t *lens;
	size_t n;
	const uint8_t *leaves;
	const trace__append_hook *hook;
	uint64_t first;
};

static int append_body(void *ctx, trace__txn *t)
{
	struct append_job *j = ctx;
	trace_log *log = j->log;
	uint64_t size = 0;
	uint8_t key[8];
	tile_sink sink = { sink_store, sink_load, t };
	trace__tiles_builder_reset(&log->builder, &sink);
	int rc = trace__log_read_size(t, &size);
	for (size_t i = 0; i < j->n && rc == TRACE_OK; i++) {
		trace__be64_put(key, size + i);
		if ((rc = trace__txn_put(t, DB_ENTRIES, key, 8, j->entries[i], j->lens[i], TRACE__PUT_APPEND)) == TRACE_OK)
			rc = trace__tiles_add_leaf(&log->builder, size + i, j->leaves + i * log->hs);
	}
	if (rc == TRACE_OK)
		rc = trace__tiles_flush(&log->builder);
	if (rc == TRACE_OK && j->hook)
		rc = j->hook->run(j->hook->ctx, t, size);
	trace__be64_put(key, size + j->n);
	if (rc == TRACE_OK)
		rc = trace__txn_put(t, DB_META, "size", 4, key, 8, 0);
	/* Tiles loaded through this transaction die with it. */
	trace__tiles_builder_reset(&log->builder, NULL);
	j->first = size;
	return rc;
}

int trace__log_append_entries(trace_log *log, uint64_t *first, const uint8_t *const *entries,
                              const size_t *lens, size_t n, const trace__append_hook *hook)
{
	if (log->readonly)
		return trace__fail(TRACE_EINVAL, "%s is open read-only", log->dir);
	for (size_t i = 0; i < n; i++) {
		if (lens[i] > TRACE_LOG_MAX_ENTRY)
			return trace__fail(TRACE_ELIMIT, "entry %zu of the batch is %zu bytes; the limit is %d",
			                   i, lens[i], TRACE_LOG_MAX_ENTRY);
		if (entries[i] == NULL && lens[i])
			return trace__fail(TRACE_EINVAL, "entry %zu of the batch is NULL", i);
	}
	if (n == 0)
		return TRACE_OK;
	/* Hash outside the transaction: the writer holds LMDB's lock briefly. */
	uint8_t *leaves = trace__malloc(n * log->hs);
	if (leaves == NULL)
		return trace__oom();
	int rc = TRACE_OK;
	for (size_t i = 0; i < n && rc == TRACE_OK; i++)
		rc = trace_merkle_leaf_hash(leaves + i * log->hs, log->hs, log->hasher, entries[i], lens[i]);
	struct append_job job = { log, entries, lens, n, leaves, hook, 0 };
	if (rc == TRACE_OK)
		rc = trace__store_write(log->store, append_body, &job);
	if (rc == TRACE_OK && first)
		*first = job.first;
	trace__free(leaves);
	return rc;
}

int trace_log_append(uint64_t *first_index, trace_log *log, const uint8_t *const *entries,
                     const size_t *lens, size_t n)
{
	if (log == NULL || (n && (entries == NULL || lens == NULL)))
		return trace__fail(TRACE_EINVAL, "trace_log_append: NULL argument");
	if (log->kind != TRACE_LOG_RAW)
		return trace__fail(TRACE_EINVAL, "%s is an event ledger: append events through the event API", log->dir);
	return trace__log_append_entries(log, first_index, entries, lens, n, NULL);
}

int trace_log_entry(trace_buf *out, trace_log *log, uint64_t index)
{
	trace__txn *t;
	trace__val v;
	uint8_t key[8];
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_entry: NULL argument");
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	trace__be64_put(key, index);
	rc = trace__txn_get(t, DB_ENTRIES, key, 8, &v);
	if (rc == TRACE_ENOTFOUND)	/* keys are dense: a missing one is past the end */
		rc = trace__fail(TRACE_ERANGE, "%s has no entry %llu", log->dir, (unsigned long long)index);
	if (rc == TRACE_OK) {
		out->ptr = trace__memdup(v.data, v.size);
		out->size = v.size;
		if (out->ptr == NULL)
			rc = trace__oom();
	}
	trace__txn_abort(t);
	return rc;
}

int trace__log_leaf_in(trace_log *log, trace__txn *txn, uint64_t stored_size, uint64_t index,
                       uint8_t *out)
{
	tile_reader r;
	if (index >= stored_size)
		return trace__fail(TRACE_ERANGE, "%s has no entry %llu (size %llu)", log->dir,
		                   (unsigned long long)index, (unsigned long long)stored_size);
	trace__tile_reader_init(&r, txn, log->hs, stored_size);
	return trace__tile_node(&r, 0, index, out);
}

int trace_log_leaf_hash(uint8_t *out, size_t out_len, trace_log *log, uint64_t index)
{
	trace__txn *t;
	uint64_t size;
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_leaf_hash: NULL argument");
	if (out_len < log->hs)
		return trace__fail(TRACE_EBUFS, "leaf hash needs %zu bytes", log->hs);
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	if ((rc = trace__log_read_size(t, &size)) == TRACE_OK)
		rc = trace__log_leaf_in(log, t, size, index, out);
	trace__txn_abort(t);
	return rc;
}

int trace__log_root_in(trace_log *log, trace__txn *txn, uint64_t stored_size, uint64_t size,
                       uint8_t *out)
{
	tile_reader r;
	if (size > stored_size)
		return trace__fail(TRACE_EINVAL, "size %llu is beyond the log's %llu entries",
		                   (unsigned long long)size, (unsigned long long)stored_size);
	if (size == 0)
		return trace__hash3(log->hasher, out, NULL, 0, NULL, 0, NULL, 0);
	trace__tile_reader_init(&r, txn, log->hs, stored_size);
	trace__node_source src = { trace__tile_node, &r };
	return trace__subtree_hash(log->hasher, &src, 0, size, out);
}

int trace_log_root(uint8_t *out, size_t out_len, trace_log *log, uint64_t size)
{
	trace__txn *t;
	uint64_t stored;
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_root: NULL argument");
	if (out_len < log->hs)
		return trace__fail(TRACE_EBUFS, "root needs %zu bytes", log->hs);
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	if ((rc = trace__log_read_size(t, &stored)) == TRACE_OK)
		rc = trace__log_root_in(log, t, stored, size, out);
	trace__txn_abort(t);
	return rc;
}

static int proof_in(trace_log *log, trace__sbuf *b, int consistency, uint64_t a, uint64_t size)
{
	trace__txn *t;
	uint64_t stored;
	tile_reader r;
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	if ((rc = trace__log_read_size(t, &stored)))
		goto done;
	if (size > stored) {
		rc = trace__fail(TRACE_EINVAL, "size %llu is beyond the log's %llu entries",
		                 (unsigned long long)size, (unsigned long long)stored);
		goto done;
	}
	trace__tile_reader_init(&r, t, log->hs, stored);
	trace__node_source src = { trace__tile_node, &r };
	rc = consistency ? trace__consistency_path(b, log->hasher, &src, a, size)
	                 : trace__inclusion_path(b, log->hasher, &src, a, size);
done:
	trace__txn_abort(t);
	return rc;
}

int trace_log_inclusion_proof(trace_buf *out, trace_log *log, uint64_t index, uint64_t size)
{
	trace__sbuf b = TRACE__SBUF_INIT;
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_inclusion_proof: NULL argument");
	if (index >= size)
		return trace__fail(TRACE_ERANGE, "index %llu is not below size %llu",
		                   (unsigned long long)index, (unsigned long long)size);
	int rc = proof_in(log, &b, 0, index, size);
	if (rc) {
		trace__sbuf_free(&b);
		return rc;
	}
	return trace__sbuf_finish(&b, out);
}

int trace_log_consistency_proof(trace_buf *out, trace_log *log, uint64_t size1, uint64_t size2)
{
	trace__sbuf b = TRACE__SBUF_INIT;
	if (out == NULL || log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_consistency_proof: NULL argument");
	if (size1 == 0 || size1 > size2)
		return trace__fail(TRACE_EINVAL, "consistency proof needs 0 < size1 <= size2, got %llu and %llu",
		                   (unsigned long long)size1, (unsigned long long)size2);
	int rc = proof_in(log, &b, 1, size1, size2);
	if (rc) {
		trace__sbuf_free(&b);
		return rc;
	}
	return trace__sbuf_finish(&b, out);
}
