/* GS1 Digital Link: parsing (accept and must-reject), generation, canonical keys, round trips. */
#include "code_test.h"
#include "../../libtrace/code/code_internal.h"

#define DL TRACE_CODE_FORM_DIGITAL_LINK

static void accepts(const char *uri, unsigned flags, const char *es_gs, const char *canonical_dl)
{
	trace_code *c = parse_ok(uri, TRACE_CODE_FORM_AUTO, flags);
	if (c == NULL)
		return;
	CHECK(trace_code_form(c) == DL);
	if (es_gs)
		CHECK_BUF(trace_code_element_string(&b_, c, TRACE_CODE_ES_GS), es_gs);
	if (canonical_dl)
		CHECK_BUF(trace_code_digital_link(&b_, c, NULL), canonical_dl);
	trace_code_free(c);
}

static void test_parse(void)
{
	/* Examples of the GS1 Digital Link standard. */
	accepts("https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426", 0,
	        "010952012345678810ABC1\x1d" "2112345\x1d" "17180426",
	        "https://id.gs1.org/01/09520123456788/10/ABC1/21/12345?17=180426");
	accepts("https://id.gs1.org/01/09520123456788?3103=000195&3922=0299&17=201225", 0,
	        "0109520123456788310300019539220299\x1d" "17201225", NULL);
	accepts("https://example.cn/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231&linkType=gs1:pip", 0,
	        NULL, "https://id.gs1.org/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231");
	/* Any stem; the right-most primary key wins. */
	accepts("https://a/more/stem/00/006141411234567890", 0, "00006141411234567890",
	        "https://id.gs1.org/00/006141411234567890");
	accepts("https://a/00/faux/00/006141411234567890", 0, "00006141411234567890", NULL);
	accepts("https://brand.example.com/products/01/09506000134352/21/XYZ", 0, "010950600013435221XYZ", NULL);
	/* Scheme case, ports and IP literals, fragments, stray '&'. */
	accepts("HTTPS://ID.GS1.ORG/01/09506000134352", 0, "0109506000134352", NULL);
	accepts("http://127.0.0.1:8080/01/09506000134352", 0, "0109506000134352", NULL);
	accepts("https://[2001:db8::1]/01/09506000134352", 0, "0109506000134352", NULL);
	accepts("https://xn--fiqs8s.cn/01/09506000134352#section", 0, "0109506000134352", NULL);
	accepts("https://id.gs1.org/01/09506000134352?&&17=201225&&", 0, "010950600013435217201225", NULL);
	/* '+' is literal in the path; %-escapes decode in path and query. */
	accepts("https://id.gs1.org/01/09506000134352/21/A+B", 0, "010950600013435221A+B",
	        "https://id.gs1.org/01/09506000134352/21/A%2BB");
	accepts("https://id.gs1.org/01/09506000134352?99=A%2bB%21", 0, "010950600013435299A+B!", NULL);
	/* A qualifier of the other branch may be an attribute. */
	accepts("https://id.gs1.org/01/09506000134352/235/XYZ?10=ABC123", 0, "0109506000134352235XYZ\x1d" "10ABC123",
	        "https://id.gs1.org/01/09506000134352/235/XYZ?10=ABC123");
	/* Other keys and their qualifiers. */
	accepts("https://id.gs1.org/414/4012345000054/254/122", 0, "4144012345000054254122", NULL);
	accepts("https://id.gs1.org/8010/ABC-123/8011/99", 0, "8010ABC-123\x1d" "801199", NULL);
	accepts("https://id.gs1.org/8006/095060001343520102/22/V1/10/L1/21/S1", 0, NULL,
	        "https://id.gs1.org/8006/095060001343520102/22/V1/10/L1/21/S1");
	accepts("https://id.gs1.org/8004/4012345ABC345", 0, "80044012345ABC345", NULL);
	accepts("https://id.gs1.org/8003/04012345000221334455", 0, NULL, NULL);
	accepts("https://id.gs1.org/00/340123451111111111?02=09506000134352&37=12", 0, NULL, NULL);
	/* Zero-suppressed GTINs only on request, then padded to 14 digits. */
	accepts("https://a/01/2112345678900", TRACE_CODE_PERMIT_ZERO_SUPPRESSED_GTIN, "0102112345678900", NULL);
	accepts("https://example.com/01/614141123452", TRACE_CODE_PERMIT_ZERO_SUPPRESSED_GTIN, NULL,
	        "https://id.gs1.org/01/00614141123452");

	/* Non-AI parameters are kept aside. */
	trace_code *c = parse_ok("https://id.gs1.org/01/09506000134352?linkType=gs1%3Apip&foo&17=201225", 0, 0);
	if (c) {
		CHECK(trace_code_extra_count(c) == 2);
		const char *k, *v;
		CHECK_OK(trace_code_extra(&k, &v, c, 0));
		CHECK_STR(k, "linkType");
		CHECK_STR(v, "gs1:pip");
		CHECK_OK(trace_code_extra(&k, &v, c, 1));
		CHECK_STR(k, "foo");
		CHECK_STR(v, "");
		CHECK_RC(trace_code_extra(&k, &v, c, 2), TRACE_ERANGE);
		CHECK_STR(trace_code_find(c, "17"), "201225");
		trace_code_free(c);
	}

	/* What the standard rejects, each naming the problem and where. */
	reject("https://example.com/01/09520123456788?10=ABC123", 0, TRACE_EINVAL, "position 38", "must be in the path");
	reject("https://id.gs1.org/01/09506000134352/21/S/10/L", 0, TRACE_EINVAL, "out of order", "position 37");
	reject("https://id.gs1.org/01/09506000134352/10/L/10/M", 0, TRACE_EINVAL, "out of order or repeated", NULL);
	reject("https://id.gs1.org/01//10/L", 0, TRACE_EINVAL, "AI (01) at position 22", "empty value");
	reject("https://id.gs1.org/01/09506000134352/", 0, TRACE_EINVAL, "position 36", "must not end with '/'");
	reject("HtTps://id.gs1.org/01/09506000134352", DL, TRACE_EINVAL, "scheme", "position 0");
	reject("ftp://id.gs1.org/01/09506000134352", DL, TRACE_EINVAL, "scheme", NULL);
	reject("https://id.gs1.org/01/09506000134352?999=faux", 0, TRACE_EINVAL, "position 37", "not a GS1 AI");
	reject("https://id.gs1.org/01/09506000134352?99=", 0, TRACE_EINVAL, "AI (99) at position 40", "empty value");
	reject("https://id.gs1.org/01/09506000134352?98=XYZ+987", 0, TRACE_EINVAL, "AI (98) at position 43", "0x20");
	reject("https://id.gs1.org/01/09506000134352/21/A%00B", 0, TRACE_EINVAL, "position 41", "%00");
	reject("https://id.gs1.org/01/09506000134352/21/A%G1", 0, TRACE_EINVAL, "position 41", "%XX");
	reject("https://id.gs1.org/01/09506000134352?21=ABC", 0, TRACE_EINVAL, "AI (21)", "may not be a query attribute");
	reject("https://id.gs1.org/01/09506000134352?17=201225&17=201226", 0, TRACE_EINVAL, "AI (17)", "repeats");
	reject("https://id.gs1.org/01/09506000134352?01=09506000134352", 0, TRACE_EINVAL, "AI (01)", "repeats");
	reject("https://id.gs1.org/01/9506000134352", 0, TRACE_EINVAL, "AI (01) at position 22", "14 digits");
	reject("https://id.gs1.org/01/09506000134353", 0, TRACE_EINVAL, "AI (01) at position 35", "check digit");
	reject("https://[fe80::1%25eth0]/01/09506000134352", 0, TRACE_EINVAL, "host", "position 16");
	reject("https:///01/09506000134352", 0, TRACE_EINVAL, "empty host", NULL);
	reject("https://id.gs1.org", 0, TRACE_EINVAL, "no path", NULL);
	reject("https://id.gs1.org/foo/bar", 0, TRACE_EINVAL, "no GS1 primary key", NULL);
	reject("https://id.gs1.org/10/ABC", 0, TRACE_EINVAL, "no GS1 primary key", NULL);
	reject("https://id.gs1.org/01/09506000134352/17/201225", 0, TRACE_EINVAL, "not a key qualifier of (01)", "query");
	reject("https://id.gs1.org/01/09506000134352/21/A B", 0, TRACE_EINVAL, "position 41", "percent-encoded");
	reject("https://id.gs1.org/01/09506000134352?17=201232", 0, TRACE_EINVAL, "AI (17) at position 44", "invalid day");
	reject("https://id.gs1.org/HxHKVAdpQgZzjr-hCDKigI", 0, TRACE_EINVAL, "compressed", NULL);
	reject("https://user@id.gs1.org/01/09506000134352", 0, TRACE_EINVAL, "host", "0x40");
}

static void test_generate(void)
{
	static const char *const cases[][3] = {
		/* element string, Digital Link (id.gs1.org), canonical ledger key */
		{ "(01)09506000134352(17)201225(10)ABC123(21)XYZ",
		  "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225",
		  "https://id.gs1.org/01/09506000134352/21/XYZ" },
		{ "(01)06901234567892(17)271231(10)LOT-2025/01(21)SN0001",
		  "https://id.gs1.org/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231",
		  "https://id.gs1.org/01/06901234567892/21/SN0001" },
		{ "(00)106141411234567897(02)09506000134352(37)12(10)L1",
		  "https://id.gs1.org/00/106141411234567897?02=09506000134352&37=12&10=L1",
		  "https://id.gs1.org/00/106141411234567897" },
		{ "(01)09506000134352(21)S1(22)V1(10)L1",
		  "https://id.gs1.org/01/09506000134352/22/V1/10/L1/21/S1",
		  "https://id.gs1.org/01/09506000134352/21/S1" },
		{ "(01)09506000134352(10)L1(22)V1",
		  "https://id.gs1.org/01/09506000134352/22/V1/10/L1",
		  "https://id.gs1.org/01/09506000134352/10/L1" },
		{ "(01)09506000134352(235)TPX1(10)L1",
		  "https://id.gs1.org/01/09506000134352/235/TPX1?10=L1",
		  "https://id.gs1.org/01/09506000134352/235/TPX1" },
		{ "(414)4012345000054(254)122",
		  "https://id.gs1.org/414/4012345000054/254/122",
		  "https://id.gs1.org/414/4012345000054/254/122" },
		{ "(8017)795260646688514634(99)000001(253)9526064000028000001",
		  "https://id.gs1.org/8017/795260646688514634?99=000001&253=9526064000028000001",
		  "https://id.gs1.org/8017/795260646688514634" },
		{ "(01)09506000134352(3103)000195(15)251200(11)250101",
		  "https://id.gs1.org/01/09506000134352?3103=000195&15=251200&11=250101",
		  "https://id.gs1.org/01/09506000134352" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		trace_code *c = parse_ok(cases[i][0], 0, 0);
		if (c == NULL)
			continue;
		CHECK_BUF(trace_code_digital_link(&b_, c, NULL), cases[i][1]);
		CHECK_STR(trace_code_canonical(c), cases[i][2]);
		/* Round trip: the Digital Link parses back to the same code. */
		trace_buf dl = TRACE_BUF_INIT;
		if (trace_code_digital_link(&dl, c, NULL) == TRACE_OK) {
			trace_code *d = parse_ok((const char *)dl.ptr, 0, 0);
			if (d) {
				CHECK_STR(trace_code_canonical(d), cases[i][2]);
				CHECK(trace_code_field_count(d) == trace_code_field_count(c));
				for (size_t k = 0; k < trace_code_field_count(c); k++) {
					const char *ai, *v;
					CHECK_OK(trace_code_field(&ai, &v, c, k));
					CHECK_STR(trace_code_find(d, ai), v);
				}
				CHECK_BUF(trace_code_digital_link(&b_, d, NULL), (const char *)dl.ptr);
				trace_code_free(d);
			}
		}
		trace_buf_dispose(&dl);
		trace_code_free(c);
	}

	trace_code *c = parse_ok("(01)09506000134352(10)A/B\\(C)(21)x.y_z-", 0, 0);
	if (c) {
		CHECK_BUF(trace_code_digital_link(&b_, c, "https://example.cn/p/"),
		          "https://example.cn/p/01/09506000134352/10/A%2FB%28C%29/21/x.y_z-");
		CHECK_BUF(trace_code_digital_link(&b_, c, "http://localhost:8080"),
		          "http://localhost:8080/01/09506000134352/10/A%2FB%28C%29/21/x.y_z-");
		trace_buf b = TRACE_BUF_INIT;
		CHECK_RC(trace_code_digital_link(&b, c, "ftp://x"), TRACE_EINVAL);
		CHECK_MSG("stem");
		CHECK_RC(trace_code_digital_link(&b, c, "https://x/p?q=1"), TRACE_EINVAL);
		CHECK_RC(trace_code_element_string(&b, c, 7), TRACE_EINVAL);
		trace_code_free(c);
	}
	/* An AI that is neither a qualifier of the key nor a data attribute. */
	c = parse_ok("(01)09506000134352(8200)https://example.com/p", 0, 0);
	if (c) {
		trace_buf b = TRACE_BUF_INIT;
		CHECK_RC(trace_code_digital_link(&b, c, NULL), TRACE_EINVAL);
		CHECK_MSG("AI (8200)");
		trace_code_free(c);
	}
}

/* Which URLs on other hosts are Digital Links (and so checked, never kept opaque). */
static void test_claims(void)
{
	static const struct { const char *uri; int claimed; } t[] = {
		{ "https://example.com/01/09506000134352/21/X", 1 },
		{ "https://example.com/01/09506000134353/21/X", 1 },	/* wrong check digit: still claimed */
		{ "HTTP://Example.COM/a/b/01/09506000134352", 1 },
		{ "https://example.com/01/9506000134352", 1 },	/* GTIN-13: refused unless padding is asked */
		{ "https://example.com/00/106141412345678908?linkType=x", 1 },
		{ "https://example.com/414/0614141123452/254/0#frag", 1 },
		{ "https://example.com/8004/0614141X", 1 },
		{ "https://example.com/401/0614141xyz", 1 },
		{ "https://example.com/8010/0614141ABC/8011/1", 1 },
		{ "https://example.com/8006/040123451111180102/21/9", 1 },
		{ "https://example.com/item/1", 0 },
		{ "https://example.com/01/2024-catalogue", 0 },
		{ "https://example.com/01/123", 0 },
		{ "https://example.com/01/09506000134352/info", 0 },	/* the key path must end the path */
		{ "https://example.com/8004/ABC", 0 },	/* no company prefix */
		{ "https://example.com/00/1234", 0 },
		{ "https://example.com/", 0 },
		{ "https://01/09506000134352", 0 },	/* that is the host */
		{ "ftp://example.com/01/09506000134352", 0 },
		{ "urn:x:01/09506000134352", 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (trace__dl_claims(t[i].uri) != t[i].claimed) {
			fprintf(stderr, "%s: claimed %d, expected %d\n", t[i].uri, !t[i].claimed, t[i].claimed);
			test_failures++;
		}
}

int main(void)
{
	test_claims();
	test_parse();
	test_generate();
	return test_done("code-dl");
}
