/*
 * fuzz_note: signed-note parsing and verification (untrusted: every note
 * and checkpoint a verifier receives), then the checkpoint body parser on
 * the note's text.  Input: the whole note.
 */
#include <string.h>

#include <trace/error.h>
#include <trace/note.h>

#include "fuzz_data.h"
#include "fuzz_fixtures.h"

static trace_verifier *keys[2];

static void init(void)
{
	if (keys[0])
		return;
	FUZZ_CHECK(trace_verifier_new(&keys[0], FUZZ_LOG_VKEY) == TRACE_OK);
	FUZZ_CHECK(trace_verifier_new(&keys[1], FUZZ_WITNESS_VKEY) == TRACE_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	trace_note *n = NULL;
	trace_checkpoint *c = NULL;
	size_t len;

	init();
	if (fuzz_rc(trace_note_parse(&n, (const char *)data, size)) != TRACE_OK) {
		FUZZ_CHECK(n == NULL);
		return 0;
	}
	const char *text = trace_note_text(n, &len);
	/* The text is a prefix of the note, ends in a newline, and signatures follow. */
	FUZZ_CHECK(len > 0 && len < size && memcmp(text, data, len) == 0 && text[len - 1] == '\n');
	size_t nsig = trace_note_signature_count(n);
	FUZZ_CHECK(nsig >= 1 && nsig <= TRACE_NOTE_MAX_SIGNATURES);

	uint8_t ok[2], again[2];
	int rc = fuzz_rc(trace_note_verify(ok, NULL, n, (const trace_verifier *const *)keys, 2));
	FUZZ_CHECK(rc != TRACE_OK || ok[0] || ok[1]);
	FUZZ_CHECK(rc == TRACE_OK || (!ok[0] && !ok[1]));
	/* Verifying twice gives the same answer (the note is not changed by it). */
	FUZZ_CHECK(fuzz_rc(trace_note_verify(again, NULL, n, (const trace_verifier *const *)keys, 2)) == rc);
	FUZZ_CHECK(memcmp(ok, again, 2) == 0);

	if (fuzz_rc(trace_checkpoint_parse(&c, text, len)) == TRACE_OK) {
		size_t root_len;
		FUZZ_CHECK(strlen(trace_checkpoint_origin(c)) > 0);
		FUZZ_CHECK(trace_checkpoint_root(c, &root_len) != NULL && root_len > 0);
		for (size_t i = 0; i < trace_checkpoint_extension_count(c); i++)
			FUZZ_CHECK(strlen(trace_checkpoint_extension(c, i)) > 0);
		trace_checkpoint_free(c);
	}
	trace_note_free(n);
	return 0;
}
