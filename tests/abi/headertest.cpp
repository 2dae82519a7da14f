// The public headers compile as C++ (extern "C", no C-only constructs), experimental ones included.
#define TRACE_EXPERIMENTAL_API
#include <trace/trace.h>
#include <trace/sys/signer.h>

int main()
{
	trace_buf buf = TRACE_BUF_INIT;
	trace_buf_dispose(&buf);
	return trace_version_number() == TRACE_VERSION_NUMBER ? 0 : 1;
}
