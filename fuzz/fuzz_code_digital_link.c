/*
 * fuzz_code_digital_link: GS1 Digital Link URIs (stem, key path, query,
 * percent-encoding), then the round trips of fuzz_code.h, and the same
 * bytes through form detection.  Input: the URI.
 */
#include "fuzz_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_code_one(data, size, TRACE_CODE_FORM_DIGITAL_LINK);
	fuzz_code_one(data, size, TRACE_CODE_FORM_AUTO);
	return 0;
}
