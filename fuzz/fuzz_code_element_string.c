/*
 * fuzz_code_element_string: GS1 element strings, bracketed "(01)..." and
 * unbracketed (GS or '^' separators, optional leading FNC1), under strict
 * and lenient flags; whatever parses must round-trip (fuzz_code.h).
 * Input: the text.
 */
#include "fuzz_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_code_one(data, size, TRACE_CODE_FORM_BRACKETED);
	fuzz_code_one(data, size, TRACE_CODE_FORM_ELEMENT_STRING);
	return 0;
}
