/* GS1 check digits, AI value rules and element strings (bracketed, GS, scan data). */
#include "code_test.h"

static void test_check_digits(void)
{
	/* Known keys (GS1 General Specifications examples and real GTINs). */
	static const struct { const char *key; int ok; } keys[] = {
		{ "02345673", 1 }, { "12345673", 0 },                 /* GTIN-8 */
		{ "416000336108", 1 }, { "416000336109", 0 },         /* GTIN-12 */
		{ "1234567890128", 1 }, { "4012345000115", 1 },       /* GTIN-13 */
		{ "06901234567892", 1 }, { "09506000134352", 1 },     /* GTIN-14 */
		{ "12345678901231", 1 }, { "09506000134353", 0 },
		{ "123456789012345675", 1 }, { "123456789012345670", 0 }, /* SSCC */
		{ "106141411234567897", 1 },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *k = keys[i].key;
		size_t n = strlen(k);
		int d = -1;
		CHECK_OK(trace_gs1_check_digit(&d, k, n - 1));
		if ((d == k[n - 1] - '0') != keys[i].ok) {
			fprintf(stderr, "check digit of %s: computed %d\n", k, d);
			test_failures++;
		}
	}
	int d = -1;
	CHECK_OK(trace_gs1_check_digit(&d, "0690123456789", 13));
	CHECK(d == 2);
	CHECK_OK(trace_gs1_check_digit(&d, "0950600013435", 13));
	CHECK(d == 2);
	CHECK_OK(trace_gs1_check_digit(&d, "10614141123456789", 17));
	CHECK(d == 7);
	CHECK_RC(trace_gs1_check_digit(&d, "12a4", 4), TRACE_EINVAL);
	CHECK_MSG("position 2");
	CHECK_RC(trace_gs1_check_digit(&d, "", 0), TRACE_EINVAL);

	/* Alphanumeric check-character pair (8013 GMN). */
	CHECK_OK(trace_gs1_ai_validate("8013", "1987654Ad4X4bL5ttr2310c2K", 0));
	CHECK_OK(trace_gs1_ai_validate("8013", "12345678901234567890123NT", 0));
	CHECK_OK(trace_gs1_ai_validate("8013", "12345_ABCDEFGHIJKLMCP", 0));
	CHECK_RC(trace_gs1_ai_validate("8013", "1987654Ad4X4bL5ttr2310cXK", 0), TRACE_EINVAL);
	CHECK_MSG("AI (8013) at position 23");
	CHECK_MSG("expected \"2K\"");
}

/* One AI value that must be rejected, naming the AI and the position. */
static void bad(const char *ai, const char *value, unsigned flags, const char *pos, const char *why)
{
	char want[32];
	snprintf(want, sizeof want, "AI (%s) at position %s", ai, pos);
	int rc = trace_gs1_ai_validate(ai, value, flags);
	if (rc != TRACE_EINVAL) {
		fprintf(stderr, "AI (%s) \"%s\": returned %d, expected TRACE_EINVAL\n", ai, value, rc);
		test_failures++;
		return;
	}
	const char *msg = trace_error_last()->message;
	if (!strstr(msg, want) || (why && !strstr(msg, why))) {
		fprintf(stderr, "AI (%s) \"%s\": message \"%s\" lacks \"%s\" / \"%s\"\n", ai, value, msg, want,
		        why ? why : "");
		test_failures++;
	}
}

static void test_ai_values(void)
{
	/* Accepted. */
	static const char *const good[][2] = {
		{ "01", "09506000134352" }, { "00", "106141411234567897" }, { "17", "201225" },
		{ "17", "201200" },   /* DD=00 allowed for expiry */
		{ "11", "240229" },   /* leap day */
		{ "10", "ABC-1/2_x" }, { "21", "!\"%&'()*+,-./:;<=>?_" }, { "3103", "000195" },
		{ "3922", "0299" }, { "422", "156" }, { "421", "156100000" }, { "423", "156840" },
		{ "8006", "095060001343520102" }, { "8003", "04012345000221334455" }, { "8004", "4012345ABC345" },
		{ "7003", "2012251230" }, { "7007", "201201201231" }, { "8010", "ABC-123/#" },
		{ "8030", "QUJD-_x0=" }, { "253", "4012345000023ABC" }, { "8008", "20122512" },
		{ "8008", "2012251230" }, { "4307", "CN" }, { "4309", "03088888880192222222" },
		{ "7240", "X" }, { "91", "anything_up_to_90" }, { "8017", "795260646688514634" },
		{ "7250", "20000229" }, { "3910", "978123" }, { "4330", "001234-" },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (trace_gs1_ai_validate(good[i][0], good[i][1], 0) != TRACE_OK) {
			fprintf(stderr, "AI (%s) \"%s\" rejected: %s\n", good[i][0], good[i][1], trace_error_last()->message);
			test_failures++;
		}

	bad("01", "09506000134353", 0, "13", "check digit is 3, expected 2");
	bad("01", "0950600013435", 0, "0", "too short");
	bad("01", "095060001343521", 0, "14", "too long");
	bad("01", "0950600013435A", 0, "13", "not a digit");
	bad("00", "106141411234567890", 0, "17", "check digit");
	bad("17", "201232", 0, "4", "invalid day 32");
	bad("17", "201300", 0, "2", "invalid month 13");
	bad("17", "230229", 0, "4", "invalid day 29");
	bad("7006", "201200", 0, "4", "invalid day 00");    /* yymmdd: no DD=00 */
	bad("7250", "19000229", 0, "6", "invalid day 29");  /* 1900 was not a leap year */
	bad("10", "ABC 1", 0, "3", "byte 0x20");
	bad("10", "ABC#", 0, "3", "'#'");
	bad("21", "\xe4\xb8\xad", 0, "0", "byte 0xe4");
	bad("10", "123456789012345678901", 0, "20", "too long");
	bad("10", "", 0, "0", "empty");
	bad("8010", "abc", 0, "0", "character set 39");
	bad("8030", "AB+C", 0, "2", "character set 64");
	bad("8030", "AB=C", 0, "2", "padding");
	bad("422", "999", 0, "0", "ISO 3166");
	bad("423", "1568", 0, "0", "3-digit");
	bad("3910", "000123", 0, "0", "ISO 4217");
	bad("4307", "XX", 0, "0", "alpha-2");
	bad("8006", "095060001343520302", 0, "14", "piece 03 of total 02");
	bad("8006", "095060001343520100", 0, "14", "piece 01 of total 00");
	bad("7003", "2012251261", 0, "8", "minute 61");
	bad("7003", "2012252400", 0, "6", "hour 24");
	bad("8003", "14012345000221334455", 0, "0", "must be 0");
	bad("8003", "04012345000222", 0, "13", "check digit");
	bad("3103", "00019A", 0, "5", "digit");
	bad("8013", "1987654Ad4X4bL5ttr2310c2L", 0, "23", "check character pair");
	bad("4321", "2", 0, "0", "0 or 1");
	bad("4330", "001234+", 0, "6", "'-'");
	bad("4300", "ACME%2", 0, "4", "escape");
	/* China profile: no % & / < > ? in batch and serial. */
	CHECK_OK(trace_gs1_ai_validate("10", "LOT/1", 0));
	bad("10", "LOT/1", TRACE_CODE_CN_STRICT, "3", "GB/T 33993");
	bad("21", "A&B", TRACE_CODE_CN_STRICT, "1", "GB/T 33993");
	CHECK_OK(trace_gs1_ai_validate("17", "201225", TRACE_CODE_CN_STRICT));

	CHECK_RC(trace_gs1_ai_validate("23", "1", 0), TRACE_EINVAL);
	CHECK_MSG("unknown AI (23)");
	CHECK_RC(trace_gs1_ai_validate("3106", "000001", 0), TRACE_EINVAL); /* only 3100-3105 exist */
	CHECK_MSG("unknown AI (3106)");
}

static void test_element_strings(void)
{
	const char *hri = "(01)09506000134352(17)201225(10)ABC123(21)XYZ";
	const char *gs = "01095060001343521720122510ABC123\x1d" "21XYZ";
	const char *canon = "https://id.gs1.org/01/09506000134352/21/XYZ";
	const char *inputs[] = {
		hri,
		"^01095060001343521720122510ABC123^21XYZ",                 /* engine raw form */
		"\x1d" "01095060001343521720122510ABC123\x1d" "21XYZ",      /* FNC1 as GS */
		"01095060001343521720122510ABC123\x1d" "21XYZ",             /* keyboard-wedge scanner */
		"]d201095060001343521720122510ABC123\x1d" "21XYZ",          /* GS1 DataMatrix */
		"]Q301095060001343521720122510ABC123\x1d" "21XYZ",          /* GS1 QR */
		"]C101095060001343521720122510ABC123\x1d" "21XYZ",          /* GS1-128 */
		"]e001095060001343521720122510ABC123\x1d" "21XYZ",          /* GS1 DataBar */
		"0109506000134352\x1d" "1720122510ABC123\x1d" "21XYZ\x1d",   /* needless GS tolerated */
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		trace_code *c = parse_ok(inputs[i], TRACE_CODE_FORM_AUTO, 0);
		if (c == NULL)
			continue;
		CHECK(trace_code_scheme(c) == TRACE_CODE_GS1);
		CHECK_STR(trace_code_canonical(c), canon);
		CHECK(trace_code_field_count(c) == 4);
		CHECK_STR(trace_code_find(c, "10"), "ABC123");
		CHECK_STR(trace_code_find(c, "17"), "201225");
		CHECK_BUF(trace_code_element_string(&b_, c, TRACE_CODE_ES_BRACKETED), hri);
		CHECK_BUF(trace_code_element_string(&b_, c, TRACE_CODE_ES_GS), gs);
		trace_code_free(c);
	}
	trace_code *c = parse_ok(hri, TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK(trace_code_form(c) == TRACE_CODE_FORM_BRACKETED);
		const char *ai, *v;
		CHECK_OK(trace_code_field(&ai, &v, c, 0));
		CHECK_STR(ai, "01");
		CHECK_STR(v, "09506000134352");
		CHECK_RC(trace_code_field(&ai, &v, c, 4), TRACE_ERANGE);
		CHECK(trace_code_find(c, "22") == NULL);
		CHECK(trace_code_extra_count(c) == 0);
		trace_code_free(c);
	}

	/* Known GS forms (pre-defined-length AIs need no separator). */
	static const char *const pairs[][2] = {
		{ "(00)106141411234567897(02)09506000134352(37)12(10)L1",
		  "0010614141123456789702095060001343523712\x1d" "10L1" },
		{ "(01)06901234567892(17)271231(10)LOT-2025/01(21)SN0001",
		  "01069012345678921727123110LOT-2025/01\x1d" "21SN0001" },
		{ "(01)09520123456788(3103)000195(3922)0299(17)201225",
		  "0109520123456788310300019539220299\x1d" "17201225" },
		{ "(8006)095060001343520102(21)987", "8006095060001343520102\x1d" "21987" },
		{ "(414)4012345000054(254)122", "4144012345000054254122" },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		c = parse_ok(pairs[i][0], TRACE_CODE_FORM_AUTO, 0);
		if (c) {
			CHECK_BUF(trace_code_element_string(&b_, c, TRACE_CODE_ES_GS), pairs[i][1]);
			trace_code_free(c);
		}
		c = parse_ok(pairs[i][1], TRACE_CODE_FORM_ELEMENT_STRING, 0);
		if (c) {
			CHECK_BUF(trace_code_element_string(&b_, c, TRACE_CODE_ES_BRACKETED), pairs[i][0]);
			trace_code_free(c);
		}
	}

	/* A '(' inside a value is escaped in bracketed form. */
	c = parse_ok("(01)09506000134352(10)A\\(B)", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK_STR(trace_code_find(c, "10"), "A(B)");
		CHECK_BUF(trace_code_element_string(&b_, c, TRACE_CODE_ES_BRACKETED), "(01)09506000134352(10)A\\(B)");
		trace_code_free(c);
	}
	/* Identical repeats collapse; EAN-13 / EAN-8 scan data become GTIN-14. */
	c = parse_ok("(01)09506000134352(01)09506000134352", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK(trace_code_field_count(c) == 1);
		trace_code_free(c);
	}
	c = parse_ok("]E04012345000115", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK_STR(trace_code_find(c, "01"), "04012345000115");
		trace_code_free(c);
	}
	c = parse_ok("]E402345673", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK_STR(trace_code_find(c, "01"), "00000002345673");
		trace_code_free(c);
	}
	/* Plain symbologies carry text: here a Digital Link. */
	c = parse_ok("]Q1https://id.gs1.org/01/09506000134352/21/XYZ", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK_STR(trace_code_canonical(c), canon);
		trace_code_free(c);
	}
	/* Associations can be switched off. */
	c = parse_ok("(21)ABC", TRACE_CODE_FORM_AUTO, TRACE_CODE_NO_ASSOCIATIONS);
	if (c) {
		CHECK_STR(trace_code_canonical(c), "(21)ABC");
		trace_code_free(c);
	}
	/* Without a primary key the bracketed string is the canonical form. */
	c = parse_ok("(400)PO-1(91)X", TRACE_CODE_FORM_AUTO, 0);
	if (c) {
		CHECK_STR(trace_code_canonical(c), "(400)PO-1(91)X");
		CHECK_RC(trace_code_digital_link(&(trace_buf){ 0 }, c, NULL), TRACE_EINVAL);
		CHECK_MSG("primary key");
		trace_code_free(c);
	}

	/* Must reject, naming the AI and the position. */
	reject("(01)09506000134353", 0, TRACE_EINVAL, "AI (01) at position 17", "check digit");
	reject("]d20109506000134353", 0, TRACE_EINVAL, "AI (01) at position 18", "check digit");
	reject("(01)09506000134352(17)201232", 0, TRACE_EINVAL, "AI (17) at position 26", "invalid day");
	reject("(01)09506000134352(10)", 0, TRACE_EINVAL, "AI (10) at position 22", "empty");
	reject("(01)09506000134352(10)AB C", 0, TRACE_EINVAL, "AI (10) at position 24", "0x20");
	reject("(01)09506000134352(10)AB^C", 0, TRACE_EINVAL, "AI (10) at position 24", "'^'");
	reject("(0)1", 0, TRACE_EINVAL, "position 0", "2 to 4 digits");
	reject("(23)1", 0, TRACE_EINVAL, "unknown AI (23)", "position 0");
	reject("(01)09506000134352(10)ABC(10)DEF", 0, TRACE_EINVAL, "AI (10) at position 29", "different value");
	reject("(21)ABC", 0, TRACE_EINVAL, "AI (21) at position 4", "requires AI (01) or (03) or (8006)");
	reject("(01)09506000134352(37)5", 0, TRACE_EINVAL, "AI (01) at position 4", "together with AI (37)");
	reject("(02)09506000134352(37)12", 0, TRACE_EINVAL, "AI (37)", "requires AI (00)");
	reject("(01)09506000134352(21)A(235)B", 0, TRACE_EINVAL, "AI (21)", "AI (235)");
	reject("0109506000134352\x1d\x1d" "10A", 0, TRACE_EINVAL, "separator at position 17", NULL);
	reject("010950600013435", 0, TRACE_EINVAL, "AI (01) at position 2", "too short");
	reject("010950600013435223X", 0, TRACE_EINVAL, "unknown AI at position 16", NULL);
	reject("^", TRACE_CODE_FORM_ELEMENT_STRING, TRACE_EINVAL, "no AI", NULL);
	reject("]d2", 0, TRACE_EINVAL, "carries no data", NULL);
	reject("]Q1garbage", 0, TRACE_EINVAL, "no recognised code", NULL);
	reject("]E0123", 0, TRACE_EINVAL, "13 digits", NULL);
	reject("]E04012345000116", 0, TRACE_EINVAL, "AI (01) at position 15", "expected 5");
	reject("]", 0, TRACE_EINVAL, "symbology identifier", NULL);
	reject("", 0, TRACE_EINVAL, "empty", NULL);
	reject("%%%", 0, TRACE_EINVAL, "unrecognised code", NULL);
	reject("(01)09506000134352", 99, TRACE_EINVAL, "unknown code form", NULL);
	char big[5000];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = 0;
	reject(big, 0, TRACE_ELIMIT, "longer than", NULL);
	CHECK_RC(trace_code_parse(NULL, "x", 0, 0), TRACE_EINVAL);
}

int main(void)
{
	test_check_digits();
	test_ai_values();
	test_element_strings();
	return test_done("code-gs1");
}
