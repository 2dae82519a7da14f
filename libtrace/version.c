/* version: the run-time version of the loaded library. */
#include "trace/version.h"

unsigned trace_version_number(void)
{
	return TRACE_VERSION_NUMBER;
}

const char *trace_version_string(void)
{
	return TRACE_VERSION_STRING;
}
