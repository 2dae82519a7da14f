/* tlog-policy parsing and quorum checks; tlog-proof parse, format and verify. */
#include "../test.h"

typedef struct key {
	trace_signer *s;
	char vkey[256];
} key;

static void make_key(key *k, const char *name, int type)
{
	trace_buf sk = TRACE_BUF_INIT, vk = TRACE_BUF_INIT;
	CHECK_OK(trace_key_generate(&sk, &vk, name, type));
	CHECK_OK(trace_signer_from_skey(&k->s, (char *)sk.ptr));
	snprintf(k->vkey, sizeof k->vkey, "%s", (char *)vk.ptr);
	trace_buf_dispose(&sk);
	trace_buf_dispose(&vk);
}

static trace_policy *policy(const char *text)
{
	trace_policy *p = NULL;
	CHECK_OK(trace_policy_parse(&p, text, strlen(text)));
	return p;
}

int main(void)
{
	key log, w1, w2, w3;
	make_key(&log, "example.com/log", TRACE_KEY_ED25519);
	make_key(&w1, "w1.example", TRACE_KEY_COSIGNATURE_V1);
	make_key(&w2, "w2.example", TRACE_KEY_COSIGNATURE_V1);
	make_key(&w3, "w3.example", TRACE_KEY_COSIGNATURE_V1);

	/* A checkpoint signed by the log, then cosigned by w1 and w2. */
	const char *text = "example.com/log\n2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	trace_buf signed1 = TRACE_BUF_INIT, c1 = TRACE_BUF_INIT, c2 = TRACE_BUF_INIT;
	CHECK_OK(trace_note_sign(&signed1, text, strlen(text), &log.s, 1, 0));
	CHECK_OK(trace_note_cosign(&c1, (char *)signed1.ptr, signed1.size, w1.s, 1700000000));
	CHECK_OK(trace_note_cosign(&c2, (char *)c1.ptr, c1.size, w2.s, 1700000001));

	char buf[4096];
	snprintf(buf, sizeof buf,
	         "# test policy\n"
	         "log %s https://example.com/log\n\n"
	         "witness W1 %s\n"
	         "  witness\tW2 %s\n"
	         "witness W3 %s\n"
	         "group two 2 W1 W2 W3\n"
	         "group all-of-it all two W3\n"
	         "quorum two\n", log.vkey, w1.vkey, w2.vkey, w3.vkey);
	trace_policy *p = policy(buf);
	trace_checkpoint *cp = NULL;
	CHECK_OK(trace_policy_verify_checkpoint(&cp, p, (char *)c2.ptr, c2.size));
	CHECK(cp && trace_checkpoint_size(cp) == 2);
	trace_checkpoint_free(cp);
	CHECK_RC(trace_policy_verify_checkpoint(NULL, p, (char *)c1.ptr, c1.size), TRACE_EBADSIG);
	CHECK_MSG("quorum \"two\"");
	trace_policy_free(p);

	/* all-of-it needs W3 too. */
	snprintf(buf, sizeof buf, "log %s\nwitness W1 %s\nwitness W2 %s\nwitness W3 %s\n"
	         "group two 2 W1 W2 W3\ngroup both all two W3\nquorum both\n", log.vkey, w1.vkey, w2.vkey, w3.vkey);
	p = policy(buf);
	CHECK_RC(trace_policy_verify_checkpoint(NULL, p, (char *)c2.ptr, c2.size), TRACE_EBADSIG);
	trace_policy_free(p);

	/* quorum none: the log signature alone suffices; a wrong origin does not. */
	snprintf(buf, sizeof buf, "log %s\nquorum none\n", log.vkey);
	p = policy(buf);
	CHECK_OK(trace_policy_verify_checkpoint(NULL, p, (char *)signed1.ptr, signed1.size));
	const char *other = "example.com/other\n2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	trace_buf os = TRACE_BUF_INIT;
	CHECK_OK(trace_note_sign(&os, other, strlen(other), &log.s, 1, 0));
	CHECK_RC(trace_policy_verify_checkpoint(NULL, p, (char *)os.ptr, os.size), TRACE_EBADSIG);
	CHECK_MSG("no log for origin");
	trace_buf_dispose(&os);

	/* A tampered cosignature by a known witness rejects the checkpoint. */
	snprintf(buf, sizeof buf, "log %s\nwitness W1 %s\nquorum W1\n", log.vkey, w1.vkey);
	trace_policy *pw = policy(buf);
	CHECK_OK(trace_policy_verify_checkpoint(NULL, pw, (char *)c1.ptr, c1.size));
	char *bad = (char *)malloc(c1.size + 1);
	memcpy(bad, c1.ptr, c1.size + 1);
	bad[c1.size - 10] = bad[c1.size - 10] == 'A' ? 'B' : 'A';
	CHECK_RC(trace_policy_verify_checkpoint(NULL, pw, bad, c1.size), TRACE_EBADSIG);
	free(bad);

	/* tlog-proof: format, parse, verify against the policy; wrong entry fails. */
	trace_hasher *h;
	uint8_t leaves[2 * 32], root[32];
	CHECK_OK(trace_hasher_new(&h, TRACE_SUITE_SHA256_ED25519));
	CHECK_OK(trace_merkle_leaf_hash(leaves, 32, h, (const uint8_t *)"a", 1));
	CHECK_OK(trace_merkle_leaf_hash(leaves + 32, 32, h, (const uint8_t *)"b", 1));
	CHECK_OK(trace_merkle_root(root, 32, h, leaves, 2));
	trace_buf cptext = TRACE_BUF_INIT, cpnote = TRACE_BUF_INIT, cosig = TRACE_BUF_INIT, path = TRACE_BUF_INIT, proof = TRACE_BUF_INIT;
	CHECK_OK(trace_checkpoint_format(&cptext, "example.com/log", 2, root, 32));
	CHECK_OK(trace_note_sign(&cpnote, (char *)cptext.ptr, cptext.size, &log.s, 1, 0));
	CHECK_OK(trace_note_cosign(&cosig, (char *)cpnote.ptr, cpnote.size, w1.s, 1700000000));
	CHECK_OK(trace_merkle_inclusion_proof(&path, h, leaves, 2, 1));
	const uint8_t extra[] = "ctx";
	CHECK_OK(trace_tlog_proof_format(&proof, 1, path.ptr, path.size, 32, (char *)cosig.ptr, cosig.size, extra, 3));
	trace_tlog_proof *tp;
	CHECK_OK(trace_tlog_proof_parse(&tp, (char *)proof.ptr, proof.size));
	size_t elen;
	CHECK(trace_tlog_proof_index(tp) == 1);
	CHECK(trace_tlog_proof_extra(tp, &elen) && elen == 3);
	CHECK_OK(trace_tlog_proof_verify(tp, pw, (const uint8_t *)"b", 1));
	CHECK_RC(trace_tlog_proof_verify(tp, pw, (const uint8_t *)"a", 1), TRACE_ECHAINBREAK);
	CHECK_MSG("entry 1 of \"example.com/log\"");
	trace_tlog_proof_free(tp);
	/* Without the witness, the quorum policy rejects the same proof. */
	trace_buf plain = TRACE_BUF_INIT;
	CHECK_OK(trace_tlog_proof_format(&plain, 1, path.ptr, path.size, 32, (char *)cpnote.ptr, cpnote.size, NULL, 0));
	CHECK_OK(trace_tlog_proof_parse(&tp, (char *)plain.ptr, plain.size));
	CHECK(trace_tlog_proof_extra(tp, NULL) == NULL);
	CHECK_RC(trace_tlog_proof_verify(tp, pw, (const uint8_t *)"b", 1), TRACE_EBADSIG);
	CHECK_OK(trace_tlog_proof_verify(tp, p, (const uint8_t *)"b", 1));
	trace_tlog_proof_free(tp);

	static const struct { const char *text; const char *msg; } bad_proofs[] = {
		{ "c2sp.org/tlog-proof@v2\nindex 0\n\nx\n", "line 1" },
		{ "c2sp.org/tlog-proof@v1\nindex 01\n\nx\n", "index" },
		{ "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nx\n", "extra" },
		{ "c2sp.org/tlog-proof@v1\nindex 0\nnot-base64\n\nx\n", "proof hash" },
		{ "c2sp.org/tlog-proof@v1\nindex 0\n", "empty line" },
		{ "c2sp.org/tlog-proof@v1\nindex 0\n\n", "checkpoint is missing" },
	};
	for (size_t i = 0; i < sizeof bad_proofs / sizeof bad_proofs[0]; i++) {
		CHECK_RC(trace_tlog_proof_parse(&tp, bad_proofs[i].text, strlen(bad_proofs[i].text)), TRACE_EINVAL);
		CHECK_MSG(bad_proofs[i].msg);
	}

	/* Policy syntax errors name the line and the rule. */
	static const struct { const char *fmt; const char *msg; } bad_policies[] = {
		{ "quorum W9\n", "not defined" },
		{ "log %s\n", "no quorum" },
		{ "log %s\nlog %s\nquorum none\n", "duplicate log key" },
		{ "witness W1 %s\nquorum none\nquorum none\n", "exactly one quorum" },
		{ "witness W1 %s\ngroup g 2 W1\nquorum g\n", "threshold" },
		{ "witness W1 %s\ngroup g any W1 W1\nquorum g\n", "listed twice" },
		{ "witness none %s\nquorum none\n", "already defined" },
		{ "frobnicate x\nquorum none\n", "unknown keyword" },
		{ "quorum none\x01\n", "control character" },
	};
	for (size_t i = 0; i < sizeof bad_policies / sizeof bad_policies[0]; i++) {
		const char *k = strstr(bad_policies[i].fmt, "witness") == bad_policies[i].fmt ? w1.vkey : log.vkey;
		snprintf(buf, sizeof buf, bad_policies[i].fmt, k, k);
		trace_policy *x = NULL;
		CHECK_RC(trace_policy_parse(&x, buf, strlen(buf)), TRACE_EINVAL);
		CHECK_MSG(bad_policies[i].msg);
	}
	/* Key roles: a cosignature key cannot be a log, nor an Ed25519 key a witness. */
	snprintf(buf, sizeof buf, "log %s\nquorum none\n", w1.vkey);
	trace_policy *x = NULL;
	CHECK_RC(trace_policy_parse(&x, buf, strlen(buf)), TRACE_EINVAL);
	CHECK_MSG("type 0x01");

	trace_buf_dispose(&plain);
	trace_buf_dispose(&proof);
	trace_buf_dispose(&path);
	trace_buf_dispose(&cosig);
	trace_buf_dispose(&cpnote);
	trace_buf_dispose(&cptext);
	trace_hasher_free(h);
	trace_policy_free(pw);
	trace_policy_free(p);
	trace_buf_dispose(&signed1);
	trace_buf_dispose(&c1);
	trace_buf_dispose(&c2);
	trace_signer_free(log.s);
	trace_signer_free(w1.s);
	trace_signer_free(w2.s);
	trace_signer_free(w3.s);
	return test_done("policy and tlog-proof");
}
