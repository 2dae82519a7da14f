/*
 * event/ident: identifiers in events.  Codes, classes, locations, parents and
 * parties are stored in the code module's canonical form; a URI the code
 * module does not know (urn:epc:id:bic:..., a web URI of one's own) is kept
 * as an opaque identifier, byte for byte.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "trace/code.h"
#include "event_internal.h"
#include "../code/code_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/text.h"

int trace__ev_text_ok(const char *s, size_t len)
{
	if (memchr(s, 0, len) != NULL)
		return 0;
	return trace__utf8_invalid_at((const uint8_t *)s, len) == (size_t)-1;
}

static int hexd(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int trace__ev_is_uri(const char *s)
{
	if (s == NULL || !isalpha((unsigned char)s[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	if (s[i] != ':' || s[i + 1] == '\0')
		return 0;
	for (i++; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			continue; /* IRI: UTF-8 checked by the caller */
		if (isalnum(c) || strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL)
			continue;
		if (c == '%' && hexd(s[i + 1]) && hexd(s[i + 2])) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}

/* Text the code module claims as its own: a failure there is a bad code, not an opaque URI. */
static int claimed(const char *s)
{
	if (strncasecmp(s, "urn:epc:", 8) == 0)
		return 1;
	const char *h = NULL;
	if (strncasecmp(s, "https://", 8) == 0)
		h = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		h = s + 7;
	return h != NULL && strncasecmp(h, "id.gs1.org/", 11) == 0;
}

int trace__ev_canonical_id(char **out, const char *text, const char *what)
{
	*out = NULL;
	if (trace__code_is_canonical_key(text)) {
		*out = trace__strdup(text);
		return *out ? TRACE_OK : trace__oom();
	}
	trace_code *c = NULL;
	int rc = trace_code_parse(&c, text, TRACE_CODE_FORM_AUTO, 0);
	if (rc == TRACE_OK) {
		*out = trace__strdup(trace_code_canonical(c));
		trace_code_free(c);
		return *out ? TRACE_OK : trace__oom();
	}
	if (rc == TRACE_ENOMEM)
		return rc;
	int is_uri = trace__ev_is_uri(text);
	if (is_uri && (rc == TRACE_EUNSUPPORTED || (rc == TRACE_EINVAL && !claimed(text)))) {
		*out = trace__strdup(text);
		return *out ? TRACE_OK : trace__oom();
	}
	if (rc == TRACE_EINVAL || rc == TRACE_EUNSUPPORTED || rc == TRACE_ELIMIT) {
		trace__error_prefix("%s: \"%.100s\" is neither a valid code nor an absolute URI", what, text);
		trace__error_recode(TRACE_EINVAL);
		return TRACE_EINVAL;
	}
	return rc;
}

int trace__ev_id_is_canonical(const char *s, const char *what)
{
	char *c = NULL;
	int rc = trace__ev_canonical_id(&c, s, what);
	if (rc)
		return rc;
	int same = strcmp(c, s) == 0;
	if (!same)
		rc = trace__fail(TRACE_EINVAL, "%s: \"%.100s\" is not in canonical form (expected \"%.100s\")",
		                 what, s, c);
	trace__free(c);
	return rc;
}

int trace__ev_uom_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
			return 0;
	return 1;
}

static size_t mt_token(const char *s)
{
	size_t i = 0;
	while (isalnum((unsigned char)s[i]) || (s[i] && strchr("!#$&-^_.+", s[i]) != NULL))
		i++;
	return i;
}

int trace__ev_media_type_ok(const char *s)
{
	size_t a = mt_token(s);
	if (a == 0 || a > 127 || s[a] != '/')
		return 0;
	size_t b = mt_token(s + a + 1);
	return b > 0 && b <= 127 && s[a + 1 + b] == '\0';
}
