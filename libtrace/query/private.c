/*
 * query/private: the erasable side store of private fields (docs/FORMAT.md
 * §2.9.2).  An event's cleartext values are sealed with AES-256-GCM under a
 * key of that event alone, kept in a fixed slot of DIR/private.keys; the
 * sealed rows live in the LMDB database `private`.  LMDB copies pages on
 * write and leaves old copies in its file, so deleting a row could never
 * promise erasure; overwriting the 32-byte key in place does: every copy of
 * the rows becomes unreadable (crypto-shredding).  A value read back is
 * attached to its event only after it reproduces the logged commitment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/error.h"
#include "ledger_internal.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"

#define SALT_LEN 16	/* FORMAT.md §3.10.5 */
#define KEY_LEN TRACE__AEAD_KEY
#define ROW_KEY 10	/* u64be event index ‖ u16be field number */

static void row_key(uint8_t k[ROW_KEY], uint64_t index, size_t field)
{
	trace__be64_put(k, index);
	k[8] = (uint8_t)(field >> 8);
	k[9] = (uint8_t)field;
}

static int keys_fail(trace_ledger *l, const char *what)
{
	return trace__fail_sys(TRACE_EIO, errno, "%s %s/private.keys: %s", what, l->log->dir,
	                       strerror(errno));
}

/* Opens DIR/private.keys (creating it when @create); ENOTFOUND if absent. */
static int keys_open(trace_ledger *l, int create)
{
	if (l->keys_fd >= 0)
		return TRACE_OK;
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/private.keys", l->log->dir) >= sizeof path)
		return trace__fail(TRACE_ELIMIT, "ledger path too long");
	if (l->log->readonly) {
		l->keys_fd = open(path, O_RDONLY | O_CLOEXEC);
	} else {
		l->keys_fd = open(path, O_RDWR | O_CLOEXEC);
		if (l->keys_fd < 0 && errno == ENOENT && create) {
			/* A new file: its directory entry is synced too, before any key counts on it. */
			l->keys_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			int dfd = l->keys_fd >= 0 ? open(l->log->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
			int bad = l->keys_fd >= 0 && (dfd < 0 || fsync(dfd) != 0);
			if (dfd >= 0)
				close(dfd);
			if (bad) {
				close(l->keys_fd);
				l->keys_fd = -1;
				return keys_fail(l, "cannot sync the directory of");
			}
		}
	}
	if (l->keys_fd < 0)
		return errno == ENOENT ? TRACE_ENOTFOUND : keys_fail(l, "cannot open");
	return TRACE_OK;
}

void trace__private_close(trace_ledger *l)
{
	if (l->keys_fd >= 0)
		close(l->keys_fd);
	l->keys_fd = -1;
}

static int keys_write(trace_ledger *l, uint64_t index, const uint8_t key[KEY_LEN])
{
	off_t at = (off_t)(index * KEY_LEN);
	if (index > (uint64_t)INT64_MAX / KEY_LEN)
		return trace__fail(TRACE_ELIMIT, "event index %llu too large for the key file", (unsigned long long)index);
	if (pwrite(l->keys_fd, key, KEY_LEN, at) != KEY_LEN)
		return keys_fail(l, "cannot write");
	l->keys_dirty = 1;
	return TRACE_OK;
}

/* The key of event @index: TRACE_OK; ENOTFOUND for a slot of zeros (erased, or
 * never written inside the file); TRACE_EBUFS when the file is absent or ends
 * before the slot, so that the caller can tell a lost key file from erasure. */
static int keys_read(trace_ledger *l, uint64_t index, uint8_t key[KEY_LEN])
{
	static const uint8_t zero[KEY_LEN];
	int rc = keys_open(l, 0);
	if (rc == TRACE_ENOTFOUND)
		return TRACE_EBUFS;
	if (rc)
		return rc;
	ssize_t n = pread(l->keys_fd, key, KEY_LEN, (off_t)(index * KEY_LEN));
	if (n < 0)
		return keys_fail(l, "cannot read");
	if (n != KEY_LEN)
		return TRACE_EBUFS;
	return memcmp(key, zero, KEY_LEN) == 0 ? TRACE_ENOTFOUND : TRACE_OK;
}

int trace__private_sync(trace_ledger *l)
{
	if (!l->keys_dirty)
		return TRACE_OK;
	if (fdatasync(l->keys_fd) != 0)
		return keys_fail(l, "cannot sync");
	l->keys_dirty = 0;
	return TRACE_OK;
}

int trace__private_store(trace_ledger *l, trace__txn *txn, const trace_event *ev, uint64_t index)
{
	uint8_t key[KEY_LEN];
	int have_key = 0, rc = TRACE_OK;
	for (size_t i = 0; rc == TRACE_OK && i < trace_event_private_count(ev); i++) {
		const char *name, *value;
		const uint8_t *salt;
		size_t salt_len;
		if (trace_event_private(ev, i, &name, &value, &salt, &salt_len) != TRACE_OK || value == NULL)
			continue;	/* a commitment without cleartext (a decoded event) */
		size_t vlen = strlen(value), plen = SALT_LEN + vlen;
		if (vlen > 60000) {
			rc = trace__fail(TRACE_ELIMIT, "private field %s is too long for the side store", name);
			break;
		}
		if (!have_key) {
			/* A retried transaction draws a new key; the last one written is the one committed. */
			if ((rc = trace__random(key, KEY_LEN)) || (rc = keys_open(l, 1)) || (rc = keys_write(l, index, key)))
				break;
			have_key = 1;
		}
		uint8_t k[ROW_KEY], *plain = trace__malloc(plen), *sealed = trace__malloc(plen + TRACE__AEAD_OVERHEAD);
		if (plain == NULL || sealed == NULL) {
			rc = trace__oom();
		} else {
			row_key(k, index, i);
			memcpy(plain, salt, SALT_LEN);
			memcpy(plain + SALT_LEN, value, vlen);
			if ((rc = trace__aead_seal(sealed, key, k, ROW_KEY, plain, plen)) == TRACE_OK)
				rc = trace__txn_put(txn, DB_PRIVATE, k, ROW_KEY, sealed, plen + TRACE__AEAD_OVERHEAD, 0);
			trace__memzero(plain, plen);
		}
		trace__free(plain);
		trace__free(sealed);
	}
	trace__memzero(key, sizeof key);
	return rc;
}

/* Attaches field @i's stored value to @ev, if the store still holds it. */
static int reveal(trace_event *ev, trace__txn *t, const uint8_t key[KEY_LEN], uint64_t index, size_t i)
{
	uint8_t k[ROW_KEY];
	trace__val v;
	row_key(k, index, i);
	int rc = trace__txn_get(t, DB_PRIVATE, k, ROW_KEY, &v);
	if (rc == TRACE_ENOTFOUND)
		return TRACE_OK;
	if (rc)
		return rc;
	if (v.size < TRACE__AEAD_OVERHEAD + SALT_LEN)
		return trace__fail(TRACE_ECORRUPT, "side store row of event %llu field %zu is damaged",
		                   (unsigned long long)index, i);
	size_t plen = v.size - TRACE__AEAD_OVERHEAD;
	uint8_t *plain = trace__malloc(plen + 1);
	if (plain == NULL)
		return trace__oom();
	if ((rc = trace__aead_open(plain, key, k, ROW_KEY, v.data, v.size)) == TRACE_OK) {
		plain[plen] = 0;
		if (memchr(plain + SALT_LEN, 0, plen - SALT_LEN) != NULL)
			rc = trace__fail(TRACE_ECORRUPT, "side store value holds a NUL");
		else
			rc = trace_event_reveal_private(ev, i, (const char *)plain + SALT_LEN, plain, SALT_LEN);
	}
	trace__memzero(plain, plen);
	trace__free(plain);
	if (rc != TRACE_OK && rc != TRACE_ENOMEM) {
		trace__error_prefix("side store of event %llu", (unsigned long long)index);
		trace__error_recode(rc = TRACE_ECORRUPT);
	}
	return rc;
}

int trace_ledger_event_private(trace_event **out, trace_ledger *l, uint64_t index)
{
	uint8_t key[KEY_LEN];
	trace__txn *t;
	int rc = trace_ledger_event(out, l, index);
	if (rc || trace_event_private_count(*out) == 0)
		return rc;
	rc = keys_read(l, index, key);
	if (rc == TRACE_ENOTFOUND)
		return TRACE_OK;	/* erased, or never held: commitments only */
	if (rc == TRACE_EBUFS && (rc = trace__ledger_read(l, &t)) == TRACE_OK) {
		/* No key at all: fine if no sealed value was kept; if one was, the key file was lost. */
		uint8_t k[ROW_KEY];
		trace__val v;
		for (size_t i = 0; rc == TRACE_OK && i < trace_event_private_count(*out); i++) {
			row_key(k, index, i);
			if ((rc = trace__txn_get(t, DB_PRIVATE, k, ROW_KEY, &v)) == TRACE_OK)
				rc = trace__fail(TRACE_ECORRUPT, "%s/private.keys has no key for event %llu, whose private "
				                 "values are sealed in the side store: the key file is missing or cut short",
				                 l->log->dir, (unsigned long long)index);
			else if (rc == TRACE_ENOTFOUND)
				rc = TRACE_OK;
		}
		trace__txn_abort(t);
		if (rc) {
			trace_event_free(*out);
			*out = NULL;
		}
		return rc;
	}
	if (rc == TRACE_OK && (rc = trace__ledger_read(l, &t)) == TRACE_OK) {
		for (size_t i = 0; rc == TRACE_OK && i < trace_event_private_count(*out); i++)
			rc = reveal(*out, t, key, index, i);
		trace__txn_abort(t);
	}
	trace__memzero(key, sizeof key);
	if (rc) {
		trace_event_free(*out);
		*out = NULL;
	}
	return rc;
}

int trace__private_attach(trace__store *s, int flags)
{
	static const char *const names[] = { "private" };
	return trace__store_add_tables(s, DB_PRIVATE, names, 1, flags);
}

struct erase_rows {
	uint64_t index;
	size_t n, count;
};

static int erase_rows_body(void *ctx, trace__txn *t)
{
	struct erase_rows *j = ctx;
	int rc = TRACE_OK;
	j->count = 0;
	for (size_t i = 0; rc == TRACE_OK && i < j->n; i++) {
		uint8_t k[ROW_KEY];
		row_key(k, j->index, i);
		if ((rc = trace__txn_del(t, DB_PRIVATE, k, ROW_KEY)) == TRACE_OK)
			j->count++;
		else if (rc == TRACE_ENOTFOUND)
			rc = TRACE_OK;
	}
	return rc;
}

int trace_ledger_erase_private(trace_ledger *l, uint64_t index, size_t *erased)
{
	static const uint8_t zero[KEY_LEN];
	uint8_t key[KEY_LEN];
	trace_event *ev;
	if (erased)
		*erased = 0;
	if (l == NULL)
		return trace__fail(TRACE_EINVAL, "trace_ledger_erase_private: NULL ledger");
	if (l->log->readonly)
		return trace__fail(TRACE_EINVAL, "%s is open read-only", l->log->dir);
	int rc = trace_ledger_event(&ev, l, index);
	if (rc)
		return rc;
	size_t n = trace_event_private_count(ev);
	trace_event_free(ev);
	/* Destroying the key is the erasure, synced before anything else; any
	 * part of the slot the file holds is overwritten, even a short one. */
	rc = keys_read(l, index, key);
	trace__memzero(key, sizeof key);
	if (rc == TRACE_OK || rc == TRACE_EBUFS) {
		struct stat st;
		if (l->keys_fd >= 0 && fstat(l->keys_fd, &st) == 0 && (uint64_t)st.st_size > index * KEY_LEN)
			rc = keys_write(l, index, zero);
		else
			rc = TRACE_OK;
		if (rc == TRACE_OK)
			rc = trace__private_sync(l);
	} else if (rc == TRACE_ENOTFOUND) {
		rc = TRACE_OK;
	}
	if (rc)
		return rc;
	/* The sealed rows are now unreadable; deleting them just tidies up. */
	struct erase_rows job = { index, n, 0 };
	rc = trace__store_write(trace__log_store(l->log), erase_rows_body, &job);
	if (rc == TRACE_OK && erased)
		*erased = job.count;
	return rc;
}
