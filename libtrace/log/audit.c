/*
 * log/audit: the full audit.  Recomputes every leaf hash from its entry and
 * the whole tree from the leaves, compares both with what is stored, then
 * checks every stored checkpoint's signature, its root, and its consistency
 * with the previous one.  The first difference is named with its index and
 * the expected and actual hashes.
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "trace/log.h"
#include "trace/merkle.h"
#include "trace/note.h"
#include "log_internal.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/text.h"


/* Compares each recomputed tile with the stored one. */
typedef struct audit_ctx {
	trace__txn *txn;
	size_t hs;
} audit_ctx;

static int compare_tile(void *ctx, unsigned level, uint64_t n, unsigned width,
                        const uint8_t *packed, size_t len)
{
	audit_ctx *a = ctx;
	uint8_t key[TILE_KEY_SIZE];
	trace__val v;
	trace__tile_key(key, level, n);
	int rc = trace__txn_get(a->txn, DB_TILES, key, sizeof key, &v);
	if (rc == TRACE_ENOTFOUND)
		return trace__fail(TRACE_ECORRUPT, "tile %u/%llu (width %u) is missing", level,
		                   (unsigned long long)n, width);
	if (rc)
		return rc;
	if (v.size != len)
		return trace__fail(TRACE_ECORRUPT, "tile %u/%llu is %zu bytes, expected %zu", level,
		                   (unsigned long long)n, v.size, len);
	for (size_t i = 0; i < len; i += a->hs) {
		if (memcmp(packed + i, (const uint8_t *)v.data + i, a->hs) == 0)
			continue;
		char want[2 * TRACE_HASH_MAX_SIZE + 1], got[2 * TRACE_HASH_MAX_SIZE + 1];
		trace__hex_encode(want, packed + i, a->hs);
		trace__hex_encode(got, (const uint8_t *)v.data + i, a->hs);
		uint64_t first_leaf = (n * TILE_WIDTH) << (TILE_HEIGHT * level);
		return trace__fail(TRACE_ECHAINBREAK,
		                   "tree node in tile %u/%llu (leaves from index %llu) differs: expected %s, stored %s",
		                   level, (unsigned long long)n, (unsigned long long)first_leaf, want, got);
	}
	return TRACE_OK;
}

static int audit_entries(trace_log *log, trace__txn *t, uint64_t size)
{
	audit_ctx a = { t, log->hs };
	tile_sink sink = { compare_tile, NULL, &a };
	tile_builder b;
	tile_reader r;
	trace__cursor *c;
	trace__val k = { NULL, 0 }, v;
	uint8_t leaf[TRACE_HASH_MAX_SIZE], stored_leaf[TRACE_HASH_MAX_SIZE];
	uint64_t i = 0;
	int rc;

	if ((rc = trace__tiles_builder_init(&b, log->hasher)))
		return rc;
	trace__tiles_builder_reset(&b, &sink);
	trace__tile_reader_init(&r, t, log->hs, size);
	if ((rc = trace__cursor_open(&c, t, DB_ENTRIES))) {
		trace__tiles_builder_free(&b);
		return rc;
	}
	for (rc = trace__cursor_get(c, TRACE__CUR_FIRST, &k, &v); rc == TRACE_OK;
	     rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v), i++) {
		if (k.size != 8 || trace__be64_get(k.data) != i) {
			rc = trace__fail(TRACE_ECORRUPT, "entry %llu is missing (next key found is not %llu)",
			                 (unsigned long long)i, (unsigned long long)i);
			break;
		}
		if (i >= size) {
			rc = trace__fail(TRACE_ECORRUPT, "entry %llu exists beyond the committed size %llu",
			                 (unsigned long long)i, (unsigned long long)size);
			break;
		}
		if ((rc = trace_merkle_leaf_hash(leaf, sizeof leaf, log->hasher, v.data, v.size)) ||
		    (rc = trace__tile_node(&r, 0, i, stored_leaf)))
			break;
		if (memcmp(leaf, stored_leaf, log->hs) != 0) {
			char want[2 * TRACE_HASH_MAX_SIZE + 1], got[2 * TRACE_HASH_MAX_SIZE + 1];
			trace__hex_encode(want, leaf, log->hs);
			trace__hex_encode(got, stored_leaf, log->hs);
			rc = trace__fail(TRACE_ECHAINBREAK, "entry %llu: leaf hash expected %s (from the entry), stored %s",
			                 (unsigned long long)i, want, got);
			break;
		}
		if ((rc = trace__tiles_add_leaf(&b, i, leaf)))
			break;
	}
	trace__cursor_close(c);
	if (rc == TRACE_ENOTFOUND) {
		rc = i == size ? trace__tiles_flush(&b)
		               : trace__fail(TRACE_ECORRUPT, "entry %llu is missing: the log holds %llu of %llu entries",
		                             (unsigned long long)i, (unsigned long long)i, (unsigned long long)size);
	}
	trace__tiles_builder_free(&b);
	return rc;
}

static int audit_checkpoints(trace_log *log, trace__txn *t, uint64_t size)
{
	trace__cursor *c;
	trace__val k = { NULL, 0 }, v;
	uint64_t prev_size = 0;
	uint8_t prev_root[TRACE_HASH_MAX_SIZE], root[TRACE_HASH_MAX_SIZE];
	const trace_verifier *key = log->verifier;
	int rc = trace__cursor_open(&c, t, DB_CHECKPOINTS);
	if (rc)
		return rc;
	for (rc = trace__cursor_get(c, TRACE__CUR_FIRST, &k, &v); rc == TRACE_OK;
	     rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v)) {
		uint64_t at = k.size == 8 ? trace__be64_get(k.data) : UINT64_MAX;
		trace_note *n = NULL;
		trace_checkpoint *cp = NULL;
		size_t text_len, root_len;
		if ((rc = trace_note_parse(&n, v.data, v.size)) == TRACE_OK &&
		    (rc = trace_note_verify(NULL, NULL, n, &key, 1)) == TRACE_OK) {
			const char *text = trace_note_text(n, &text_len);
			rc = trace_checkpoint_parse(&cp, text, text_len);
		}
		if (rc) {
			trace__error_prefix("checkpoint at size %llu", (unsigned long long)at);
			if (rc == TRACE_EINVAL)
				trace__error_recode(rc = TRACE_EBADSIG);
		} else if (trace_checkpoint_size(cp) != at || at > size ||
		           strcmp(trace_checkpoint_origin(cp), log->origin) != 0) {
			rc = trace__fail(TRACE_ECORRUPT, "checkpoint stored at size %llu is for \"%s\" at size %llu (log has %llu entries)",
			                 (unsigned long long)at, trace_checkpoint_origin(cp),
			                 (unsigned long long)trace_checkpoint_size(cp), (unsigned long long)size);
		} else if ((rc = trace__log_root_in(log, t, size, at, root)) == TRACE_OK) {
			const uint8_t *signed_root = trace_checkpoint_root(cp, &root_len);
			if (root_len != log->hs || memcmp(root, signed_root, log->hs) != 0) {
				char want[2 * TRACE_HASH_MAX_SIZE + 1], got[2 * TRACE_HASH_MAX_SIZE + 1];
				trace__hex_encode(want, root, log->hs);
				trace__hex_encode(got, signed_root, root_len <= TRACE_HASH_MAX_SIZE ? root_len : 0);
				rc = trace__fail(TRACE_ECHAINBREAK, "checkpoint at size %llu: log root is %s, signed root is %s",
				                 (unsigned long long)at, want, got);
			} else if (prev_size > 0) {
				/* Consistency with the previous checkpoint, through a real proof. */
				trace__sbuf b = TRACE__SBUF_INIT;
				tile_reader r;
				trace__tile_reader_init(&r, t, log->hs, size);
				trace__node_source src = { trace__tile_node, &r };
				rc = trace__consistency_path(&b, log->hasher, &src, prev_size, at);
				if (rc == TRACE_OK)
					rc = trace_merkle_verify_consistency(log->hasher, prev_size, at, b.p, b.len,
					                                     prev_root, log->hs, root, log->hs);
				trace__sbuf_free(&b);
				if (rc)
					trace__error_prefix("checkpoints at sizes %llu and %llu", (unsigned long long)prev_size,
					                    (unsigned long long)at);
			}
		}
		trace_checkpoint_free(cp);
		trace_note_free(n);
		if (rc)
			break;
		if (at > 0) {
			prev_size = at;
			memcpy(prev_root, root, log->hs);
		}
	}
	trace__cursor_close(c);
	return rc == TRACE_ENOTFOUND ? TRACE_OK : rc;
}

int trace_log_audit(trace_log *log)
{
	trace__txn *t;
	uint64_t size;
	if (log == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_audit: NULL argument");
	int rc = trace__txn_begin(&t, log->store, 0);
	if (rc)
		return rc;
	if ((rc = trace__log_read_size(t, &size)) == TRACE_OK &&
	    (rc = audit_entries(log, t, size)) == TRACE_OK)
		rc = audit_checkpoints(log, t, size);
	trace__txn_abort(t);
	return rc;
}
