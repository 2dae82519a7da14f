/* trace proof verify: check a tlog-proof offline against keys or a policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace/trace.h>

#include "cli.h"
#include "commands.h"

static int proof_verify(int argc, char **argv)
{
	const char *vkey = NULL, *entry_file = NULL, *policy_file = NULL, *proof_file = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--vkey") == 0 && i + 1 < argc)
			vkey = argv[++i];
		else if (strcmp(argv[i], "--entry") == 0 && i + 1 < argc)
			entry_file = argv[++i];
		else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			policy_file = argv[++i];
		else if (argv[i][0] != '-' && proof_file == NULL)
			proof_file = argv[i];
		else
			return cli_usage("proof verify: unexpected argument \"%s\"", argv[i]);
	}
	if ((vkey == NULL) == (policy_file == NULL) || entry_file == NULL || proof_file == NULL)
		return cli_usage("usage: trace proof verify (--vkey VKEY | --policy POLICYFILE) --entry FILE PROOFFILE");

	uint8_t *entry = NULL, *proof_text = NULL, *policy_text = NULL;
	size_t entry_len, proof_len, policy_len;
	trace_policy *policy = NULL;
	trace_tlog_proof *proof = NULL;
	int status = 0, rc;
	if (cli_read(entry_file, &entry, &entry_len) || cli_read(proof_file, &proof_text, &proof_len))
		status = EXIT_USAGE;
	if (status == 0 && policy_file && cli_read(policy_file, &policy_text, &policy_len))
		status = EXIT_USAGE;
	if (status == 0 && vkey) {
		/* One log key and no witnesses is the simplest tlog-policy. */
		size_t n = strlen(vkey) + 32;
		policy_text = malloc(n);
		if (policy_text)
			policy_len = (size_t)snprintf((char *)policy_text, n, "log %s\nquorum none\n", vkey);
		else
			status = cli_usage("out of memory");
	}
	if (status == 0 && (rc = trace_policy_parse(&policy, (const char *)policy_text, policy_len)))
		status = cli_fail(rc, vkey ? "--vkey" : policy_file);
	if (status == 0 && (rc = trace_tlog_proof_parse(&proof, (const char *)proof_text, proof_len)))
		status = cli_fail(rc, proof_file);
	if (status == 0 && (rc = trace_tlog_proof_verify(proof, policy, entry, entry_len))) {
		/* A well-formed proof that does not check out is a verification failure. */
		status = cli_fail(rc == TRACE_EINVAL ? TRACE_ECHAINBREAK : rc, "proof verify");
	}
	if (status == 0)
		printf("ok: entry %llu is in the log under a checkpoint the policy accepts\n",
		       (unsigned long long)trace_tlog_proof_index(proof));
	trace_tlog_proof_free(proof);
	trace_policy_free(policy);
	free(entry);
	free(proof_text);
	free(policy_text);
	return status;
}

int cmd_proof(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return proof_verify(argc, argv);
	return cli_usage("usage: trace proof verify (--vkey VKEY | --policy POLICYFILE) --entry FILE PROOFFILE");
}
