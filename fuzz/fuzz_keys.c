/*
 * fuzz_keys: verifier-key and private-key text (keys arrive in policies,
 * on command lines and in files).  A private key that parses must yield a
 * verifier key that parses back with the same name and key ID, and a
 * signature that verifies.
 */
#include <stdlib.h>
#include <string.h>

#include <trace/error.h>
#include <trace/note.h>

#include "fuzz_data.h"

#define SKEY_PREFIX "PRIVATE+KEY+"

static void check_signer(const trace_signer *s, const char *skey)
{
	trace_buf vkey = TRACE_BUF_INIT, note = TRACE_BUF_INIT;
	trace_verifier *v = NULL;
	trace_note *n = NULL;
	static const char text[] = "fuzz\n";
	char hex[9];

	FUZZ_CHECK(fuzz_rc(trace_signer_vkey(&vkey, s)) == TRACE_OK);
	FUZZ_CHECK(fuzz_rc(trace_verifier_new(&v, (const char *)vkey.ptr)) == TRACE_OK);
	FUZZ_CHECK(strcmp(trace_verifier_name(v), trace_signer_name(s)) == 0);
	/* The key ID is the 8 hex digits after "PRIVATE+KEY+name+" in the input. */
	const char *id = skey + strlen(SKEY_PREFIX) + strlen(trace_signer_name(s)) + 1;
	snprintf(hex, sizeof hex, "%08x", (unsigned)trace_verifier_key_id(v));
	FUZZ_CHECK(strncmp(id, hex, 8) == 0 && id[8] == '+');

	trace_signer *const signers[1] = { (trace_signer *)s };
	FUZZ_CHECK(fuzz_rc(trace_note_sign(&note, text, strlen(text), signers, 1, 1)) == TRACE_OK);
	FUZZ_CHECK(fuzz_rc(trace_note_parse(&n, (const char *)note.ptr, note.size)) == TRACE_OK);
	FUZZ_CHECK(fuzz_rc(trace_note_verify(NULL, NULL, n, (const trace_verifier *const *)&v, 1)) == TRACE_OK);
	trace_note_free(n);
	trace_buf_dispose(&note);
	trace_verifier_free(v);
	trace_buf_dispose(&vkey);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Keys are C strings: an embedded NUL ends the key. */
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	trace_verifier *v = NULL;
	if (fuzz_rc(trace_verifier_new(&v, text)) == TRACE_OK) {
		const char *name = trace_verifier_name(v);
		size_t nl = strlen(name);
		FUZZ_CHECK(nl > 0 && strncmp(text, name, nl) == 0 && text[nl] == '+');
		int type = trace_verifier_type(v);
		FUZZ_CHECK(type == TRACE_KEY_ED25519 || type == TRACE_KEY_COSIGNATURE_V1);
		trace_verifier_free(v);
	} else {
		FUZZ_CHECK(v == NULL);
	}

	trace_signer *s = NULL;
	if (fuzz_rc(trace_signer_from_skey(&s, text)) == TRACE_OK) {
		check_signer(s, text);
		trace_signer_free(s);
	} else {
		FUZZ_CHECK(s == NULL);
	}
	free(text);
	return 0;
}
