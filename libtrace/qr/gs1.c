/*
 * qr/gs1: an element string (bracketed, or already AI data separated by GS)
 * as the bytes a GS1 QR or GS1 DataMatrix symbol carries after FNC1 in first
 * position.  The code module parses and validates it (AIs, lengths, check
 * digits, character sets), so a symbol never carries a malformed GS1 string.
 * Layer: qr module over the code module's public API.
 */
#include <string.h>

#include "trace/code.h"
#include "trace/error.h"
#include "qr_internal.h"
#include "error_internal.h"

#define GS 0x1d

int trace__gs1_fnc1_form(char **out, size_t *len_out, const char *text)
{
	trace_code *c = NULL;
	trace_buf b = TRACE_BUF_INIT;
	int form = text[0] == '(' ? TRACE_CODE_FORM_BRACKETED : TRACE_CODE_FORM_ELEMENT_STRING;
	/* A leading GS only restates FNC1 in first position. */
	int rc = trace_code_parse(&c, text[0] == GS ? text + 1 : text, form, 0);
	if (rc == TRACE_OK)
		rc = trace_code_element_string(&b, c, TRACE_CODE_ES_GS);
	trace_code_free(c);
	if (rc) {
		trace__error_prefix("GS1 symbol data");
		return rc;
	}
	*out = (char *)b.ptr;	/* NUL-terminated, released with trace__free() */
	*len_out = b.size;
	return TRACE_OK;
}
