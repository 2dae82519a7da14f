/* Signed notes, keys, checkpoints and cosignatures: spec examples, golden
 * signatures, round trips and every rejection the parser promises. */
#include "../test.h"

#include <trace/sys/signer.h>

/* A fixed test key (seed bytes 0x01..0x20), so signatures are golden. */
static const char *fixed_skey =
	"PRIVATE+KEY+example.com/test+f24ff7b2+AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g";

static void spec_example(void)
{
	const char *vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
	const char *note = "This is an example message.\n\n"
		"\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
	trace_verifier *v;
	trace_note *n;
	size_t len;
	CHECK_OK(trace_verifier_new(&v, vkey));
	CHECK(trace_verifier_key_id(v) == 0x530d903a);
	CHECK(strcmp(trace_verifier_name(v), "example.com/foo") == 0);
	CHECK_OK(trace_note_parse(&n, note, strlen(note)));
	CHECK_OK(trace_note_verify(NULL, NULL, n, (const trace_verifier *const *)&v, 1));
	CHECK(strcmp(trace_note_text(n, &len), "This is an example message.\n\n\xe2\x80\x94") != 0);
	CHECK(len == strlen("This is an example message.\n"));
	trace_note_free(n);
	/* One changed byte of text breaks the known key's signature. */
	char *bad = strdup(note);
	bad[0] = 't';
	CHECK_OK(trace_note_parse(&n, bad, strlen(bad)));
	CHECK_RC(trace_note_verify(NULL, NULL, n, (const trace_verifier *const *)&v, 1), TRACE_EBADSIG);
	CHECK_MSG("example.com/foo");
	trace_note_free(n);
	free(bad);
	trace_verifier_free(v);
}

static void keys(void)
{
	trace_signer *s;
	trace_buf vkey = TRACE_BUF_INIT, sk = TRACE_BUF_INIT, vk = TRACE_BUF_INIT;
	CHECK_OK(trace_signer_from_skey(&s, fixed_skey));
	CHECK_OK(trace_signer_vkey(&vkey, s));
	/* Golden, computed with Python cryptography: seed 01..20 gives this key and ID. */
	CHECK(strcmp((char *)vkey.ptr, "example.com/test+f24ff7b2+AXm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk") == 0);
	trace_buf_dispose(&vkey);
	trace_signer_free(s);

	CHECK_OK(trace_key_generate(&sk, &vk, "example.org/w", TRACE_KEY_COSIGNATURE_V1));
	trace_verifier *v;
	CHECK_OK(trace_verifier_new(&v, (char *)vk.ptr));
	CHECK(trace_verifier_type(v) == TRACE_KEY_COSIGNATURE_V1);
	trace_verifier_free(v);
	CHECK_OK(trace_signer_from_skey(&s, (char *)sk.ptr));
	trace_signer_free(s);
	trace_buf_dispose(&sk);
	trace_buf_dispose(&vk);

	static const struct { const char *key; int rc; const char *msg; } bad_vkeys[] = {
		{ "example.com/foo+530d903a", TRACE_EINVAL, "name+hex8+base64" },
		{ "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", TRACE_EINVAL, "hex" },
		{ "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", TRACE_EINVAL, "does not match" },
		{ "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2", TRACE_EINVAL, "base64" },
		{ "example.com/foo+530d903a+AuyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k=", TRACE_EUNSUPPORTED, "0x02" },
		{ "exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", TRACE_EINVAL, "key name" },
		{ "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", TRACE_EINVAL, "key name" },
		{ "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYc", TRACE_EINVAL, "bytes" },
	};
	for (size_t i = 0; i < sizeof bad_vkeys / sizeof bad_vkeys[0]; i++) {
		trace_verifier *x = NULL;
		CHECK_RC(trace_verifier_new(&x, bad_vkeys[i].key), bad_vkeys[i].rc);
		CHECK_MSG(bad_vkeys[i].msg);
		CHECK(x == NULL);
	}
	CHECK_RC(trace_signer_from_skey(&s, "PRIVATE+KEY+example.com/test+f24ff7b3+AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"),
	         TRACE_EINVAL);
	CHECK_MSG("does not match");
	CHECK_RC(trace_signer_from_skey(&s, "example.com/test+f24ff7b2+AQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"), TRACE_EINVAL);
	CHECK_MSG("PRIVATE+KEY+");
	CHECK_RC(trace_key_generate(&sk, &vk, "has+plus", TRACE_KEY_ED25519), TRACE_EINVAL);
	CHECK_RC(trace_key_generate(&sk, &vk, "x", 0x02), TRACE_EUNSUPPORTED);
}

static void sign_and_verify(void)
{
	trace_signer *s;
	trace_verifier *v, *other;
	trace_buf note = TRACE_BUF_INIT, ov = TRACE_BUF_INIT, os = TRACE_BUF_INIT, vk = TRACE_BUF_INIT;
	trace_note *n;
	const char *text = "example.com/test\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	CHECK_OK(trace_signer_from_skey(&s, fixed_skey));
	CHECK_OK(trace_signer_vkey(&vk, s));
	CHECK_OK(trace_verifier_new(&v, (char *)vk.ptr));
	CHECK_OK(trace_note_sign(&note, text, strlen(text), &s, 1, 0));
	/* Ed25519 is deterministic: this exact line (computed with Python
	 * cryptography) is what any correct implementation signs. */
	const char *golden = "\n\xe2\x80\x94 example.com/test 8k/3sjq6AZBS4F7sg1TyMp7Lf4jkoy5w6sgL0LOoFFgIOPJxeA2284xkbcGXDmA7oPylPCv8XhhGZj3thsSqaodlIAI=\n";
	CHECK(strstr((char *)note.ptr, golden) != NULL);
	CHECK_OK(trace_note_parse(&n, (char *)note.ptr, note.size));
	uint8_t ok[2] = { 9, 9 };
	uint64_t when[2] = { 9, 9 };
	CHECK_OK(trace_note_verify(ok, when, n, (const trace_verifier *const *)&v, 1));
	CHECK(ok[0] == 1 && when[0] == 0 && ok[1] == 9);	/* one key, one answer; nothing beyond */
	trace_note_free(n);

	/* Unknown keys are ignored; a note with only unknown keys is rejected. */
	CHECK_OK(trace_key_generate(&os, &ov, "example.com/other", TRACE_KEY_ED25519));
	CHECK_OK(trace_verifier_new(&other, (char *)ov.ptr));
	CHECK_OK(trace_note_parse(&n, (char *)note.ptr, note.size));
	CHECK_RC(trace_note_verify(NULL, NULL, n, (const trace_verifier *const *)&other, 1), TRACE_EBADSIG);
	CHECK_MSG("no signature from a known key");
	const trace_verifier *both[] = { other, v };
	CHECK_OK(trace_note_verify(ok, NULL, n, both, 2));
	CHECK(ok[0] == 0 && ok[1] == 1);
	trace_note_free(n);

	/* Cosign with a timestamp; the cosignature verifies with its own key. */
	trace_buf wsk = TRACE_BUF_INIT, wvk = TRACE_BUF_INIT, cosigned = TRACE_BUF_INIT;
	trace_signer *w;
	trace_verifier *wv;
	CHECK_OK(trace_key_generate(&wsk, &wvk, "witness.example/w1", TRACE_KEY_COSIGNATURE_V1));
	CHECK_OK(trace_signer_from_skey(&w, (char *)wsk.ptr));
	CHECK_OK(trace_verifier_new(&wv, (char *)wvk.ptr));
	CHECK_OK(trace_note_cosign(&cosigned, (char *)note.ptr, note.size, w, 1679315147));
	CHECK_OK(trace_note_parse(&n, (char *)cosigned.ptr, cosigned.size));
	CHECK(trace_note_signature_count(n) == 2);
	const trace_verifier *all[] = { v, wv };
	CHECK_OK(trace_note_verify(ok, when, n, all, 2));
	CHECK(ok[0] == 1 && ok[1] == 1 && when[1] == 1679315147);
	/* A failed verification vouches for no key, not even one whose line is good. */
	trace_note *bad = NULL;
	char *forged = malloc(cosigned.size);
	memcpy(forged, cosigned.ptr, cosigned.size);
	forged[cosigned.size - 3] = forged[cosigned.size - 3] == 'A' ? 'B' : 'A';	/* the cosignature's base64 */
	CHECK_OK(trace_note_parse(&bad, forged, cosigned.size));
	CHECK_RC(trace_note_verify(ok, when, bad, all, 2), TRACE_EBADSIG);
	CHECK(ok[0] == 0 && ok[1] == 0);
	trace_note_free(bad);
	free(forged);
	trace_note_free(n);
	CHECK_RC(trace_note_cosign(&cosigned, (char *)note.ptr, note.size, s, 1), TRACE_EINVAL);
	CHECK_MSG("cosignature");
	CHECK_RC(trace_note_cosign(&cosigned, (char *)note.ptr, note.size, w, (uint64_t)1 << 63), TRACE_EINVAL);

	trace_buf_dispose(&cosigned);
	trace_signer_free(w);
	trace_verifier_free(wv);
	trace_buf_dispose(&wsk);
	trace_buf_dispose(&wvk);
	trace_verifier_free(other);
	trace_buf_dispose(&os);
	trace_buf_dispose(&ov);
	trace_buf_dispose(&note);
	trace_buf_dispose(&vk);
	trace_verifier_free(v);
	trace_signer_free(s);
}

static int sign_cb(uint8_t *sig, size_t cap, size_t *len, const uint8_t *msg, size_t mlen, void *payload)
{
	/* Stands in for an HSM: delegates to an in-memory signer via a note. */
	trace_signer *inner = payload;
	trace_buf note = TRACE_BUF_INIT;
	(void)cap;
	if (trace_note_sign(&note, (const char *)msg, mlen, &inner, 1, 0) != TRACE_OK)
		return -1;
	/* The signature line's base64 holds key ID || signature; decode the tail. */
	const char *b64 = strrchr((char *)note.ptr, ' ') + 1;
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t raw[80];
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (; *b64 && *b64 != '=' && *b64 != '\n'; b64++) {
		acc = acc << 6 | (uint32_t)(strchr(alphabet, *b64) - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (uint8_t)(acc >> bits);
		}
	}
	memcpy(sig, raw + 4, 64);
	*len = 64;
	trace_buf_dispose(&note);
	return 0;
}

static int refuse_cb(uint8_t *sig, size_t cap, size_t *len, const uint8_t *msg, size_t mlen, void *payload)
{
	(void)sig, (void)cap, (void)len, (void)msg, (void)mlen, (void)payload;
	return -1;	/* an HSM that says no */
}

static void custom_signer(void)
{
	trace_signer *inner, *custom, *failing;
	trace_buf vk = TRACE_BUF_INIT, a = TRACE_BUF_INIT, b = TRACE_BUF_INIT;
	const char *text = "hello\n";
	CHECK_OK(trace_signer_from_skey(&inner, fixed_skey));
	CHECK_OK(trace_signer_vkey(&vk, inner));
	CHECK_OK(trace_signer_new_custom(&custom, (char *)vk.ptr, sign_cb, NULL, inner));
	CHECK_OK(trace_note_sign(&a, text, strlen(text), &custom, 1, 0));
	CHECK_OK(trace_note_sign(&b, text, strlen(text), &inner, 1, 0));
	CHECK(a.size == b.size && memcmp(a.ptr, b.ptr, a.size) == 0);
	trace_buf_dispose(&a);
	CHECK_OK(trace_signer_new_custom(&failing, (char *)vk.ptr, refuse_cb, NULL, NULL));
	CHECK_RC(trace_note_sign(&a, text, strlen(text), &failing, 1, 0), TRACE_EUSER);
	CHECK_MSG("custom signer");
	trace_signer_free(failing);
	trace_buf_dispose(&b);
	trace_signer_free(custom);
	trace_signer_free(inner);
	trace_buf_dispose(&vk);
}

static void parse_rejects(void)
{
	static const struct { const char *note; int rc; const char *msg; } cases[] = {
		{ "no signatures\n", TRACE_EINVAL, "blank line" },
		{ "text\n\n", TRACE_EINVAL, "no signature lines" },
		{ "text\n\n- example.com/foo AAAAAAA=\n", TRACE_EINVAL, "em dash" },
		{ "text\n\n\xe2\x80\x94 example.com/foo AAAA\n", TRACE_EINVAL, "base64" },
		{ "text\n\n\xe2\x80\x94 example.com/foo\n", TRACE_EINVAL, "key name" },
		{ "text\n\n\xe2\x80\x94 example.com/foo AAAAAAA=", TRACE_EINVAL, "newline" },
		{ "te\x01xt\n\n\xe2\x80\x94 example.com/foo AAAAAAA=\n", TRACE_EINVAL, "control character" },
		{ "te\rxt\n\n\xe2\x80\x94 example.com/foo AAAAAAA=\n", TRACE_EINVAL, "control character" },
		{ "te\xc3xt\n\n\xe2\x80\x94 example.com/foo AAAAAAA=\n", TRACE_EINVAL, "UTF-8" },
		{ "text\n\n\xe2\x80\x94 example.com/foo AAAAAAA\n", TRACE_EINVAL, "base64" },
		{ "text\n\n\xe2\x80\x94 example.com/foo AAAAAAB=\n", TRACE_EINVAL, "base64" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		trace_note *n = NULL;
		CHECK_RC(trace_note_parse(&n, cases[i].note, strlen(cases[i].note)), cases[i].rc);
		CHECK_MSG(cases[i].msg);
		CHECK(n == NULL);
	}
	/* 100 signatures are accepted, 101 are not. */
	char *many = malloc(16 + 101 * 40);
	strcpy(many, "text\n\n");
	for (int i = 0; i < 101; i++) {
		strcat(many, "\xe2\x80\x94 k AAAAAAAAAAAAAAAAAAAAAAAA\n");
		trace_note *n = NULL;
		int rc = trace_note_parse(&n, many, strlen(many));
		CHECK(i < 100 ? rc == TRACE_OK : rc == TRACE_ELIMIT);
		trace_note_free(n);
	}
	free(many);
}

static void checkpoints(void)
{
	trace_checkpoint *c;
	const char *text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextension line\n";
	size_t len;
	CHECK_OK(trace_checkpoint_parse(&c, text, strlen(text)));
	CHECK(strcmp(trace_checkpoint_origin(c), "example.com/behind-the-sofa") == 0);
	CHECK(trace_checkpoint_size(c) == 20852163);
	CHECK(trace_checkpoint_root(c, &len) != NULL && len == 32);
	CHECK(trace_checkpoint_extension_count(c) == 1);
	CHECK(strcmp(trace_checkpoint_extension(c, 0), "extension line") == 0);
	trace_buf out = TRACE_BUF_INIT;
	CHECK_OK(trace_checkpoint_format(&out, trace_checkpoint_origin(c), trace_checkpoint_size(c),
	                                 trace_checkpoint_root(c, NULL), 32));
	CHECK(out.size == strlen(text) - strlen("extension line\n") && memcmp(out.ptr, text, out.size) == 0);
	trace_buf_dispose(&out);
	trace_checkpoint_free(c);

	static const struct { const char *text; const char *msg; } bad[] = {
		{ "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "leading zeros" },
		{ "origin\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2" },
		{ "origin\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2" },
		{ "origin\n1\nnot base64!\n", "line 3" },
		{ "origin\n1\n", "got 2 line" },
		{ "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 1 is empty" },
		{ "origin\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n", "line 4 is empty" },
		{ "origin\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "newline" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_RC(trace_checkpoint_parse(&c, bad[i].text, strlen(bad[i].text)), TRACE_EINVAL);
		CHECK_MSG(bad[i].msg);
	}
	const char *empty = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
	CHECK_OK(trace_checkpoint_parse(&c, empty, strlen(empty)));
	CHECK(trace_checkpoint_size(c) == 0);
	trace_checkpoint_free(c);
}

int main(void)
{
	spec_example();
	keys();
	sign_and_verify();
	custom_signer();
	parse_rejects();
	checkpoints();
	return test_done("note");
}
