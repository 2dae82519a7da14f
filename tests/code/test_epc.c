/* EPC pure-identity URNs to and from Digital Link, with round trips. */
#include "code_test.h"

static void test_vectors(void)
{
	/* Known pairs (as produced by GS1's EPCIS event-hash normaliser); company prefixes of 7 digits. */
	static const char *const pairs[][2] = {
		{ "urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017" },
		{ "urn:epc:id:sgtin:4012345.011111.98%22", "https://id.gs1.org/01/04012345111118/21/98%22" },
		{ "urn:epc:id:sscc:4012345.3111111111", "https://id.gs1.org/00/340123451111111111" },
		{ "urn:epc:id:sgln:4012345.00005.122", "https://id.gs1.org/414/4012345000054/254/122" },
		{ "urn:epc:id:sgln:4012345.00005.0", "https://id.gs1.org/414/4012345000054" },
		{ "urn:epc:id:grai:4012345.00022.334455", "https://id.gs1.org/8003/04012345000221334455" },
		{ "urn:epc:id:giai:4012345.ABC345", "https://id.gs1.org/8004/4012345ABC345" },
		{ "urn:epc:id:itip:4012345.011111.01.02.987", "https://id.gs1.org/8006/040123451111180102/21/987" },
		{ "urn:epc:id:pgln:4000001.00000", "https://id.gs1.org/417/4000001000005" },
		{ "urn:epc:class:lgtin:4012345.012345.Lot987", "https://id.gs1.org/01/04012345123456/10/Lot987" },
		{ "urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456" },
		{ "urn:epc:id:gsrn:4012345.0000000001", "https://id.gs1.org/8018/401234500000000012" },
		{ "urn:epc:id:gsrnp:4012345.0000000001", "https://id.gs1.org/8017/401234500000000012" },
		{ "urn:epc:id:gdti:4012345.00001.ABC.1", "https://id.gs1.org/253/4012345000016ABC.1" },
		{ "urn:epc:id:giai:4012345.A.B%2FC", "https://id.gs1.org/8004/4012345A.B%2FC" },
	};
	/* A 12-digit company prefix leaves the reference of 13-digit keys empty. */
	static const char *const gcp12[][2] = {
		{ "urn:epc:id:sgln:401234500005..122", "https://id.gs1.org/414/4012345000054/254/122" },
		{ "urn:epc:id:sgln:401234500005..", NULL }, /* the extension may not be empty */
		{ "urn:epc:id:grai:401234500002..334455", "https://id.gs1.org/8003/04012345000023334455" },
		{ "urn:epc:id:pgln:400000100000.", "https://id.gs1.org/417/4000001000005" },
	};
	for (size_t i = 0; i < sizeof gcp12 / sizeof gcp12[0]; i++) {
		trace_code *c = NULL;
		if (gcp12[i][1] == NULL) {
			CHECK_RC(trace_code_parse(&c, gcp12[i][0], 0, 0), TRACE_EINVAL); /* only one empty field */
			continue;
		}
		c = parse_ok(gcp12[i][0], 0, 0);
		if (c) {
			CHECK_BUF(trace_code_digital_link(&b_, c, NULL), gcp12[i][1]);
			CHECK_BUF(trace_code_epc_urn(&b_, c, 12), gcp12[i][0]);
			trace_code_free(c);
		}
	}
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		trace_code *c = parse_ok(pairs[i][0], TRACE_CODE_FORM_AUTO, 0);
		if (c == NULL)
			continue;
		CHECK(trace_code_form(c) == TRACE_CODE_FORM_EPC_URN);
		CHECK_BUF(trace_code_digital_link(&b_, c, NULL), pairs[i][1]);
		CHECK_BUF(trace_code_epc_urn(&b_, c, 7), pairs[i][0]);
		trace_code_free(c);
		/* And back from the Digital Link, which needs the prefix length. */
		c = parse_ok(pairs[i][1], TRACE_CODE_FORM_AUTO, 0);
		if (c) {
			CHECK_BUF(trace_code_epc_urn(&b_, c, 7), pairs[i][0]);
			trace_code_free(c);
		}
	}

	/* Element string -> URN -> element string, for several prefix lengths. */
	for (int gcp = 6; gcp <= 12; gcp++) {
		trace_code *c = parse_ok("(01)10614141073464(21)A\"B", 0, 0);
		if (c == NULL)
			continue;
		trace_buf urn = TRACE_BUF_INIT;
		CHECK_OK(trace_code_epc_urn(&urn, c, gcp));
		trace_code *d = urn.ptr ? parse_ok((const char *)urn.ptr, 0, 0) : NULL;
		if (d) {
			CHECK_STR(trace_code_canonical(d), trace_code_canonical(c));
			CHECK_BUF(trace_code_element_string(&b_, d, TRACE_CODE_ES_BRACKETED), "(01)10614141073464(21)A\"B");
			trace_code_free(d);
		}
		trace_buf_dispose(&urn);
		trace_code_free(c);
	}
	trace_code *c = parse_ok("(00)106141411234567897", 0, 0);
	if (c) {
		CHECK_BUF(trace_code_epc_urn(&b_, c, 7), "urn:epc:id:sscc:0614141.1123456789");
		CHECK_BUF(trace_code_epc_urn(&b_, c, 12), "urn:epc:id:sscc:061414112345.16789");
		trace_code_free(c);
	}
}

static void test_rejects(void)
{
	reject("urn:epc:id:sgtin:0614141.107346", 0, TRACE_EINVAL, "2 fields, expected 3", NULL);
	reject("urn:epc:id:sgtin:0614141.10734.2017", 0, TRACE_EINVAL, "position 25", "total 13 digits");
	reject("urn:epc:id:sgtin:06141.1073466.1", 0, TRACE_EINVAL, "position 17", "6 to 12 digits");
	reject("urn:epc:id:sgtin:0614141.10734X.1", 0, TRACE_EINVAL, "position 25", "digits");
	reject("urn:epc:id:sgtin:0614141.107346.a/b", 0, TRACE_EINVAL, "position 33", "escaped");
	reject("urn:epc:id:sgtin:0614141.107346.%0", 0, TRACE_EINVAL, "position 32", "escape");
	reject("urn:epc:id:sgtin:0614141.107346.123456789012345678901", 0, TRACE_EINVAL, "AI (21)", "too long");
	reject("urn:epc:id:sgtin:0614141..1", 0, TRACE_EINVAL, "empty field", NULL);
	reject("urn:epc:id:usdod:2S194.12345678901", 0, TRACE_EUNSUPPORTED, "usdod", NULL);
	reject("urn:epc:idpat:sgtin:4012345.012345.12", 0, TRACE_EINVAL, "pattern", NULL);
	reject("urn:epc:id", 0, TRACE_EINVAL, "urn:epc:id:<scheme>", NULL);

	trace_buf b = TRACE_BUF_INIT;
	trace_code *c = parse_ok("(01)10614141073464(21)2017", 0, 0);
	if (c) {
		CHECK_RC(trace_code_epc_urn(&b, c, 5), TRACE_EINVAL);
		CHECK_MSG("6 to 12");
		CHECK_RC(trace_code_epc_urn(&b, c, 13), TRACE_EINVAL);
		trace_code_free(c);
	}
	c = parse_ok("(8004)4012345ABC345", 0, 0);
	if (c) {
		CHECK_RC(trace_code_epc_urn(&b, c, 8), TRACE_EINVAL);
		CHECK_MSG("company prefix");
		trace_code_free(c);
	}
	/* TDS: SGLN extension "0" means "no extension", so (254)0 would share the plain GLN's URN. */
	c = parse_ok("(414)0614141123452(254)0", 0, 0);
	if (c) {
		CHECK_RC(trace_code_epc_urn(&b, c, 7), TRACE_EINVAL);
		CHECK_MSG("(254) \"0\"");
		trace_code_free(c);
	}
	c = parse_ok("(414)0614141123452", 0, 0);
	if (c) {
		CHECK_BUF(trace_code_epc_urn(&b_, c, 7), "urn:epc:id:sgln:0614141.12345.0");
		trace_code_free(c);
	}
	/* TDS: a CPI serial is a number without leading zeros; (8011) allows them. */
	c = parse_ok("(8010)0614141ABC(8011)007", 0, 0);
	if (c) {
		CHECK_RC(trace_code_epc_urn(&b, c, 7), TRACE_EINVAL);
		CHECK_MSG("leading zeros");
		trace_code_free(c);
	}
	CHECK_RC(trace_code_parse(&c, "urn:epc:id:cpi:0614141.ABC.007", 0, 0), TRACE_EINVAL);
	CHECK_MSG("without leading zeros");
	/* A pattern's serial is "*" and nothing else. */
	CHECK_RC(trace_code_parse(&c, "urn:epc:idpat:grai:0614141.12345.1", 0, 0), TRACE_EINVAL);
	CHECK_MSG("\"*\" pattern");
	/* The first primary key decides, as for the canonical key. */
	c = parse_ok("(00)106141411234567897(01)09506000134352(21)X", 0, TRACE_CODE_NO_ASSOCIATIONS);
	if (c) {
		CHECK_BUF(trace_code_epc_urn(&b_, c, 7), "urn:epc:id:sscc:0614141.1123456789");
		trace_code_free(c);
	}
	c = parse_ok("(400)PO-1", 0, 0);
	if (c) {
		CHECK_RC(trace_code_epc_urn(&b, c, 7), TRACE_EINVAL);
		CHECK_MSG("no EPC");
		trace_code_free(c);
	}
	c = parse_ok("81234567890123456789", 0, 0);
	if (c) {
		CHECK_RC(trace_code_epc_urn(&b, c, 7), TRACE_EINVAL);
		CHECK_MSG("only GS1");
		trace_code_free(c);
	}
}

/*
 * One object, one identity: for every GS1 key with both an EPC URN (TDS 2.x
 * section 6.3) and a Digital Link, the URN, the Digital Link on id.gs1.org
 * and the same path on any other host (with or without a stem of its own)
 * give one canonical string; and the URN comes back from each of them.
 */
static void test_one_identity(void)
{
	static const struct {
		const char *key, *urn, *canonical;
	} t[] = {
		{ "SGTIN", "urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017" },
		{ "SSCC", "urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908" },
		{ "SGLN", "urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400" },
		{ "GRAI", "urn:epc:id:grai:0614141.12345.XYZ", "https://id.gs1.org/8003/00614141123452XYZ" },
		{ "GIAI", "urn:epc:id:giai:0614141.12345ABC", "https://id.gs1.org/8004/061414112345ABC" },
		{ "GSRN", "urn:epc:id:gsrn:0614141.1234567890", "https://id.gs1.org/8018/061414112345678902" },
		{ "GSRNP", "urn:epc:id:gsrnp:0614141.1234567890", "https://id.gs1.org/8017/061414112345678902" },
		{ "GDTI", "urn:epc:id:gdti:0614141.12345.006847", "https://id.gs1.org/253/0614141123452006847" },
		{ "CPI", "urn:epc:id:cpi:0614141.5PQ7%2FZ43.12345", "https://id.gs1.org/8010/06141415PQ7%2FZ43/8011/12345" },
		{ "SGCN", "urn:epc:id:sgcn:4012345.67890.04711", "https://id.gs1.org/255/401234567890104711" },
		{ "GINC", "urn:epc:id:ginc:0614141.xyz47%2F11", "https://id.gs1.org/401/0614141xyz47%2F11" },
		{ "GSIN", "urn:epc:id:gsin:0614141.123456789", "https://id.gs1.org/402/06141411234567890" },
		{ "ITIP", "urn:epc:id:itip:4012345.011111.01.02.987", "https://id.gs1.org/8006/040123451111180102/21/987" },
		{ "UPUI", "urn:epc:id:upui:4012345.012345.51qIgY)%3C%26Jp3*",
		  "https://id.gs1.org/01/04012345123456/235/51qIgY%29%3C%26Jp3%2A" },
		{ "PGLN", "urn:epc:id:pgln:0614141.12345", "https://id.gs1.org/417/0614141123452" },
		{ "LGTIN", "urn:epc:class:lgtin:4012345.012345.Lot987", "https://id.gs1.org/01/04012345123456/10/Lot987" },
		{ "idpat", "urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456" },
		{ "idpat:itip", "urn:epc:idpat:itip:4012345.011111.01.02.*", "https://id.gs1.org/8006/040123451111180102" },
		{ "idpat:grai", "urn:epc:idpat:grai:0614141.12345.*", "https://id.gs1.org/8003/00614141123452" },
		{ "idpat:gdti", "urn:epc:idpat:gdti:0614141.12345.*", "https://id.gs1.org/253/0614141123452" },
		{ "idpat:sgcn", "urn:epc:idpat:sgcn:4012345.67890.*", "https://id.gs1.org/255/4012345678901" },
		{ "idpat:cpi", "urn:epc:idpat:cpi:0614141.5PQ7%2FZ43.*", "https://id.gs1.org/8010/06141415PQ7%2FZ43" },
	};
	static const char *const hosts[] = { "https://id.gs1.org", "https://example.com",
	                                     "http://example.com/some/stem", "HTTPS://shop.example.cn:8443/p" };
	const size_t stem = strlen("https://id.gs1.org");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		trace_code *c = parse_ok(t[i].urn, 0, 0);
		if (c == NULL)
			continue;
		if (strcmp(trace_code_canonical(c), t[i].canonical) != 0) {
			fprintf(stderr, "%s: URN gives \"%s\", expected \"%s\"\n", t[i].key, trace_code_canonical(c),
			        t[i].canonical);
			test_failures++;
		}
		trace_code_free(c);
		for (size_t h = 0; h < sizeof hosts / sizeof hosts[0]; h++) {
			char dl[512];
			snprintf(dl, sizeof dl, "%s%s", hosts[h], t[i].canonical + stem);
			c = parse_ok(dl, 0, 0);
			if (c == NULL)
				continue;
			if (strcmp(trace_code_canonical(c), t[i].canonical) != 0) {
				fprintf(stderr, "%s: \"%s\" gives \"%s\", expected \"%s\"\n", t[i].key, dl,
				        trace_code_canonical(c), t[i].canonical);
				test_failures++;
			}
			CHECK_BUF(trace_code_epc_urn(&b_, c, 7), t[i].urn);
			trace_code_free(c);
		}
	}
}

int main(void)
{
	test_one_identity();
	test_vectors();
	test_rejects();
	return test_done("code-epc");
}
