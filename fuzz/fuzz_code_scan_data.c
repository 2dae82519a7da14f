/*
 * fuzz_code_scan_data: scanner output led by a symbology identifier
 * ("]d2", "]Q3", "]C1", "]e0", "]E0", "]Q1" + Digital Link ...), then the
 * round trips of fuzz_code.h.  Input: the scan data.
 */
#include "fuzz_code.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_code_one(data, size, TRACE_CODE_FORM_SCAN_DATA);
	return 0;
}
