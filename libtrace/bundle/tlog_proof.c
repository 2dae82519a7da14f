/*
 * bundle/tlog_proof: C2SP tlog-proof files, the offline proof a regulator
 * checks against a tlog-policy without trusting the operator.
 */
#include <string.h>

#include "trace/bundle.h"
#include "trace/error.h"
#include "trace/merkle.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/sbuf.h"
#include "../util/text.h"

#define HEADER "c2sp.org/tlog-proof@v1"
#define PATH_MAX_HASHES 64

struct trace_tlog_proof {
	uint64_t index;
	uint8_t *extra;
	size_t extra_len;
	int has_extra;
	uint8_t path[PATH_MAX_HASHES][TRACE_HASH_MAX_SIZE];
	size_t path_count, hash_len;
	char *checkpoint;
	size_t checkpoint_len;
};

void trace_tlog_proof_free(trace_tlog_proof *p)
{
	if (p == NULL)
		return;
	trace__free(p->extra);
	trace__free(p->checkpoint);
	trace__free(p);
}

/* Returns the line at *pos (without newline) and advances; NULL at the end. */
static const char *next_line(const char *text, size_t len, size_t *pos, size_t *line_len)
{
	if (*pos >= len)
		return NULL;
	const char *line = text + *pos;
	const char *nl = memchr(line, '\n', len - *pos);
	if (nl == NULL)
		return NULL;
	*line_len = (size_t)(nl - line);
	*pos += *line_len + 1;
	return line;
}

int trace_tlog_proof_parse(trace_tlog_proof **out, const char *text, size_t len)
{
	size_t pos = 0, ll = 0, line_no = 1;
	const char *line;

	if (out == NULL || (text == NULL && len))
		return trace__fail(TRACE_EINVAL, "trace_tlog_proof_parse: NULL argument");
	*out = NULL;
	trace_tlog_proof *p = trace__calloc(1, sizeof *p);
	if (p == NULL)
		return trace__oom();
	int rc = TRACE_EINVAL;

	line = next_line(text, len, &pos, &ll);
	if (line == NULL || ll != strlen(HEADER) || memcmp(line, HEADER, ll) != 0) {
		trace__fail(rc, "tlog-proof line 1: expected \"" HEADER "\"");
		goto fail;
	}
	line = next_line(text, len, &pos, &ll);
	line_no++;
	if (line && ll >= 6 && memcmp(line, "extra ", 6) == 0) {
		p->extra = trace__malloc(ll / 4 * 3 + 1);
		if (p->extra == NULL) {
			rc = trace__oom();
			goto fail;
		}
		long n = trace__base64_decode(p->extra, ll / 4 * 3 + 1, line + 6, ll - 6);
		if (n < 0) {
			trace__fail(rc, "tlog-proof line %zu: extra data is not canonical base64", line_no);
			goto fail;
		}
		p->extra_len = (size_t)n;
		p->has_extra = 1;
		line = next_line(text, len, &pos, &ll);
		line_no++;
	}
	if (line == NULL || ll < 7 || memcmp(line, "index ", 6) != 0 ||
	    trace__parse_u64(&p->index, line + 6, ll - 6)) {
		trace__fail(rc, "tlog-proof line %zu: expected \"index <decimal without leading zeros>\"", line_no);
		goto fail;
	}
	for (;;) {
		line = next_line(text, len, &pos, &ll);
		line_no++;
		if (line == NULL) {
			trace__fail(rc, "tlog-proof: missing the empty line before the checkpoint");
			goto fail;
		}
		if (ll == 0)
			break;
		if (p->path_count == PATH_MAX_HASHES) {
			trace__fail(TRACE_ELIMIT, "tlog-proof: more than %d proof hashes", PATH_MAX_HASHES);
			rc = TRACE_ELIMIT;
			goto fail;
		}
		long n = ll > 4 * TRACE_HASH_MAX_SIZE ? -1
		        : trace__base64_decode(p->path[p->path_count], TRACE_HASH_MAX_SIZE, line, ll);
		if (n <= 0 || (p->hash_len && (size_t)n != p->hash_len)) {
			trace__fail(rc, "tlog-proof line %zu: proof hash is not canonical base64 of a hash", line_no);
			goto fail;
		}
		p->hash_len = (size_t)n;
		p->path_count++;
	}
	if (pos >= len) {
		trace__fail(rc, "tlog-proof: the checkpoint is missing");
		goto fail;
	}
	p->checkpoint_len = len - pos;
	p->checkpoint = trace__memdup(text + pos, p->checkpoint_len);
	if (p->checkpoint == NULL) {
		rc = trace__oom();
		goto fail;
	}
	*out = p;
	return TRACE_OK;
fail:
	trace_tlog_proof_free(p);
	return rc;
}

uint64_t trace_tlog_proof_index(const trace_tlog_proof *p) { return p ? p->index : 0; }

const char *trace_tlog_proof_checkpoint(const trace_tlog_proof *p, size_t *len)
{
	if (p == NULL)
		return NULL;
	if (len)
		*len = p->checkpoint_len;
	return p->checkpoint;
}

const uint8_t *trace_tlog_proof_extra(const trace_tlog_proof *p, size_t *len)
{
	if (p == NULL || !p->has_extra)
		return NULL;
	if (len)
		*len = p->extra_len;
	return p->extra;
}

int trace_tlog_proof_format(trace_buf *out, uint64_t index, const uint8_t *path, size_t path_len,
                            size_t hash_len, const char *checkpoint, size_t checkpoint_len,
                            const uint8_t *extra, size_t extra_len)
{
	if (out == NULL || checkpoint == NULL || (path == NULL && path_len))
		return trace__fail(TRACE_EINVAL, "trace_tlog_proof_format: NULL argument");
	if (hash_len == 0 || hash_len > TRACE_HASH_MAX_SIZE || path_len % hash_len ||
	    path_len / hash_len > PATH_MAX_HASHES)
		return trace__fail(TRACE_EINVAL, "tlog-proof: path of %zu bytes is not whole %zu-byte hashes", path_len, hash_len);
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_puts(&b, HEADER "\n");
	if (extra) {
		trace__sbuf_puts(&b, "extra ");
		trace__sbuf_base64(&b, extra, extra_len);
		trace__sbuf_putc(&b, '\n');
	}
	trace__sbuf_printf(&b, "index %llu\n", (unsigned long long)index);
	for (size_t i = 0; i < path_len; i += hash_len) {
		trace__sbuf_base64(&b, path + i, hash_len);
		trace__sbuf_putc(&b, '\n');
	}
	trace__sbuf_putc(&b, '\n');
	trace__sbuf_put(&b, checkpoint, checkpoint_len);
	return trace__sbuf_finish(&b, out);
}

int trace_tlog_proof_verify(const trace_tlog_proof *p, const trace_policy *policy,
                            const uint8_t *entry, size_t len)
{
	trace_checkpoint *c = NULL;
	trace_hasher *h = NULL;
	uint8_t leaf[TRACE_HASH_MAX_SIZE], path[PATH_MAX_HASHES * TRACE_HASH_MAX_SIZE];
	size_t root_len;
	int rc;

	if (p == NULL || policy == NULL || (entry == NULL && len))
		return trace__fail(TRACE_EINVAL, "trace_tlog_proof_verify: NULL argument");
	if ((rc = trace_policy_verify_checkpoint(&c, policy, p->checkpoint, p->checkpoint_len)))
		return rc;
	if ((rc = trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519)))
		goto done;
	size_t hs = trace_hasher_size(h);
	if (p->path_count && p->hash_len != hs) {
		rc = trace__fail(TRACE_EINVAL, "tlog-proof: proof hashes are %zu bytes, expected %zu", p->hash_len, hs);
		goto done;
	}
	for (size_t i = 0; i < p->path_count; i++)
		memcpy(path + i * hs, p->path[i], hs);
	if ((rc = trace_merkle_leaf_hash(leaf, sizeof leaf, h, entry, len)))
		goto done;
	const uint8_t *root = trace_checkpoint_root(c, &root_len);
	rc = trace_merkle_verify_inclusion(h, p->index, trace_checkpoint_size(c), leaf, hs,
	                                   path, p->path_count * hs, root, root_len);
	if (rc == TRACE_EINVAL && p->index < trace_checkpoint_size(c) && root_len == hs)
	{
		rc = TRACE_ECHAINBREAK;	/* a wrong-length path is a broken proof too */
		trace__error_recode(rc);
	}
	if (rc)
		trace__error_prefix("entry %llu of \"%s\" at size %llu", (unsigned long long)p->index,
		                    trace_checkpoint_origin(c), (unsigned long long)trace_checkpoint_size(c));
done:
	trace_hasher_free(h);
	trace_checkpoint_free(c);
	return rc;
}
