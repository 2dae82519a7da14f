/*
 * log/export: the log as static C2SP tlog-tiles files (docs/FORMAT.md §3.8),
 * for any tlog-tiles client (Go's sumdb/tlog, Sigsum and Tessera tooling, a
 * plain HTTP server over the directory).  Row 0 of each stored tile is the
 * tlog-tiles tile, so the export copies bytes and hashes nothing.  It covers
 * the latest signed checkpoint: full tiles and bundles already present are
 * left alone (they never change), partial ones are rewritten, and the
 * checkpoint file is replaced last, so a reader never sees a checkpoint
 * whose tiles are missing.  Every file is written to a temporary name of its
 * own (mkstemp) and renamed into place; before the checkpoint moves, one
 * syncfs() makes every tile, bundle and directory durable, so that holds
 * after a power loss too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/error.h"
#include "trace/note.h"
#include "log_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/sbuf.h"

#define TILE_WIDTH 256

int trace__tiles_path(char *out, size_t cap, const char *kind, uint64_t n, unsigned width)
{
	char digits[32];
	int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	/* Zero-pad to a multiple of three digits, then "x" before all but the last group. */
	int pad = (3 - nd % 3) % 3;
	char padded[40];
	snprintf(padded, sizeof padded, "%.*s%s", pad, "00", digits);
	size_t len = (size_t)snprintf(out, cap, "tile/%s/", kind);
	for (int g = 0; g < (nd + pad) / 3 && len < cap; g++) {
		int last = g == (nd + pad) / 3 - 1;
		len += (size_t)snprintf(out + len, cap - len, "%s%.3s%s", last ? "" : "x", padded + 3 * g,
		                        last ? "" : "/");
	}
	if (width < TILE_WIDTH && len < cap)
		len += (size_t)snprintf(out + len, cap - len, ".p/%u", width);
	return len < cap ? TRACE_OK : trace__fail(TRACE_ELIMIT, "export path too long");
}

/* mkdir -p of the directories above @path (which is inside @root). */
static int make_parents(char *path, size_t root_len)
{
	for (char *p = path + root_len + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int bad = mkdir(path, 0755) != 0 && errno != EEXIST;
		*p = '/';
		if (bad)
			return trace__fail_sys(TRACE_EIO, errno, "cannot create the directory of %s: %s", path,
			                       strerror(errno));
	}
	return TRACE_OK;
}

typedef struct exporter {
	trace_log *log;
	trace__txn *txn;
	char path[4096];
	size_t root_len;
	uint64_t written;
} exporter;

/* fsync() of the export directory, or with @whole_fs syncfs() of its file system. */
static int sync_root(exporter *x, int whole_fs)
{
	x->path[x->root_len] = '\0';
	int fd = open(x->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int bad = fd < 0 || (whole_fs ? syncfs(fd) : fsync(fd)) != 0;
	int e = errno;
	if (fd >= 0)
		close(fd);
	return bad ? trace__fail_sys(TRACE_EIO, e, "cannot sync %s: %s", x->path, strerror(e)) : TRACE_OK;
}

/* ROOT/@rel: with @immutable, an existing file of @len bytes is kept as it is;
 * with @durable, the file is synced before it is renamed into place. */
static int put_file(exporter *x, const char *rel, const void *data, size_t len, int immutable, int durable)
{
	struct stat st;
	if ((size_t)snprintf(x->path + x->root_len, sizeof x->path - x->root_len, "/%s", rel) >=
	    sizeof x->path - x->root_len)
		return trace__fail(TRACE_ELIMIT, "export path too long");
	if (immutable && stat(x->path, &st) == 0 && (size_t)st.st_size == len)
		return TRACE_OK;
	int rc = make_parents(x->path, x->root_len);
	if (rc)
		return rc;
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", x->path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return trace__fail_sys(TRACE_EIO, errno, "cannot create a file beside %s: %s", x->path, strerror(errno));
	int bad = 0;
	for (size_t off = 0; !bad && off < len;) {
		ssize_t w = write(fd, (const uint8_t *)data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		bad = w <= 0;
		off += w > 0 ? (size_t)w : 0;
	}
	bad |= fchmod(fd, 0644) != 0 || (durable && fsync(fd) != 0);
	int e = errno;
	bad |= close(fd) != 0;
	if (bad || rename(tmp, x->path) != 0) {
		e = bad ? e : errno;
		unlink(tmp);
		return trace__fail_sys(TRACE_EIO, e, "cannot write %s: %s", x->path, strerror(e));
	}
	x->written++;
	return TRACE_OK;
}

static int export_tiles(exporter *x, uint64_t size)
{
	const size_t hs = x->log->hs;
	for (unsigned level = 0; level < TREE_LEVELS; level++) {
		uint64_t count = size >> (8 * level);	/* hashes at this level */
		if (count == 0)
			break;
		for (uint64_t n = 0; n * TILE_WIDTH < count; n++) {
			uint64_t left = count - n * TILE_WIDTH;
			unsigned w = left < TILE_WIDTH ? (unsigned)left : TILE_WIDTH;
			uint8_t key[TILE_KEY_SIZE];
			trace__val v;
			char lv[4], rel[128];
			trace__tile_key(key, level, n);
			int rc = trace__txn_get(x->txn, DB_TILES, key, sizeof key, &v);
			if (rc == TRACE_ENOTFOUND || (rc == TRACE_OK && v.size < w * hs))
				rc = trace__fail(TRACE_ECORRUPT, "tile %u/%llu is missing or short", level, (unsigned long long)n);
			snprintf(lv, sizeof lv, "%u", level);
			if (rc || (rc = trace__tiles_path(rel, sizeof rel, lv, n, w)) ||
			    (rc = put_file(x, rel, v.data, w * hs, w == TILE_WIDTH, 0)))
				return rc;
		}
	}
	return TRACE_OK;
}

static int export_entries(exporter *x, uint64_t size)
{
	trace__cursor *c;
	int rc = trace__cursor_open(&c, x->txn, DB_ENTRIES);
	if (rc)
		return rc;
	for (uint64_t n = 0; rc == TRACE_OK && n * TILE_WIDTH < size; n++) {
		uint64_t left = size - n * TILE_WIDTH;
		unsigned w = left < TILE_WIDTH ? (unsigned)left : TILE_WIDTH;
		char rel[128];
		if ((rc = trace__tiles_path(rel, sizeof rel, "entries", n, w)))
			break;
		uint8_t key[8];
		trace__be64_put(key, n * TILE_WIDTH);
		trace__val k = { key, 8 }, v;
		if (w == TILE_WIDTH) {
			/* A full bundle already exported with the right length is kept: sum the
			 * lengths (no copying) and compare before building it again. */
			struct stat st;
			uint64_t len = 0;
			snprintf(x->path + x->root_len, sizeof x->path - x->root_len, "/%s", rel);
			if (stat(x->path, &st) == 0) {
				rc = trace__cursor_get(c, TRACE__CUR_SEEK, &k, &v);
				for (unsigned i = 0; rc == TRACE_OK && i < w; i++) {
					len += 2 + v.size;
					if (i + 1 < w)
						rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v);
				}
				if (rc == TRACE_ENOTFOUND)
					rc = TRACE_OK;	/* short: rebuilt below, which names the missing entry */
				if (rc)
					break;
				if ((uint64_t)st.st_size == len)
					continue;
				k = (trace__val){ key, 8 };
			}
		}
		trace__sbuf b = TRACE__SBUF_INIT;
		rc = trace__cursor_get(c, TRACE__CUR_SEEK, &k, &v);
		for (unsigned i = 0; rc == TRACE_OK && i < w; i++) {
			if (k.size != 8 || trace__be64_get(k.data) != n * TILE_WIDTH + i || v.size > 0xffff) {
				rc = trace__fail(TRACE_ECORRUPT, "entry %llu is missing or too long",
				                 (unsigned long long)(n * TILE_WIDTH + i));
				break;
			}
			uint8_t len[2] = { (uint8_t)(v.size >> 8), (uint8_t)v.size };
			trace__sbuf_put(&b, len, 2);
			trace__sbuf_put(&b, v.data, v.size);
			if (i + 1 < w)
				rc = trace__cursor_get(c, TRACE__CUR_NEXT, &k, &v);
		}
		if (rc == TRACE_ENOTFOUND)
			rc = trace__fail(TRACE_ECORRUPT, "the log ends before entry %llu", (unsigned long long)size);
		if (rc == TRACE_OK)
			rc = b.oom ? trace__oom() : put_file(x, rel, b.p, b.len, w == TILE_WIDTH, 0);
		trace__sbuf_free(&b);
	}
	trace__cursor_close(c);
	return rc;
}

int trace_log_export_tiles(trace_log *log, const char *dir, uint64_t *size_out, uint64_t *files_out)
{
	trace_buf note = TRACE_BUF_INIT;
	trace_note *n = NULL;
	trace_checkpoint *cp = NULL;
	exporter x;
	if (log == NULL || dir == NULL)
		return trace__fail(TRACE_EINVAL, "trace_log_export_tiles: NULL argument");
	memset(&x, 0, sizeof x);
	x.log = log;
	x.root_len = strlen(dir);
	while (x.root_len > 1 && dir[x.root_len - 1] == '/')
		x.root_len--;
	if (x.root_len + 64 >= sizeof x.path)
		return trace__fail(TRACE_ELIMIT, "export directory name too long");
	memcpy(x.path, dir, x.root_len);
	x.path[x.root_len] = '\0';
	if (mkdir(x.path, 0755) != 0 && errno != EEXIST)
		return trace__fail_sys(TRACE_EIO, errno, "cannot create %s: %s", x.path, strerror(errno));

	/* The checkpoint first, so the tiles exported are the ones it needs. */
	int rc = trace_log_checkpoint_get(&note, log, UINT64_MAX);
	if (rc == TRACE_ENOTFOUND)
		rc = trace__fail(TRACE_ENOTFOUND, "%s has no signed checkpoint to export: sign one first", log->dir);
	size_t text_len;
	if (rc == TRACE_OK && (rc = trace_note_parse(&n, (const char *)note.ptr, note.size)) == TRACE_OK) {
		const char *text = trace_note_text(n, &text_len);
		rc = trace_checkpoint_parse(&cp, text, text_len);
	}
	uint64_t size = cp ? trace_checkpoint_size(cp) : 0;
	if (rc == TRACE_OK && (rc = trace__txn_begin(&x.txn, log->store, 0)) == TRACE_OK) {
		if ((rc = export_tiles(&x, size)) == TRACE_OK && (rc = export_entries(&x, size)) == TRACE_OK &&
		    (rc = sync_root(&x, 1)) == TRACE_OK &&
		    (rc = put_file(&x, "checkpoint", note.ptr, note.size, 0, 1)) == TRACE_OK)
			rc = sync_root(&x, 0);
		trace__txn_abort(x.txn);
	}
	if (rc == TRACE_OK && size_out)
		*size_out = size;
	if (rc == TRACE_OK && files_out)
		*files_out = x.written;
	trace_checkpoint_free(cp);
	trace_note_free(n);
	trace_buf_dispose(&note);
	return rc;
}
