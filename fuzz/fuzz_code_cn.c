/*
 * fuzz_code_cn: NMPA 20-digit drug codes, MA (IDcode) codes and native
 * codes, each parser directly and through form detection; a canonical
 * string must parse to itself (fuzz_code.h).  Input: the code.
 */
#include "fuzz_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_code_one(data, size, TRACE_CODE_FORM_NMPA);
	fuzz_code_one(data, size, TRACE_CODE_FORM_MA);
	fuzz_code_one(data, size, TRACE_CODE_FORM_NATIVE);
	fuzz_code_one(data, size, TRACE_CODE_FORM_AUTO);
	return 0;
}
