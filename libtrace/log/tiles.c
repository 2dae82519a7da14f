/*
 * log/tiles: the Merkle tree as C2SP tlog-tiles.  A tile holds 256 hashes
 * of one level (level l hashes cover 256^l leaves); the stored value keeps
 * that row (byte for byte the tlog-tiles tile) followed by the tile's inner
 * rows, so any complete-subtree hash is one lookup and a proof reads one
 * tile per 8 levels.
 */
#include <string.h>

#include "trace/error.h"
#include "log_internal.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"

static const uint8_t node_prefix = 0x01;

static size_t row_offset(unsigned s)
{
	return 512u - (512u >> s);
}

size_t trace__tile_nodes(unsigned width)
{
	size_t n = 0;
	for (unsigned s = 0; s < TILE_HEIGHT; s++)
		n += width >> s;
	return n;
}

static size_t packed_offset(unsigned width, unsigned s)
{
	size_t n = 0;
	for (unsigned j = 0; j < s; j++)
		n += width >> j;
	return n;
}

unsigned trace__tile_width(uint64_t tree_size, unsigned level, uint64_t n)
{
	uint64_t count = level >= TREE_LEVELS ? 0 : tree_size >> (TILE_HEIGHT * level);
	if (count <= n * TILE_WIDTH)
		return 0;
	count -= n * TILE_WIDTH;
	return count >= TILE_WIDTH ? TILE_WIDTH : (unsigned)count;
}

void trace__tile_key(uint8_t key[TILE_KEY_SIZE], unsigned level, uint64_t n)
{
	key[0] = (uint8_t)level;
	trace__be64_put(key + 1, n);
}

int trace__tiles_builder_init(tile_builder *b, trace_hasher *h)
{
	memset(b, 0, sizeof *b);
	b->h = h;
	b->hs = trace_hasher_size(h);
	b->pack = trace__malloc(TILE_SLOTS * b->hs);
	if (b->pack == NULL)
		return trace__oom();
	return TRACE_OK;
}

void trace__tiles_builder_free(tile_builder *b)
{
	for (unsigned l = 0; l < TREE_LEVELS; l++)
		trace__free(b->lv[l].slots);
	trace__free(b->pack);
	memset(b, 0, sizeof *b);
}

void trace__tiles_builder_reset(tile_builder *b, const tile_sink *sink)
{
	for (unsigned l = 0; l < TREE_LEVELS; l++) {
		b->lv[l].loaded = 0;
		b->lv[l].dirty = 0;
	}
	b->sink = sink;
}

static int store_tile(tile_builder *b, unsigned level)
{
	tile_work *w = &b->lv[level];
	size_t hs = b->hs, o = 0;
	for (unsigned s = 0; s < TILE_HEIGHT; s++) {
		size_t count = w->width >> s;
		memcpy(b->pack + o * hs, w->slots + row_offset(s) * hs, count * hs);
		o += count;
	}
	w->dirty = 0;
	return b->sink->store(b->sink->ctx, level, w->n, w->width, b->pack, o * hs);
}

/* Makes tile @n the working tile of @level, holding @width hashes already. */
static int switch_tile(tile_builder *b, unsigned level, uint64_t n, unsigned width)
{
	tile_work *w = &b->lv[level];
	int rc;
	if (w->loaded && w->n == n)
		return TRACE_OK;
	if (w->loaded && w->dirty && (rc = store_tile(b, level)))
		return rc;
	if (w->slots == NULL && (w->slots = trace__malloc(TILE_SLOTS * b->hs)) == NULL)
		return trace__oom();
	w->n = n;
	w->width = width;
	w->loaded = 1;
	w->dirty = 0;
	if (width == 0)
		return TRACE_OK;
	const uint8_t *packed = NULL;
	size_t len = 0;
	if (b->sink->load == NULL ||
	    (rc = b->sink->load(b->sink->ctx, level, n, width, &packed, &len)))
		return b->sink->load ? rc : trace__fail(TRACE_ECORRUPT, "tile %u/%llu is missing", level, (unsigned long long)n);
	if (len != trace__tile_nodes(width) * b->hs)
		return trace__fail(TRACE_ECORRUPT, "tile %u/%llu is %zu bytes, expected %zu for width %u",
		                   level, (unsigned long long)n, len, trace__tile_nodes(width) * b->hs, width);
	for (unsigned s = 0; s < TILE_HEIGHT; s++)
		memcpy(w->slots + row_offset(s) * b->hs, packed + packed_offset(width, s) * b->hs,
		       (width >> s) * b->hs);
	return TRACE_OK;
}

static int add_hash(tile_builder *b, unsigned level, uint64_t pos, const uint8_t *hash)
{
	size_t hs = b->hs;
	uint64_t n = pos / TILE_WIDTH;
	unsigned i = (unsigned)(pos % TILE_WIDTH);
	int rc;

	if (level >= TREE_LEVELS)
		return trace__fail(TRACE_ELIMIT, "tree is full");
	if ((rc = switch_tile(b, level, n, i)))
		return rc;
	tile_work *w = &b->lv[level];
	if (w->width != i)
		return trace__fail(TRACE_ECORRUPT, "tile %u/%llu has width %u, expected %u",
		                   level, (unsigned long long)n, w->width, i);
	memcpy(w->slots + (row_offset(0) + i) * hs, hash, hs);
	w->width = i + 1;
	w->dirty = 1;
	/* Each completed pair yields a parent, up to the tile's root. */
	for (unsigned s = 1; s <= TILE_HEIGHT; s++) {
		if (((i + 1) & ((1u << s) - 1)) != 0)
			break;
		unsigned p = i >> s;
		uint8_t *left = w->slots + (row_offset(s - 1) + 2 * p) * hs;
		rc = trace__hash3(b->h, w->slots + (row_offset(s) + p) * hs,
		                  &node_prefix, 1, left, hs, left + hs, hs);
		if (rc)
			return rc;
	}
	if (i == TILE_WIDTH - 1)
		return add_hash(b, level + 1, n, w->slots + row_offset(TILE_HEIGHT) * hs);
	return TRACE_OK;
}

int trace__tiles_add_leaf(tile_builder *b, uint64_t pos, const uint8_t *leaf)
{
	return add_hash(b, 0, pos, leaf);
}

int trace__tiles_flush(tile_builder *b)
{
	for (unsigned l = 0; l < TREE_LEVELS; l++)
		if (b->lv[l].loaded && b->lv[l].dirty) {
			int rc = store_tile(b, l);
			if (rc)
				return rc;
		}
	return TRACE_OK;
}

void trace__tile_reader_init(tile_reader *r, trace__txn *txn, size_t hs, uint64_t stored_size)
{
	memset(r, 0, sizeof *r);
	r->txn = txn;
	r->hs = hs;
	r->stored_size = stored_size;
}

int trace__tile_node(void *ctx, unsigned height, uint64_t index, uint8_t *out)
{
	tile_reader *r = ctx;
	unsigned level = height / TILE_HEIGHT, s = height % TILE_HEIGHT;
	uint64_t n = index >> (TILE_HEIGHT - s);
	unsigned p = (unsigned)(index & ((TILE_WIDTH >> s) - 1));

	if (level >= TREE_LEVELS)
		return trace__fail(TRACE_EINVAL, "no tree node at height %u", height);
	if (r->cache[level].data == NULL || r->cache[level].n != n) {
		uint8_t key[TILE_KEY_SIZE];
		trace__val v;
		unsigned width = trace__tile_width(r->stored_size, level, n);
		trace__tile_key(key, level, n);
		int rc = trace__txn_get(r->txn, DB_TILES, key, sizeof key, &v);
		if (rc == TRACE_ENOTFOUND || (rc == TRACE_OK && v.size != trace__tile_nodes(width) * r->hs))
			return trace__fail(TRACE_ECORRUPT, "tile %u/%llu is missing or has the wrong size",
			                   level, (unsigned long long)n);
		if (rc)
			return rc;
		r->cache[level].n = n;
		r->cache[level].data = v.data;
		r->cache[level].width = width;
	}
	unsigned width = r->cache[level].width;
	if (p >= (width >> s))
		return trace__fail(TRACE_EINVAL, "tree node %u/%llu is not complete at size %llu",
		                   height, (unsigned long long)index, (unsigned long long)r->stored_size);
	memcpy(out, r->cache[level].data + (packed_offset(width, s) + p) * r->hs, r->hs);
	return TRACE_OK;
}
