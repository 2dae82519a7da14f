/* A lot's identity names its product, for every scheme (docs/FORMAT.md §2.9.2). */
#include "code_test.h"
#include "../../libtrace/index/index_internal.h"

static void lot_is(const char *item, const char *lot, const char *want)
{
	char *got = NULL;
	int rc = trace__lot_code(&got, item, lot);
	if (rc != TRACE_OK || strcmp(got, want) != 0) {
		fprintf(stderr, "lot \"%s\" of %s: got \"%s\" (%s), expected \"%s\"\n", lot, item, rc ? "" : got,
		        rc ? trace_error_last()->message : "ok", want);
		test_failures++;
	}
	free(got);
}

int main(void)
{
	/* The same batch text in two products gives two lots. */
	lot_is("81234560000000000001", "20261101", "lot:nmpa:8123456:20261101");
	lot_is("86543210000000000001", "20261101", "lot:nmpa:8654321:20261101");
	lot_is("https://id.gs1.org/01/09506000134352/21/S1", "20261101", "https://id.gs1.org/01/09506000134352/10/20261101");
	lot_is("https://id.gs1.org/01/09506000134369/21/S1", "20261101", "https://id.gs1.org/01/09506000134369/10/20261101");
	/* An ITIP's GTIN; a UPUI's GTIN. */
	lot_is("https://id.gs1.org/8006/040123451111180102/21/987", "L1", "https://id.gs1.org/01/04012345111118/10/L1");
	lot_is("https://id.gs1.org/01/04012345123456/235/TPX", "L1", "https://id.gs1.org/01/04012345123456/10/L1");
	/* A batch that is not an AI (10) value keeps its product all the same. */
	lot_is("https://id.gs1.org/01/09506000134352/21/S1", "123456789012345678901", "lot:gtin:09506000134352:123456789012345678901");
	lot_is("https://id.gs1.org/01/09506000134352/21/S1", "批次 7", "lot:gtin:09506000134352:%E6%89%B9%E6%AC%A1%207");
	/* A batch holding "(21)" stays one lot value, not a serial. */
	lot_is("https://id.gs1.org/01/09506000134352/21/S1", "X(21)5", "https://id.gs1.org/01/09506000134352/10/X%2821%295");
	lot_is("MA.156.M0.100001.P1.S0001", "B7", "MA.156.M0.100001.P1.LB7");
	lot_is("MA.156.M0.100001.P1.S0001", "B.7", "lot:ma:MA.156.M0.100001.P1:B.7");
	lot_is("acme-0rjkm9hq7mz8mcg", "b/7", "lot:native:ACME:b%2F7");
	/* No product, no lot. */
	static const char *const productless[] = { "urn:example:item:1", "https://id.gs1.org/00/106141412345678908",
	                                           "https://id.gs1.org/8004/061414112345ABC" };
	for (size_t i = 0; i < sizeof productless / sizeof productless[0]; i++) {
		char *got = NULL;
		CHECK_RC(trace__lot_code(&got, productless[i], "B7"), TRACE_EINVAL);
		CHECK_MSG("names no product");
		CHECK(got == NULL);
	}
	return test_done("code-lot");
}
