/* NMPA 20-digit drug traceability codes, MA (IDcode) codes and libtrace native codes. */
#include "code_test.h"

static void test_nmpa(void)
{
	/* The layout printed on packs: 药品标识码 8385793, 序列号 0000879766660. */
	trace_code *c = parse_ok("83857930000879766660", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK(trace_code_scheme(c) == TRACE_CODE_NMPA);
		CHECK(trace_code_form(c) == TRACE_CODE_FORM_NMPA);
		CHECK_STR(trace_code_canonical(c), "83857930000879766660");
		CHECK_STR(trace_code_find(c, "drug_id"), "8385793");
		CHECK_STR(trace_code_find(c, "production"), "0000879766660");
		CHECK(trace_code_field_count(c) == 2);
		trace_buf b = TRACE_BUF_INIT;
		CHECK_RC(trace_code_element_string(&b, c, TRACE_CODE_ES_BRACKETED), TRACE_EINVAL);
		CHECK_RC(trace_code_digital_link(&b, c, NULL), TRACE_EINVAL);
		trace_code_free(c);
	}
	/* Inside plain scan data too. */
	c = parse_ok("]d183857930000879766660", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK(trace_code_scheme(c) == TRACE_CODE_NMPA);
		trace_code_free(c);
	}
	reject("8385793000087976666", 0, TRACE_EINVAL, "not a 20-digit NMPA code (19 digits)", NULL);
	reject("93857930000879766660", TRACE_CODE_FORM_NMPA, TRACE_EINVAL, "position 0", "must start with 8");
	reject("838579300008797666A0", TRACE_CODE_FORM_NMPA, TRACE_EINVAL, "position 18", "not a digit");
	reject("838579300008797666601", TRACE_CODE_FORM_NMPA, TRACE_EINVAL, "expected 20 digits, got 21", NULL);
}

static void test_ma(void)
{
	trace_code *c = parse_ok("MA.156.M0.100761.21234561.Sx00008.M220117.L20220117.D20220118.E220130.V220117.C3",
	                         TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK(trace_code_scheme(c) == TRACE_CODE_MA);
		CHECK_STR(trace_code_canonical(c), "MA.156.M0.100761.21234561.Sx00008");
		CHECK_STR(trace_code_find(c, "di"), "MA.156.M0.100761.21234561");
		CHECK_STR(trace_code_find(c, "country"), "156");
		CHECK_STR(trace_code_find(c, "industry"), "M0");
		CHECK_STR(trace_code_find(c, "org"), "100761");
		CHECK_STR(trace_code_find(c, "product"), "21234561");
		CHECK_STR(trace_code_find(c, "S"), "x00008");
		CHECK_STR(trace_code_find(c, "L"), "20220117");
		CHECK_STR(trace_code_find(c, "M"), "220117");
		CHECK_STR(trace_code_find(c, "D"), "20220118");
		CHECK_STR(trace_code_find(c, "E"), "220130");
		CHECK_STR(trace_code_find(c, "V"), "220117");
		CHECK_STR(trace_code_find(c, "C"), "3");
		trace_code_free(c);
	}
	static const char *const good[][2] = {
		{ "ma.156.M0.100204.13351764", "MA.156.M0.100204.13351764" },
		{ "MA.156.1003.16291", "MA.156.1003.16291" },
		{ "MA.156.M0.100204.13351764.L2024A.M20240105", "MA.156.M0.100204.13351764.L2024A" },
		{ "MA.156.M0.100204.13351764.L2024A.S0001", "MA.156.M0.100204.13351764.S0001" },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		c = parse_ok(good[i][0], TRACE_CODE_FORM_AUTO, 0);
		if (c) {
			CHECK_STR(trace_code_canonical(c), good[i][1]);
			trace_code_free(c);
		}
	}
	reject("MA.15.M0.1.2", 0, TRACE_EINVAL, "position 3", "country");
	reject("MA.156.M0", 0, TRACE_EINVAL, "3 segments", NULL);
	reject("MA.156.M0.100204.13351764.X1", 0, TRACE_EINVAL, "position 26", "unknown segment 'X'");
	reject("MA.156.M0.100204.13351764.S1.S2", 0, TRACE_EINVAL, "position 29", "repeated");
	reject("MA.156.M0.100204.13351764.M221301", 0, TRACE_EINVAL, "position 27", "date");
	reject("MA.156.M0.100204.13351764.S", 0, TRACE_EINVAL, "position 26", "empty");
	reject("MA.156.M0..1", 0, TRACE_EINVAL, "position 10", "empty segment");
	reject("MA.156.M0.1*2.3", 0, TRACE_EINVAL, "position 11", "letters and digits");
	reject("MA.156.M0.100204.13351764.S1 2", 0, TRACE_EINVAL, "position 28", "not allowed");
	reject("MB.156.M0.1.2", TRACE_CODE_FORM_MA, TRACE_EINVAL, "position 0", "MA.");
}

static void test_native(void)
{
	/* Known answers, computed independently of this implementation. */
	static const char *const good[][2] = {
		{ "ACME-0ABCDEFGHJKMN9", "ACME-0ABCDEFGHJKMN9" },
		{ "acme-oabcdefghjkmn9", "ACME-0ABCDEFGHJKMN9" },  /* any case; O reads as 0 */
		{ "ZZ9-7XYZ00000000001", "ZZ9-7XYZ00000000001" },
		{ "ZZ9-7XYZOOOOOOOOOOI", "ZZ9-7XYZ00000000001" },  /* O -> 0, I -> 1 */
		{ "LiuHe-0123456789O1234B", "LIUHE-012345678901234B" },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		trace_code *c = parse_ok(good[i][0], TRACE_CODE_FORM_AUTO, 0);
		if (c == NULL)
			continue;
		CHECK(trace_code_scheme(c) == TRACE_CODE_NATIVE);
		CHECK_STR(trace_code_canonical(c), good[i][1]);
		trace_code_free(c);
	}
	trace_code *c = parse_ok("LIUHE-012345678901234B", 0, 0);
	if (c) {
		CHECK_STR(trace_code_find(c, "prefix"), "LIUHE");
		CHECK_STR(trace_code_find(c, "serial"), "012345678901234");
		CHECK_STR(trace_code_find(c, "check"), "B");
		trace_code_free(c);
	}

	/* Every single-character substitution in the serial is caught. */
	const char *code = "ACME-0ABCDEFGHJKMN9";
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	size_t n = strlen(code), caught = 0, tried = 0;
	for (size_t i = 5; i < n; i++)
		for (const char *a = alphabet; *a; a++) {
			if (*a == code[i])
				continue;
			char m[32];
			memcpy(m, code, n + 1);
			m[i] = *a;
			trace_code *x = NULL;
			tried++;
			if (trace_code_parse(&x, m, TRACE_CODE_FORM_NATIVE, 0) == TRACE_EINVAL)
				caught++;
			trace_code_free(x);
		}
	CHECK(caught == tried);
	/* ... and most swaps of neighbours (Luhn mod 32 misses only a few pairs). */
	caught = tried = 0;
	for (size_t i = 5; i + 1 < n; i++) {
		if (code[i] == code[i + 1])
			continue;
		char m[32];
		memcpy(m, code, n + 1);
		m[i] = code[i + 1];
		m[i + 1] = code[i];
		trace_code *x = NULL;
		tried++;
		if (trace_code_parse(&x, m, TRACE_CODE_FORM_NATIVE, 0) == TRACE_EINVAL)
			caught++;
		trace_code_free(x);
	}
	CHECK(caught * 10 >= tried * 9);

	reject("ACME-0ABCDEFGHJKMN8", 0, TRACE_EINVAL, "position 18", "check character is '8', expected '9'");
	reject("ACME-0ABCDEFGHJKUN9", 0, TRACE_EINVAL, "position 16", "serial alphabet");
	reject("ACME-0", 0, TRACE_EINVAL, "position 5", "2 to 40");
	reject("ACMEACMEACMEACMEX-00", 0, TRACE_EINVAL, "position 0", "1 to 16");
	reject("1ACME-00", TRACE_CODE_FORM_NATIVE, TRACE_EINVAL, "position 0", "starting with a letter");
	reject("AC_ME-00", 0, TRACE_EINVAL, "position 0", "PREFIX-SERIAL");
	reject("ACME", TRACE_CODE_FORM_NATIVE, TRACE_EINVAL, "PREFIX-SERIAL", NULL);
}

int main(void)
{
	test_nmpa();
	test_ma();
	test_native();
	return test_done("code-cn");
}
