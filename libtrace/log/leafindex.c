/*
 * log/leafindex: leaf hash -> index lookup.  Random keys would slow the
 * durable append path tenfold, so this index lives in its own NOSYNC LMDB
 * environment (DIR/index), is brought up to date from the log's tiles when a
 * lookup needs it, and is rebuilt if it is lost or disagrees with the log.
 * Every answer is checked against the log before it is returned.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/error.h"
#include "trace/log.h"
#include "log_internal.h"
#include "../crypto.h"
#include "../error_internal.h"

enum { IDX_META, IDX_LEAF, IDX_COUNT };
static const char *const idx_names[IDX_COUNT] = { "meta", "leaf" };

#define INDEX_MAPSIZE ((uint64_t)1 << 30)

static void remove_index_files(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/index/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/index/lock.mdb", dir);
	unlink(path);
}

static int open_index(trace_log *log)
{
	char path[4096];
	if (log->index || log->index_unavailable)
		return TRACE_OK;
	snprintf(path, sizeof path, "%s/index", log->dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		log->index_unavailable = 1;	/* read-only directory: scan instead */
		return TRACE_OK;
	}
	int rc = trace__store_open(&log->index, path, TRACE__STORE_NOSYNC | TRACE__STORE_CREATE,
	                           INDEX_MAPSIZE, idx_names, IDX_COUNT);
	if (rc == TRACE_ECORRUPT) {
		remove_index_files(log->dir);
		rc = trace__store_open(&log->index, path, TRACE__STORE_NOSYNC | TRACE__STORE_CREATE,
		                       INDEX_MAPSIZE, idx_names, IDX_COUNT);
	}
	if (rc == TRACE_ENOMEM) {
		log->index = NULL;	/* not the index's fault: the next call tries again */
		return rc;
	}
	if (rc) {
		log->index = NULL;
		log->index_unavailable = 1;
		trace_error_clear();
	}
	return TRACE_OK;
}

/* Indexes leaves [from, to) read from the log's tiles. */
static int index_range(trace_log *log, trace__txn *it, trace__txn *lt, uint64_t stored,
                       uint64_t from, uint64_t to)
{
	tile_reader r;
	uint8_t leaf[TRACE_HASH_MAX_SIZE], val[8];
	trace__tile_reader_init(&r, lt, log->hs, stored);
	for (uint64_t i = from; i < to; i++) {
		int rc = trace__tile_node(&r, 0, i, leaf);
		if (rc)
			return rc;
		trace__be64_put(val, i);
		rc = trace__txn_put(it, IDX_LEAF, leaf, log->hs, val, 8, TRACE__PUT_NOOVERWRITE);
		if (rc && rc != TRACE_EEXISTS)
			return rc;	/* a repeated entry keeps its first index */
	}
	return TRACE_OK;
}

struct catch_up_job {
	trace_log *log;
	trace__txn *lt;
	uint64_t stored;
	int rebuild;
};

static int catch_up_body(void *ctx, trace__txn *it)
{
	struct catch_up_job *j = ctx;
	trace_log *log = j->log;
	trace__val v;
	uint8_t root[TRACE_HASH_MAX_SIZE], meta[8 + TRACE_HASH_MAX_SIZE];
	uint64_t done = 0;
	int rc = TRACE_OK;
	if (j->rebuild)
		rc = trace__txn_drop(it, IDX_LEAF);
	else if (trace__txn_get(it, IDX_META, "indexed", 7, &v) == TRACE_OK && v.size == 8 + log->hs) {
		/* The index must describe a prefix of this very log. */
		done = trace__be64_get(v.data);
		if (done > j->stored ||
		    trace__log_root_in(log, j->lt, j->stored, done, root) != TRACE_OK ||
		    !trace__ct_equal(root, (const uint8_t *)v.data + 8, log->hs)) {
			done = 0;
			rc = trace__txn_drop(it, IDX_LEAF);
		}
	}
	if (rc == TRACE_OK && done < j->stored)
		rc = index_range(log, it, j->lt, j->stored, done, j->stored);
	if (rc == TRACE_OK && (j->rebuild || done < j->stored)) {
		trace__be64_put(meta, j->stored);
		rc = trace__log_root_in(log, j->lt, j->stored, j->stored, meta + 8);
		if (rc == TRACE_OK)
			rc = trace__txn_put(it, IDX_META, "indexed", 7, meta, 8 + log->hs, 0);
	}
	return rc;
}

/* Brings the index up to the log's size; @rebuild starts from scratch. */
static int catch_up(trace_log *log, trace__txn *lt, uint64_t stored, int rebuild)
{
	struct catch_up_job j = { log, lt, stored, rebuild };
	return trace__store_write(log->index, catch_up_body, &j);
}

static int scan_for(trace_log *log, trace__txn *lt, uint64_t stored, const uint8_t *leaf,
                    uint64_t *out)
{
	tile_reader r;
	uint8_t h[TRACE_HASH_MAX_SIZE];
	trace__tile_reader_init(&r, lt, log->hs, stored);
	for (uint64_t i = 0; i < stored; i++) {
		int rc = trace__tile_node(&r, 0, i, h);
		if (rc)
			return rc;
		if (memcmp(h, leaf, log->hs) == 0) {
			*out = i;
			return TRACE_OK;
		}
	}
	return TRACE_ENOTFOUND;
}

static int lookup(trace_log *log, trace__txn *lt, uint64_t stored, const uint8_t *leaf,
                  uint64_t *out)
{
	trace__txn *it;
	trace__val v;
	uint8_t check[TRACE_HASH_MAX_SIZE];
	int rc = trace__txn_begin(&it, log->index, 0);
	if (rc)
		return rc;
	rc = trace__txn_get(it, IDX_LEAF, leaf, log->hs, &v);
	if (rc == TRACE_OK)
		*out = v.size == 8 ? trace__be64_get(v.data) : UINT64_MAX;
	trace__txn_abort(it);
	if (rc)
		return rc;
	/* Trust the log, not the index. */
	if (*out >= stored || trace__log_leaf_in(log, lt, stored, *out, check) != TRACE_OK ||
	    memcmp(check, leaf, log->hs) != 0)
		return trace__fail(TRACE_ECORRUPT, "%s: the leaf index disagrees with the log", log->dir);
	return TRACE_OK;
}

int trace_log_find(uint64_t *index_out, trace_log *log, const uint8_t *leaf_hash, size_t len)
{
	trace__txn *lt;
	uint64_t stored;
	if (index_out == NULL || log == NULL || leaf_hash == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_find: NULL argument");
	if (len != log->hs)
		return trace__fail(TRACE_EINVAL, "leaf hash is %zu bytes, expected %zu", len, log->hs);
	int rc = trace__txn_begin(&lt, log->store, 0);
	if (rc)
		return rc;
	if ((rc = trace__log_read_size(lt, &stored)) || (rc = open_index(log)))
		goto done;
	if (log->index_unavailable) {
		rc = scan_for(log, lt, stored, leaf_hash, index_out);
	} else {
		rc = catch_up(log, lt, stored, 0);
		if (rc == TRACE_OK)
			rc = lookup(log, lt, stored, leaf_hash, index_out);
		if (rc == TRACE_ECORRUPT) {
			/* The index disagrees with the log: rebuild it from the log. */
			rc = catch_up(log, lt, stored, 1);
			if (rc == TRACE_OK)
				rc = lookup(log, lt, stored, leaf_hash, index_out);
		}
	}
	if (rc == TRACE_ENOTFOUND)
		rc = trace__fail(TRACE_ENOTFOUND, "no entry of %s has that leaf hash", log->dir);
done:
	trace__txn_abort(lt);
	return rc;
}
