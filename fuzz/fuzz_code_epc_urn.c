/*
 * fuzz_code_epc_urn: EPC pure-identity URNs ("urn:epc:id:sgtin:..."), then
 * the round trips of fuzz_code.h (including back to a URN).  Input: the URN.
 */
#include "fuzz_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_code_one(data, size, TRACE_CODE_FORM_EPC_URN);
	return 0;
}
