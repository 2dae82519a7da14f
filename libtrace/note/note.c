/*
 * note/note: C2SP signed notes.  Strict parsing (UTF-8, no control
 * characters but newline, em-dash signature lines, at most 100 signatures),
 * signing, tlog-cosignature v1 lines, and verification against known keys.
 */
#include <stdio.h>
#include <string.h>

#include "trace/error.h"
#include "trace/note.h"
#include "note_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/sbuf.h"
#include "../util/text.h"

static const char em_dash[] = "\xe2\x80\x94 ";	/* U+2014 and a space */
#define SIG_MAX 4096

typedef struct note_sig {
	const char *name;	/* points into the note copy, NUL-terminated there */
	uint32_t key_id;
	uint8_t *payload;	/* key ID and signature, decoded */
	size_t payload_len;
} note_sig;

struct trace_note {
	char *msg;
	size_t text_len;
	note_sig sigs[TRACE_NOTE_MAX_SIGNATURES];
	size_t nsigs;
};

int trace__note_text_check(const char *text, size_t len)
{
	size_t bad = trace__utf8_invalid_at((const uint8_t *)text, len);
	if (bad != (size_t)-1)
		return trace__fail(TRACE_EINVAL, "note is not valid UTF-8 at byte %zu", bad);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)text[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return trace__fail(TRACE_EINVAL, "note has control character 0x%02x at byte %zu", c, i);
	}
	if (len == 0 || text[len - 1] != '\n')
		return trace__fail(TRACE_EINVAL, "note text must end with a newline");
	return TRACE_OK;
}

int trace__cosignature_message(uint8_t **out, size_t *len, const char *text, size_t text_len,
                               uint64_t timestamp)
{
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_printf(&b, "cosignature/v1\ntime %llu\n", (unsigned long long)timestamp);
	trace__sbuf_put(&b, text, text_len);
	if (b.oom) {
		trace__sbuf_free(&b);
		return trace__oom();
	}
	*out = b.p;
	*len = b.len;
	return TRACE_OK;
}

static size_t last_blank_line(const char *msg, size_t len)
{
	for (size_t i = len - 1; i-- > 0;)
		if (msg[i] == '\n' && msg[i + 1] == '\n')
			return i;
	return (size_t)-1;
}

int trace_note_parse(trace_note **out, const char *msg, size_t len)
{
	int rc;
	if (out == NULL || (msg == NULL && len))
		return trace__fail(TRACE_EINVAL, "trace_note_parse: NULL argument");
	*out = NULL;
	if (len < 2)
		return trace__fail(TRACE_EINVAL, "note is too short to hold text and a signature");
	rc = trace__note_text_check(msg, len);
	if (rc)
		return rc;
	size_t split = last_blank_line(msg, len);
	if (split == (size_t)-1)
		return trace__fail(TRACE_EINVAL, "note has no blank line before its signatures");

	trace_note *n = trace__calloc(1, sizeof *n);
	if (n == NULL)
		return trace__oom();
	n->msg = trace__memdup(msg, len);
	if (n->msg == NULL) {
		trace__free(n);
		return trace__oom();
	}
	n->text_len = split + 1;

	size_t pos = split + 2, line_no = 1;
	if (pos >= len) {
		trace_note_free(n);
		return trace__fail(TRACE_EINVAL, "note has no signature lines");
	}
	while (pos < len) {
		char *line = n->msg + pos;
		char *end = memchr(line, '\n', len - pos);	/* text ends in newline: found */
		size_t line_len = (size_t)(end - line);
		pos += line_len + 1;
		if (n->nsigs == TRACE_NOTE_MAX_SIGNATURES) {
			trace_note_free(n);
			return trace__fail(TRACE_ELIMIT, "note has more than %d signatures", TRACE_NOTE_MAX_SIGNATURES);
		}
		if (line_len < sizeof em_dash - 1 || memcmp(line, em_dash, sizeof em_dash - 1) != 0) {
			trace_note_free(n);
			return trace__fail(TRACE_EINVAL, "signature line %zu does not start with an em dash (U+2014) and a space", line_no);
		}
		char *name = line + sizeof em_dash - 1;
		char *space = memchr(name, ' ', (size_t)(end - name));
		if (space == NULL || !trace__key_name_ok(name, (size_t)(space - name))) {
			trace_note_free(n);
			return trace__fail(TRACE_EINVAL, "signature line %zu: expected a key name without spaces or '+', a space, then base64", line_no);
		}
		*space = '\0';
		note_sig *s = &n->sigs[n->nsigs];
		s->name = name;
		size_t b64_len = (size_t)(end - space - 1);
		s->payload = trace__malloc(b64_len / 4 * 3 + 1);
		if (s->payload == NULL) {
			trace_note_free(n);
			return trace__oom();
		}
		n->nsigs++;
		long dec = b64_len > SIG_MAX ? -1 : trace__base64_decode(s->payload, b64_len / 4 * 3 + 1, space + 1, b64_len);
		if (dec < 5) {
			trace_note_free(n);
			return trace__fail(TRACE_EINVAL, "signature line %zu: signature is not base64 of a key ID and a signature", line_no);
		}
		s->payload_len = (size_t)dec;
		s->key_id = (uint32_t)s->payload[0] << 24 | (uint32_t)s->payload[1] << 16 |
		            (uint32_t)s->payload[2] << 8 | s->payload[3];
		line_no++;
	}
	*out = n;
	return TRACE_OK;
}

void trace_note_free(trace_note *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nsigs; i++)
		trace__free(n->sigs[i].payload);
	trace__free(n->msg);
	trace__free(n);
}

const char *trace_note_text(const trace_note *n, size_t *len)
{
	if (n == NULL)
		return NULL;
	if (len)
		*len = n->text_len;
	return n->msg;
}

size_t trace_note_signature_count(const trace_note *n)
{
	return n ? n->nsigs : 0;
}

static int verify_one(const trace_note *n, const note_sig *s, const trace_verifier *v)
{
	const uint8_t *sig = s->payload + 4;
	size_t sig_len = s->payload_len - 4;
	int rc;

	if (v->type == TRACE_KEY_COSIGNATURE_V1) {
		if (sig_len < 8)
			return trace__fail(TRACE_EBADSIG, "cosignature by %s has no timestamp", v->name);
		uint64_t ts = 0;
		for (int i = 0; i < 8; i++)
			ts = ts << 8 | sig[i];
		if (ts >= (uint64_t)1 << 63)
			return trace__fail(TRACE_EBADSIG, "cosignature by %s has a timestamp above 2^63-1", v->name);
		uint8_t *msg;
		size_t msg_len;
		rc = trace__cosignature_message(&msg, &msg_len, n->msg, n->text_len, ts);
		if (rc)
			return rc;
		rc = trace__pubkey_verify(v->key, sig + 8, sig_len - 8, msg, msg_len);
		trace__free(msg);
	} else {
		rc = trace__pubkey_verify(v->key, sig, sig_len, (const uint8_t *)n->msg, n->text_len);
	}
	if (rc == TRACE_EBADSIG) {
		char hex[9];
		trace__hex8(hex, v->key_id);
		return trace__fail(TRACE_EBADSIG, "signature by known key %s+%s does not verify", v->name, hex);
	}
	return rc;
}

/* Records in @marks[i] the key (if any) that verified signature line i of
 * @n.  With @each, every line of a known key is checked; otherwise a key's
 * repeated lines count once.  Any failure clears all marks: a rejected
 * note vouches for nothing, not even its good signatures. */
static int verify_marked(const trace_note *n, const trace_verifier *const *keys, size_t nkeys, int each,
                         const trace_verifier **marks, size_t *verified)
{
	*verified = 0;
	for (size_t i = 0; i < n->nsigs; i++)
		marks[i] = NULL;
	for (size_t i = 0; i < n->nsigs; i++) {
		const note_sig *s = &n->sigs[i];
		for (size_t k = 0; k < nkeys; k++) {
			const trace_verifier *v = keys[k];
			if (v == NULL || v->key_id != s->key_id || strcmp(v->name, s->name) != 0)
				continue;
			int seen = 0;
			for (size_t j = 0; j < i && !each; j++)
				seen |= marks[j] == v;
			if (seen)
				break;
			int rc = verify_one(n, s, v);
			if (rc) {
				for (size_t j = 0; j < n->nsigs; j++)
					marks[j] = NULL;
				*verified = 0;
				return rc;
			}
			marks[i] = v;
			++*verified;
			break;
		}
	}
	return TRACE_OK;
}

/* The time a verified type-0x04 line states: its first 8 bytes after the key ID. */
static uint64_t cosignature_time(const note_sig *s)
{
	uint64_t ts = 0;
	for (int i = 0; i < 8; i++)
		ts = ts << 8 | s->payload[4 + i];
	return ts;
}

int trace_note_verify(uint8_t *verified_out, uint64_t *timestamps_out, const trace_note *n,
                      const trace_verifier *const *keys, size_t nkeys)
{
	const trace_verifier *marks[TRACE_NOTE_MAX_SIGNATURES];
	size_t verified;
	if (n == NULL || (keys == NULL && nkeys))
		return trace__fail(TRACE_EINVAL, "trace_note_verify: NULL argument");
	for (size_t k = 0; k < nkeys; k++) {
		if (verified_out)
			verified_out[k] = 0;
		if (timestamps_out)
			timestamps_out[k] = 0;
	}
	int rc = verify_marked(n, keys, nkeys, 0, marks, &verified);
	if (rc == TRACE_OK && verified == 0)
		return trace__fail(TRACE_EBADSIG, "note has no signature from a known key");
	for (size_t i = 0; rc == TRACE_OK && i < n->nsigs; i++)
		for (size_t k = 0; marks[i] && k < nkeys; k++)
			if (keys[k] == marks[i]) {
				if (verified_out)
					verified_out[k] = 1;
				if (timestamps_out && keys[k]->type == TRACE_KEY_COSIGNATURE_V1)
					timestamps_out[k] = cosignature_time(&n->sigs[i]);
			}
	return rc;
}

int trace__note_verify_each(const trace_note *n, const trace_verifier *const *keys, size_t nkeys,
                            const trace_verifier **marks, size_t *verified)
{
	return verify_marked(n, keys, nkeys, 1, marks, verified);
}

static void put_signature_line(trace__sbuf *b, const char *name, const uint8_t *sig, size_t len)
{
	trace__sbuf_puts(b, em_dash);
	trace__sbuf_puts(b, name);
	trace__sbuf_putc(b, ' ');
	trace__sbuf_base64(b, sig, len);
	trace__sbuf_putc(b, '\n');
}

void trace__note_put_verified(trace__sbuf *b, const trace_note *n, const trace_verifier *const *marks)
{
	for (size_t i = 0; i < n->nsigs; i++)
		if (marks[i] != NULL)
			put_signature_line(b, n->sigs[i].name, n->sigs[i].payload, n->sigs[i].payload_len);
}

int trace_note_sign(trace_buf *out, const char *text, size_t len,
                    trace_signer *const *signers, size_t n, uint64_t timestamp)
{
	uint8_t sig[SIG_MAX];
	size_t sig_len;
	int rc;

	if (out == NULL || text == NULL || (signers == NULL && n))
		return trace__fail(TRACE_EINVAL, "trace_note_sign: NULL argument");
	if (n == 0)
		return trace__fail(TRACE_EINVAL, "trace_note_sign: at least one signer is needed");
	if (n > TRACE_NOTE_MAX_SIGNATURES)
		return trace__fail(TRACE_ELIMIT, "trace_note_sign: more than %d signers", TRACE_NOTE_MAX_SIGNATURES);
	rc = trace__note_text_check(text, len);
	if (rc)
		return rc;
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_put(&b, text, len);
	trace__sbuf_putc(&b, '\n');
	for (size_t i = 0; i < n; i++) {
		rc = trace__signer_note_signature(signers[i], sig, sizeof sig, &sig_len, text, len, timestamp);
		if (rc) {
			trace__sbuf_free(&b);
			return rc;
		}
		put_signature_line(&b, trace_signer_name(signers[i]), sig, sig_len);
	}
	return trace__sbuf_finish(&b, out);
}

int trace_note_cosign(trace_buf *out, const char *note, size_t len, trace_signer *cosigner,
                      uint64_t timestamp)
{
	trace_note *n = NULL;
	uint8_t sig[SIG_MAX];
	size_t sig_len;
	int rc;

	if (out == NULL || note == NULL || cosigner == NULL)
		return trace__fail(TRACE_EINVAL, "trace_note_cosign: NULL argument");
	if (trace__signer_type(cosigner) != TRACE_KEY_COSIGNATURE_V1)
		return trace__fail(TRACE_EINVAL, "trace_note_cosign: %s is not a cosignature (type 0x04) key",
		                   trace_signer_name(cosigner));
	rc = trace_note_parse(&n, note, len);
	if (rc)
		return rc;
	if (n->nsigs == TRACE_NOTE_MAX_SIGNATURES) {
		trace_note_free(n);
		return trace__fail(TRACE_ELIMIT, "note already has %d signatures", TRACE_NOTE_MAX_SIGNATURES);
	}
	rc = trace__signer_note_signature(cosigner, sig, sizeof sig, &sig_len, n->msg, n->text_len, timestamp);
	trace_note_free(n);
	if (rc)
		return rc;
	trace__sbuf b = TRACE__SBUF_INIT;
	trace__sbuf_put(&b, note, len);
	put_signature_line(&b, trace_signer_name(cosigner), sig, sig_len);
	return trace__sbuf_finish(&b, out);
}
