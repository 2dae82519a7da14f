/*
 * Must-reject vectors of the canonical event encoding: each is a small
 * variation of a valid event that breaks exactly one rule of RFC 8949 §4.2.1
 * or of docs/FORMAT.md.  The strict decoder must refuse each one with
 * TRACE_EINVAL (TRACE_EUNSUPPORTED for a newer version) and a message naming
 * the byte offset and the rule.  The valid forms are checked to decode.
 */
#include "event_test.h"

/* {0:1, 1:1, 2:0, 3:0, 5:1, 9:["urn:x:1"]}: an ObjectEvent ADD of one opaque URI. */
#define HEAD "a6" "0001" "0101" "0200" "0300" "0501"
#define ITEMS "0981" "67" "75726e3a783a31"
#define VALID HEAD ITEMS
/* The same with a quantity list (key 12) instead of items: {1:"urn:x:1", 2:Q}. */
#define QTY(q) "a6" "0001" "0101" "0200" "0300" "0501" "0c81" "a2" "01" "67" "75726e3a783a31" "02" q

static const struct {
	const char *hex;
	int rc;
	const char *needle;
	const char *what;
} vectors[] = {
	{ "b806" "0001" "0101" "0200" "0300" "0501" ITEMS, TRACE_EINVAL, "shortest form", "map length in 2 bytes" },
	{ "a6" "0001" "011801" "0200" "0300" "0501" ITEMS, TRACE_EINVAL, "shortest form", "integer 1 in 2 bytes" },
	{ "a6" "0001" "0101" "021b0000000000000000" "0300" "0501" ITEMS, TRACE_EINVAL, "shortest form", "time 0 in 9 bytes" },
	{ HEAD "0981" "7807" "75726e3a783a31", TRACE_EINVAL, "shortest form", "text length in 2 bytes" },
	{ HEAD "099801" "67" "75726e3a783a31", TRACE_EINVAL, "shortest form", "array length in 2 bytes" },
	{ "bf" "0001" "0101" "0200" "0300" "0501" ITEMS "ff", TRACE_EINVAL, "indefinite", "indefinite-length map" },
	{ HEAD "099f" "67" "75726e3a783a31" "ff", TRACE_EINVAL, "indefinite", "indefinite-length array" },
	{ HEAD "0981" "7f" "67" "75726e3a783a31" "ff", TRACE_EINVAL, "indefinite", "indefinite-length text" },
	{ "a6" "0001" "0101" "0300" "0200" "0501" ITEMS, TRACE_EINVAL, "ascending order", "keys 3 before 2" },
	{ "a7" "0001" "0101" "0200" "0300" "0300" "0501" ITEMS, TRACE_EINVAL, "duplicate map key", "key 3 twice" },
	{ VALID "00", TRACE_EINVAL, "trailing bytes", "a byte after the event" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "182800", TRACE_EINVAL, "unknown map key", "key 40" },
	{ "a6" "0001" "0161" "31" "0200" "0300" "0501" ITEMS, TRACE_EINVAL, "expected an integer", "type as text" },
	{ HEAD "09" "67" "75726e3a783a31", TRACE_EINVAL, "expected an array", "items as text" },
	{ HEAD "0981" "47" "75726e3a783a31", TRACE_EINVAL, "expected a text string", "code as bytes" },
	{ "a6" "0002" "0101" "0200" "0300" "0501" ITEMS, TRACE_EUNSUPPORTED, "newer", "version 2" },
	{ "a6" "0000" "0101" "0200" "0300" "0501" ITEMS, TRACE_EINVAL, "unknown encoding version", "version 0" },
	{ "a5" "0101" "0200" "0300" "0501" ITEMS, TRACE_EINVAL, "first key must be 0", "no version" },
	{ HEAD "0981" "67" "75726e3a78ff31", TRACE_EINVAL, "UTF-8", "invalid UTF-8" },
	{ HEAD "0981" "67" "75726e3a780031", TRACE_EINVAL, "NUL", "NUL in text" },
	{ HEAD "0980", TRACE_EINVAL, "empty arrays", "empty item list" },
	{ QTY("fa3fc00000"), TRACE_EINVAL, "shortest form", "1.5 as single precision" },
	{ QTY("fb3ff8000000000000"), TRACE_EINVAL, "shortest form", "1.5 as double precision" },
	{ QTY("f93c00"), TRACE_EINVAL, "must be an integer", "1.0 as a float" },
	{ QTY("f97e00"), TRACE_EINVAL, "NaN", "NaN quantity" },
	{ QTY("f97c00"), TRACE_EINVAL, "NaN and infinities", "infinite quantity" },
	{ QTY("1b0020000000000001"), TRACE_EINVAL, "beyond 2^53", "integer above 2^53" },
	{ QTY("20"), TRACE_EINVAL, "finite number >= 0", "negative quantity" },
	{ HEAD "0981" "67" "75726e3a783a", TRACE_EINVAL, "longer than the input", "truncated text" },
	{ "a6" "0001" "0101" "0200" "031b", TRACE_EINVAL, "truncated head", "truncated integer" },
	{ "a6" "0001" "0101" "0200" "0300" "0500" ITEMS, TRACE_EINVAL, "written by omission", "action 0" },
	{ "a6" "0001" "0101" "0200" "03190349" "0501" ITEMS, TRACE_EINVAL, "out of range", "offset +14:01" },
	{ "a6" "0001" "0101" "023b7fffffffffffffff" "0300" "0501" ITEMS, TRACE_EINVAL, "years 0000 to 9999", "time far in the past" },
	{ "a6" "0001" "0101" "0200" "0300" "1c" ITEMS, TRACE_EINVAL, "reserved", "additional information 28" },
	{ "a5" "0001" "0101" "0200" "0300" ITEMS, TRACE_EINVAL, "action: required", "ObjectEvent without action" },
	{ "a5" "0001" "0101" "0200" "0501" ITEMS, TRACE_EINVAL, "eventTimeZoneOffset", "no offset" },
	{ HEAD "0981" "78" "24" "75726e3a6570633a69643a736774696e3a303631343134312e3130373334362e32303137",
	  TRACE_EINVAL, "canonical form", "EPC URN instead of its canonical Digital Link" },
	{ HEAD "0982" "67" "75726e3a783a31" "67" "75726e3a783a31", TRACE_EINVAL, "listed twice", "duplicate code" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" "0f" "68" "7368697070696e67" ITEMS, TRACE_EINVAL, "ascending order", "key 15 before key 9" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "0f" "66" "736869707079", TRACE_EINVAL, "CBV 2.0 business step", "unknown CBV bizStep" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "181a" "a2" "63623a78" "6131" "63613a79" "6131",
	  TRACE_EINVAL, "bytewise order", "extension keys out of order" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "181a" "a2" "64616a3a78" "6131" "63623a78" "6131",
	  TRACE_EINVAL, "bytewise order", "longer extension key first" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "181a" "a1" "63613a79" "c1" "00",
	  TRACE_EINVAL, "tag 262", "extension with tag 1" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "181a" "a1" "63613a79" "d90106" "4d" "7b2262223a312c2261223a327d",
	  TRACE_EINVAL, "canonical JSON", "embedded JSON with unsorted members" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "181e" "81" "a1" "01" "4100",
	  TRACE_EINVAL, "32 bytes", "prev hash of 1 byte" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "181e" "81" "a1" "02" "6161",
	  TRACE_EINVAL, "without a hash", "prev link without hash" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "1819" "a0", TRACE_EINVAL, "empty arrays and maps", "empty ilmd" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "1802" "00", TRACE_EINVAL, "shortest form", "key 2 in two bytes" },
	{ "a7" "0001" "0101" "0200" "0300" "0501" ITEMS "f5" "00", TRACE_EINVAL, "expected an unsigned integer", "key true" },
	{ "", TRACE_EINVAL, "truncated", "empty input" },
	{ "80", TRACE_EINVAL, "expected a map", "an array" },
};

static void check_valid(const char *hex)
{
	uint8_t buf[256];
	size_t n = ev_unhex(buf, sizeof buf, hex);
	trace_event *ev = NULL;
	CHECK_OK(trace_event_decode(&ev, buf, n));
	trace_buf re = TRACE_BUF_INIT;
	if (ev != NULL)
		CHECK_OK(trace_event_encode(&re, ev));
	CHECK(re.size == n && memcmp(re.ptr, buf, n) == 0);
	trace_buf_dispose(&re);
	trace_event_free(ev);
}

int main(void)
{
	check_valid(VALID);
	check_valid(QTY("f93e00"));   /* 1.5 in half precision */
	check_valid(QTY("fa47c35040")); /* 100000.5 needs single precision */
	check_valid(QTY("1903e8"));   /* 1000 */

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		uint8_t buf[512];
		size_t n = ev_unhex(buf, sizeof buf, vectors[i].hex);
		trace_event *ev = NULL;
		int rc = trace_event_decode(&ev, buf, n);
		const char *msg = trace_error_last()->message;
		if (rc != vectors[i].rc || ev != NULL || strstr(msg, vectors[i].needle) == NULL) {
			fprintf(stderr, "reject vector %zu (%s): rc %d, message \"%s\"; wanted rc %d mentioning \"%s\"\n",
			        i, vectors[i].what, rc, msg, vectors[i].rc, vectors[i].needle);
			test_failures++;
		}
		/* CBOR rules name the byte offset; model rules (checked once the CBOR is
		 * read) name the field. */
		if (rc != TRACE_OK && strstr(msg, "offset") == NULL && strstr(msg, "model rule") == NULL) {
			fprintf(stderr, "reject vector %zu (%s): message names no offset: %s\n", i, vectors[i].what, msg);
			test_failures++;
		}
		trace_event_free(ev);
	}

	/* Over the log's entry size. */
	size_t big = 70000;
	uint8_t *p = calloc(1, big);
	trace_event *ev = NULL;
	CHECK_RC(trace_event_decode(&ev, p, big), TRACE_EINVAL);
	CHECK_MSG("entry limit");
	free(p);
	return test_done("event-reject");
}
