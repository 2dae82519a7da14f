/*
 * fuzz_tlog_proof: the C2SP tlog-proof parser (a regulator's input), its
 * formatter (what it accepts must format back byte for byte) and full
 * verification against a fixed policy.
 * Input: entry || proof text || entry length (2 bytes, big-endian) || policy
 * selector (1 byte: even = log only, odd = log and witness quorum).
 */
#include <string.h>

#include <trace/bundle.h>
#include <trace/error.h>
#include <trace/merkle.h>

#include "fuzz_data.h"
#include "fuzz_fixtures.h"
#include "util/base64.h"	/* internal: to read the path back (not in the API) */

static trace_policy *policies[2];

static void init(void)
{
	if (policies[0])
		return;
	FUZZ_CHECK(trace_policy_parse(&policies[0], FUZZ_POLICY_LOG, strlen(FUZZ_POLICY_LOG)) == TRACE_OK);
	FUZZ_CHECK(trace_policy_parse(&policies[1], FUZZ_POLICY_WITNESSED,
	                              strlen(FUZZ_POLICY_WITNESSED)) == TRACE_OK);
}

static const char *line_at(const char *text, size_t len, size_t *pos, size_t *ll)
{
	const char *line = text + *pos, *nl = memchr(line, '\n', len - *pos);
	*ll = (size_t)(nl - line);
	*pos += *ll + 1;
	return line;
}

/* Formats the parsed proof again and compares it with the input. */
static void check_roundtrip(const trace_tlog_proof *p, const char *text, size_t len)
{
	static uint8_t path[64 * TRACE_HASH_MAX_SIZE];
	size_t pos = 0, ll, path_len = 0, hash_len = 32, extra_len = 0, cp_len;
	trace_buf out = TRACE_BUF_INIT;

	line_at(text, len, &pos, &ll);		/* header */
	const uint8_t *extra = trace_tlog_proof_extra(p, &extra_len);
	if (extra)
		line_at(text, len, &pos, &ll);
	line_at(text, len, &pos, &ll);		/* index */
	for (const char *l; (l = line_at(text, len, &pos, &ll)), ll > 0;) {
		long n = trace__base64_decode(path + path_len, sizeof path - path_len, l, ll);
		FUZZ_CHECK(n > 0);
		hash_len = (size_t)n;
		path_len += hash_len;
	}
	const char *cp = trace_tlog_proof_checkpoint(p, &cp_len);
	FUZZ_CHECK(cp_len == len - pos && memcmp(cp, text + pos, cp_len) == 0);
	FUZZ_CHECK(fuzz_rc(trace_tlog_proof_format(&out, trace_tlog_proof_index(p), path, path_len,
	                                           hash_len, cp, cp_len, extra, extra_len)) == TRACE_OK);
	FUZZ_CHECK(out.size == len && memcmp(out.ptr, text, len) == 0);
	trace_buf_dispose(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_data d = fuzz_data_init(data, size);
	size_t entry_len, text_len;
	trace_tlog_proof *p = NULL;

	init();
	const trace_policy *policy = policies[fuzz_data_u8(&d) & 1];
	const uint8_t *entry = fuzz_data_bytes(&d, fuzz_data_u16(&d), &entry_len);
	const char *text = (const char *)fuzz_data_rest(&d, &text_len);

	if (fuzz_rc(trace_tlog_proof_parse(&p, text, text_len)) != TRACE_OK) {
		FUZZ_CHECK(p == NULL);
		return 0;
	}
	check_roundtrip(p, text, text_len);
	int rc = fuzz_rc(trace_tlog_proof_verify(p, policy, entry, entry_len));
	if (rc == TRACE_OK) {
		/* Whatever verifies carries a checkpoint the policy accepts. */
		size_t cp_len;
		const char *cp = trace_tlog_proof_checkpoint(p, &cp_len);
		FUZZ_CHECK(trace_policy_verify_checkpoint(NULL, policy, cp, cp_len) == TRACE_OK);
	}
	trace_tlog_proof_free(p);
	return 0;
}
