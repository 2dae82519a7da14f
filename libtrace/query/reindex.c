/*
 * query/reindex: rebuilds every index from the log alone into a scratch
 * environment (a fresh DIR/reindex.XXXXXX), counts the rows that differ
 * from the live indexes, and if any do, replaces the live ones.  The
 * private side store is not derived from the log and is left alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/error.h"
#include "ledger_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define REPLAY_BATCH 20000

static int replay(trace_ledger *l, trace__store *scratch, uint64_t size);

/* Removes a scratch environment without following a symlink planted in
 * its place: only a real directory's own two files go. */
static void remove_scratch(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	unlinkat(dfd, "data.mdb", 0);
	unlinkat(dfd, "lock.mdb", 0);
	close(dfd);
	rmdir(path);
}

/* Removes scratch directories an interrupted run left in @dir. */
static void remove_leftovers(const char *dir)
{
	char path[4096];
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if ((strcmp(e->d_name, "reindex") == 0 || strncmp(e->d_name, "reindex.", 8) == 0) &&
		    snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
			remove_scratch(path);
	closedir(d);
}

int trace__ledger_rebuild(trace_ledger *l, trace__store **scratch, char *path, size_t cap, uint64_t *size)
{
	*scratch = NULL;
	int rc = trace_log_size(size, l->log);
	if (rc)
		return rc;
	if (!l->log->readonly)
		remove_leftovers(l->log->dir);
	/* mkdtemp makes a new directory or fails: nothing planted is reused. */
	const char *tmp = getenv("TMPDIR");
	if (snprintf(path, cap, "%s/reindex.XXXXXX", l->log->dir) >= (int)cap)
		return trace__fail(TRACE_EINVAL, "%s: path too long", l->log->dir);
	if (mkdtemp(path) == NULL) {
		/* A read-only ledger directory: rebuild in the temporary directory. */
		if (snprintf(path, cap, "%s/libtrace-reindex.XXXXXX", tmp && *tmp ? tmp : "/tmp") >= (int)cap ||
		    mkdtemp(path) == NULL)
			return trace__fail_sys(TRACE_EIO, errno, "cannot create a scratch directory for %s: %s",
			                       l->log->dir, strerror(errno));
	}
	rc = trace__store_open(scratch, path, TRACE__STORE_NOSYNC | TRACE__STORE_CREATE,
	                       (uint64_t)1 << 30, trace__log_db_names, DB_LOG_COUNT);
	if (rc == TRACE_OK)
		rc = trace__index_attach(*scratch, TRACE__STORE_CREATE);
	if (rc == TRACE_OK)
		rc = replay(l, *scratch, *size);
	if (rc) {
		trace__store_close(*scratch);
		*scratch = NULL;
		remove_scratch(path);
	}
	return rc;
}

void trace__ledger_rebuild_done(trace__store *scratch, const char *path)
{
	trace__store_close(scratch);
	remove_scratch(path);
}

struct replay_batch {
	trace_ledger *l;
	uint64_t from, to;
};

static int replay_body(void *ctx, trace__txn *st)
{
	struct replay_batch *j = ctx;
	trace__txn *lt;
	int rc = trace__ledger_read(j->l, &lt);
	if (rc)
		return rc;
	trace__indexer ix;
	trace__indexer_init(&ix, st, &j->l->params);
	ix.entries = lt;	/* entries are read from the live store */
	ix.hasher = j->l->log->hasher;
	for (uint64_t i = j->from; i < j->to && rc == TRACE_OK; i++) {
		uint8_t key[8];
		trace__val v;
		trace_event *ev = NULL;
		trace__be64_put(key, i);
		if ((rc = trace__txn_get(lt, DB_ENTRIES, key, 8, &v)))
			break;
		if ((rc = trace_event_decode(&ev, v.data, v.size))) {
			trace__error_prefix("reindex: entry %llu", (unsigned long long)i);
			rc = trace__error_stored(rc);
			break;
		}
		rc = trace__index_event(&ix, ev, i);
		trace_event_free(ev);
	}
	if (rc == TRACE_OK)
		rc = trace__indexer_finish(&ix);
	trace__txn_abort(lt);
	return rc;
}

/* Replays the log's first @size entries into the scratch store, a batch per transaction. */
static int replay(trace_ledger *l, trace__store *scratch, uint64_t size)
{
	for (uint64_t from = 0; from < size; from += REPLAY_BATCH) {
		struct replay_batch j = { l, from, from + REPLAY_BATCH < size ? from + REPLAY_BATCH : size };
		int rc = trace__store_write(scratch, replay_body, &j);
		if (rc)
			return rc;
	}
	return TRACE_OK;
}

static int same(const trace__val *a, const trace__val *b)
{
	return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

/* Rows of @db that differ between the two stores (missing, extra or changed). */
static int compare_db(trace__txn *a, trace__txn *b, int db, uint64_t *diff)
{
	trace__cursor *ca, *cb;
	int rc = trace__cursor_open(&ca, a, db);
	if (rc)
		return rc;
	if ((rc = trace__cursor_open(&cb, b, db))) {
		trace__cursor_close(ca);
		return rc;
	}
	trace__val ka = { NULL, 0 }, va, kb = { NULL, 0 }, vb;
	int ra = trace__cursor_get(ca, TRACE__CUR_FIRST, &ka, &va);
	int rb = trace__cursor_get(cb, TRACE__CUR_FIRST, &kb, &vb);
	while ((ra == TRACE_OK || rb == TRACE_OK)) {
		int order;
		if (ra != TRACE_OK)
			order = 1;
		else if (rb != TRACE_OK)
			order = -1;
		else {
			size_t n = ka.size < kb.size ? ka.size : kb.size;
			order = memcmp(ka.data, kb.data, n);
			if (order == 0)
				order = ka.size < kb.size ? -1 : ka.size > kb.size;
		}
		if (order != 0 || !same(&va, &vb))
			(*diff)++;
		if (order <= 0)
			ra = trace__cursor_get(ca, TRACE__CUR_NEXT, &ka, &va);
		if (order >= 0)
			rb = trace__cursor_get(cb, TRACE__CUR_NEXT, &kb, &vb);
	}
	trace__cursor_close(ca);
	trace__cursor_close(cb);
	if (ra != TRACE_ENOTFOUND && ra != TRACE_OK)
		return ra;
	return rb != TRACE_ENOTFOUND && rb != TRACE_OK ? rb : TRACE_OK;
}

static int install_body(void *ctx, trace__txn *live)
{
	trace__txn *st;
	int rc = trace__txn_begin(&st, ctx, 0);
	if (rc)
		return rc;
	for (int db = DB_FIRST_INDEX; db <= DB_RECALLS && rc == TRACE_OK; db++) {
		trace__cursor *c;
		trace__val k = { NULL, 0 }, v;
		if ((rc = trace__txn_drop(live, db)) || (rc = trace__cursor_open(&c, st, db)))
			break;
		for (rc = trace__cursor_get(c, TRACE__CUR_FIRST, &k, &v); rc == TRACE_OK;
		     rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v))
			if ((rc = trace__txn_put(live, db, k.data, k.size, v.data, v.size, TRACE__PUT_APPEND)))
				break;
		trace__cursor_close(c);
		if (rc == TRACE_ENOTFOUND)
			rc = TRACE_OK;
	}
	trace__val v;
	if (rc == TRACE_OK && trace__txn_get(st, DB_META, "next_code_id", 12, &v) == TRACE_OK)
		rc = trace__txn_put(live, DB_META, "next_code_id", 12, v.data, v.size, 0);
	trace__txn_abort(st);
	return rc;
}

/* Replaces the live index databases with the rebuilt ones. */
static int install(trace_ledger *l, trace__store *scratch)
{
	return trace__store_write(trace__log_store(l->log), install_body, scratch);
}

int trace_ledger_reindex(trace_ledger *l, uint64_t *differences)
{
	char path[4096];
	trace__store *scratch = NULL;
	uint64_t size, diff = 0;
	if (l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_reindex: NULL ledger");
	if (l->log->readonly)
		return trace__fail(TRACE_EINVAL, "%s is open read-only", l->log->dir);
	int rc = trace__ledger_rebuild(l, &scratch, path, sizeof path, &size);
	if (rc)
		return rc;
	trace__txn *live, *st;
	if ((rc = trace__ledger_read(l, &live)) == TRACE_OK) {
		if ((rc = trace__txn_begin(&st, scratch, 0)) == TRACE_OK) {
			for (int db = DB_FIRST_INDEX; db <= DB_RECALLS && rc == TRACE_OK; db++)
				rc = compare_db(live, st, db, &diff);
			trace__txn_abort(st);
		}
		trace__txn_abort(live);
	}
	if (rc == TRACE_OK && diff)
		rc = install(l, scratch);
	trace__ledger_rebuild_done(scratch, path);
	if (rc == TRACE_OK && differences)
		*differences = diff;
	return rc;
}
