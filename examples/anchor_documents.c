/*
 * Example: a producer anchors documents (inspection reports, certificates)
 * in its own verifiable log and hands out an offline proof, which a
 * regulator then checks with nothing but the producer's verifier key.
 *
 * Usage: anchor_documents DIR   (DIR must not exist yet)
 */
#include <stdio.h>
#include <string.h>

#include <trace/trace.h>

static int fail(const char *what, int rc)
{
	fprintf(stderr, "%s: %s (%s)\n", what, trace_strerror(rc), trace_error_last()->message);
	return 1;
}

int main(int argc, char **argv)
{
	trace_buf skey = TRACE_BUF_INIT, vkey = TRACE_BUF_INIT, checkpoint = TRACE_BUF_INIT, proof = TRACE_BUF_INIT;
	trace_signer *signer = NULL;
	trace_log *log = NULL;
	trace_policy *policy = NULL;
	trace_tlog_proof *parsed = NULL;
	char policy_text[512];
	int rc;

	if (argc != 2)
		return fprintf(stderr, "usage: %s DIR\n", argv[0]), 2;
	if (trace_version_number() < TRACE_VERSION_NUMBER)
		return fprintf(stderr, "libtrace %s is older than the headers\n", trace_version_string()), 1;

	/* In production the key lives in an HSM behind trace_signer_new_custom(). */
	if ((rc = trace_key_generate(&skey, &vkey, "producer.example/documents", TRACE_KEY_ED25519)))
		return fail("generating a key", rc);
	if ((rc = trace_signer_from_skey(&signer, (const char *)skey.ptr)))
		return fail("loading the key", rc);
	if ((rc = trace_log_create(&log, argv[1], "producer.example/documents", (const char *)vkey.ptr, NULL)))
		return fail("creating the log", rc);

	const char *docs[] = { "inspection report #1: pass", "organic certificate 2026", "lab result: Listeria absent" };
	const uint8_t *entries[3];
	size_t lens[3];
	for (int i = 0; i < 3; i++) {
		entries[i] = (const uint8_t *)docs[i];
		lens[i] = strlen(docs[i]);
	}
	uint64_t first;
	if ((rc = trace_log_append(&first, log, entries, lens, 3)))	/* one durable transaction */
		return fail("appending", rc);
	if ((rc = trace_log_checkpoint_sign(&checkpoint, log, signer)))
		return fail("signing a checkpoint", rc);
	if ((rc = trace_log_prove(&proof, log, first + 2, UINT64_MAX)))
		return fail("proving", rc);
	printf("%s", (const char *)proof.ptr);

	/* The regulator's side: only the verifier key and the proof file. */
	snprintf(policy_text, sizeof policy_text, "log %s\nquorum none\n", (const char *)vkey.ptr);
	if ((rc = trace_policy_parse(&policy, policy_text, strlen(policy_text))) ||
	    (rc = trace_tlog_proof_parse(&parsed, (const char *)proof.ptr, proof.size)))
		return fail("reading the proof", rc);
	rc = trace_tlog_proof_verify(parsed, policy, entries[2], lens[2]);
	printf("lab result %s\n", rc == TRACE_OK ? "verified offline" : "NOT verified");
	int forged = trace_tlog_proof_verify(parsed, policy, (const uint8_t *)"lab result: fine", 16);
	printf("forged lab result %s\n", forged == TRACE_OK ? "accepted (bug!)" : "rejected");

	trace_tlog_proof_free(parsed);
	trace_policy_free(policy);
	trace_log_close(log);
	trace_signer_free(signer);
	trace_buf_dispose(&proof);
	trace_buf_dispose(&checkpoint);
	trace_buf_dispose(&vkey);
	trace_buf_dispose(&skey);
	return rc == TRACE_OK && forged == TRACE_ECHAINBREAK ? 0 : 1;
}
