/*
 * event/ident: identifiers in events.  Codes, classes, locations, parents and
 * parties are stored in the code module's canonical form; a URI the code
 * module does not know (urn:epc:id:bic:..., a web URI of one's own) is kept
 * as an opaque identifier, byte for byte.  A GS1 Digital Link on any host is
 * the code module's: a malformed one is refused, not kept.
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

/*
 * Offset of the first character that can disguise an identifier on a screen
 * or in a report, or -1: C1 controls (U+0080..U+009F) and the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), which reorder or hide the text around them.  @s is UTF-8.
 */
static long disguise_at(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; p[i]; i++) {
		unsigned c = 0;
		if (p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
			c = p[i + 1];
		else if (p[i] == 0xD8 && p[i + 1] == 0x9C)
			c = 0x061C;
		else if (p[i] == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0x8E || p[i + 2] == 0x8F ||
		         (p[i + 2] >= 0xAA && p[i + 2] <= 0xAE)))
			c = 0x2000 | (p[i + 2] & 0x3F);
		else if (p[i] == 0xE2 && p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9)
			c = 0x2040 | (p[i + 2] & 0x3F);
		if (c) {
			*cp = c;
			return (long)i;
		}
	}
	return -1;
}

int trace__ev_is_uri(const char *s)
{
	unsigned cp;
	if (s == NULL || !isalpha((unsigned char)s[0]) || disguise_at(s, &cp) >= 0)
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
	return (h != NULL && strncasecmp(h, "id.gs1.org/", 11) == 0) || trace__dl_claims(s);
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
	unsigned cp;
	long at = disguise_at(text, &cp);
	if (at >= 0)
		return trace__fail(TRACE_EINVAL, "%s: byte %ld holds U+%04X, a %s character: an identifier may not "
		                   "carry C1 controls or bidirectional formatting that disguise it on a screen",
		                   what, at, cp, cp < 0x100 ? "C1 control" : "bidirectional formatting");
	if (rc == TRACE_EINVAL || rc == TRACE_EUNSUPPORTED || rc == TRACE_ELIMIT) {
		if (is_uri && claimed(text)) {
			trace__error_prefix("%s: \"%.100s\" is a GS1 code (EPC URN or Digital Link) and is malformed",
			                    what, text);
			trace__error_recode(TRACE_EINVAL);
			return TRACE_EINVAL;
		}
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
