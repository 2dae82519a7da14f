/*
 * fuzz_policy: the C2SP tlog-policy parser (trust configuration often comes
 * from a file a user edits), then checkpoint verification under the parsed
 * policy against fixed checkpoints signed by the test log and witness keys.
 */
#include <string.h>

#include <trace/error.h>
#include <trace/note.h>

#include "fuzz_data.h"
#include "fuzz_fixtures.h"

static const char *const checkpoints[] = { FUZZ_CHECKPOINT, FUZZ_CHECKPOINT_COSIGNED };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	trace_policy *p = NULL;

	if (fuzz_rc(trace_policy_parse(&p, (const char *)data, size)) != TRACE_OK) {
		FUZZ_CHECK(p == NULL);
		return 0;
	}
	for (size_t i = 0; i < sizeof checkpoints / sizeof checkpoints[0]; i++) {
		trace_checkpoint *c = NULL;
		int rc = fuzz_rc(trace_policy_verify_checkpoint(&c, p, checkpoints[i], strlen(checkpoints[i])));
		FUZZ_CHECK((rc == TRACE_OK) == (c != NULL));
		if (c) {
			FUZZ_CHECK(strcmp(trace_checkpoint_origin(c), "fuzz.example/log") == 0);
			FUZZ_CHECK(trace_checkpoint_size(c) == 7);
		}
		trace_checkpoint_free(c);
	}
	trace_policy_free(p);
	return 0;
}
