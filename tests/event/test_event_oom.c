/*
 * Allocation failures in the event module: every public entry point that
 * allocates is swept (tests/oom.h), and each failing run must report
 * exactly TRACE_ENOMEM.  Decoding and validating used to turn a failed
 * helper allocation into TRACE_EINVAL ("invalid event"): these sweeps are
 * what keeps a short allocation from being reported as bad input.
 */
#include <math.h>

#define OOM_JANSSON 1
#include "../test.h"
#include "../oom.h"

#define T0 1763884800000LL /* 2025-11-23T08:00:00Z */
#define GTIN "09506000134352"
#define SHOP "urn:epc:id:sgln:9506000.10002.0"

static const uint8_t hash[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

/* Builds an event that uses every part of the model the decoder reads. */
static int build(trace_event **out)
{
	trace_event *e = NULL;
	char code[96];
	int rc = trace_event_new(&e, TRACE_EVENT_OBJECT);
	if (rc == TRACE_OK)
		rc = trace_event_set_time(e, T0, 480);
	if (rc == TRACE_OK)
		rc = trace_event_set_record_time(e, T0 + 1000);
	if (rc == TRACE_OK)
		rc = trace_event_set_action(e, TRACE_ACTION_ADD);
	for (int i = 0; rc == TRACE_OK && i < 3; i++) {
		snprintf(code, sizeof code, "https://id.gs1.org/01/" GTIN "/21/S%d", i);
		rc = trace_event_add_code(e, TRACE_ROLE_ITEM, code);
	}
	if (rc == TRACE_OK)
		rc = trace_event_add_quantity(e, TRACE_ROLE_ITEM, "https://id.gs1.org/01/" GTIN "/10/L1", 6, "KGM");
	if (rc == TRACE_OK)
		rc = trace_event_set_biz_step(e, "commissioning");
	if (rc == TRACE_OK)
		rc = trace_event_set_disposition(e, "active");
	if (rc == TRACE_OK)
		rc = trace_event_set_read_point(e, SHOP);
	if (rc == TRACE_OK)
		rc = trace_event_set_biz_location(e, SHOP);
	if (rc == TRACE_OK)
		rc = trace_event_add_party(e, TRACE_PARTY_SOURCE, "owning_party", "urn:epc:id:pgln:9506000.10001");
	if (rc == TRACE_OK)
		rc = trace_event_add_party(e, TRACE_PARTY_DESTINATION, "location", SHOP);
	if (rc == TRACE_OK)
		rc = trace_event_add_biz_transaction(e, "po", "urn:epcglobal:cbv:bt:0614141073467:1152");
	if (rc == TRACE_OK)
		rc = trace_event_add_sensor(e, "Temperature", 2.0, 9.5, 4.5, "CEL", T0 + 60000);
	if (rc == TRACE_OK)
		rc = trace_event_add_attachment(e, hash, sizeof hash, "https://example.com/cert.pdf", "application/pdf");
	if (rc == TRACE_OK)
		rc = trace_event_set_lot(e, "L1", T0, T0 + 21LL * 86400000);
	if (rc == TRACE_OK)
		rc = trace_event_add_extension(e, "example:batchNote", "first run");
	if (rc == TRACE_OK)
		rc = trace_event_add_extension(e, "example:line", "3");
	if (rc == TRACE_OK)
		rc = trace_event_add_prev(e, hash, sizeof hash, "example.com/upstream");
	if (rc == TRACE_OK)
		rc = trace_event_add_private(e, "buyer", "Wang Fang");
	if (rc) {
		trace_event_free(e);
		return rc;
	}
	*out = e;
	return TRACE_OK;
}

static trace_event *sample;
static trace_buf sample_bytes = TRACE_BUF_INIT;
static trace_buf sample_json = TRACE_BUF_INIT;

static int w_build(void *ctx)
{
	(void)ctx;
	trace_event *e = NULL;
	int rc = build(&e);
	trace_event_free(e);
	return rc;
}

static int w_validate(void *ctx)
{
	(void)ctx;
	return trace_event_validate(sample);
}

static int w_encode(void *ctx)
{
	(void)ctx;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_event_encode(&b, sample);
	trace_buf_dispose(&b);
	return rc;
}

static int w_decode(void *ctx)
{
	(void)ctx;
	trace_event *e = NULL;
	int rc = trace_event_decode(&e, sample_bytes.ptr, sample_bytes.size);
	trace_event_free(e);
	return rc;
}

static int w_to_json(void *ctx)
{
	(void)ctx;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_event_to_json(&b, sample);
	trace_buf_dispose(&b);
	return rc;
}

static int w_from_json(void *ctx)
{
	(void)ctx;
	trace_event *e = NULL;
	int rc = trace_event_from_json(&e, (const char *)sample_json.ptr, sample_json.size);
	trace_event_free(e);
	return rc;
}

static int free_part(trace_event *ev, void *payload)
{
	(void)payload;
	trace_event_free(ev);
	return 0;
}

static int w_read_json_events(void *ctx)
{
	const char *doc = ctx;
	return trace_event_read_json_events(doc, strlen(doc), free_part, NULL);
}

static int w_split(void *ctx)
{
	(void)ctx;
	return trace_event_split(sample, 800, free_part, NULL);
}

static int w_reveal(void *ctx)
{
	trace_event *e = NULL;
	const char *value;
	const uint8_t *salt;
	size_t salt_len;
	int rc = trace_event_private(sample, 0, NULL, &value, &salt, &salt_len);
	if (rc == TRACE_OK)
		rc = trace_event_decode(&e, sample_bytes.ptr, sample_bytes.size);
	if (rc == TRACE_OK)
		rc = trace_event_reveal_private(e, 0, value, salt, salt_len);
	trace_event_free(e);
	(void)ctx;
	return rc;
}

/* One golden document (tests/event/golden): every event type and every
 * part of the encoding, swept through JSON in, validation, encoding,
 * decoding and JSON out. */
static long sweep_golden(const char *dir, const char *name)
{
	char path[4096], what[256];
	long total = 0;
	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		test_failures++;
		return 0;
	}
	static char json[65536];
	size_t n = fread(json, 1, sizeof json - 1, f);
	fclose(f);
	json[n] = 0;
	trace_event *saved = sample;
	trace_buf saved_bytes = sample_bytes, saved_json = sample_json;
	sample_json = (trace_buf){ (uint8_t *)json, n };
	sample_bytes = (trace_buf)TRACE_BUF_INIT;
	CHECK_OK(trace_event_from_json(&sample, json, n));
	CHECK_OK(trace_event_encode(&sample_bytes, sample));
	snprintf(what, sizeof what, "%s: trace_event_from_json", name);
	total += oom_sweep(what, w_from_json, NULL, NULL);
	snprintf(what, sizeof what, "%s: trace_event_validate", name);
	total += oom_sweep(what, w_validate, NULL, NULL);
	snprintf(what, sizeof what, "%s: trace_event_encode", name);
	total += oom_sweep(what, w_encode, NULL, NULL);
	snprintf(what, sizeof what, "%s: trace_event_decode", name);
	total += oom_sweep(what, w_decode, NULL, NULL);
	snprintf(what, sizeof what, "%s: trace_event_to_json", name);
	total += oom_sweep(what, w_to_json, NULL, NULL);
	trace_buf_dispose(&sample_bytes);
	trace_event_free(sample);
	sample = saved;
	sample_bytes = saved_bytes;
	sample_json = saved_json;
	return total;
}

/* Every positional accessor answers a position past the end with TRACE_ERANGE. */
static void accessors_agree(const trace_event *e)
{
	const char *s;
	const uint8_t *h;
	size_t n;
	double d;
	int64_t t;
	CHECK(trace_event_code(e, TRACE_ROLE_ITEM, trace_event_code_count(e, TRACE_ROLE_ITEM)) == NULL);
	CHECK_RC(trace_event_quantity(e, TRACE_ROLE_ITEM, trace_event_quantity_count(e, TRACE_ROLE_ITEM), &s, &d, &s),
	         TRACE_ERANGE);
	CHECK_MSG("quantity 1");
	CHECK_RC(trace_event_party(e, TRACE_PARTY_SOURCE, 1, &s, &s), TRACE_ERANGE);
	CHECK_RC(trace_event_sensor(e, trace_event_sensor_count(e), &s, &d, &d, &d, &s, &t), TRACE_ERANGE);
	CHECK_RC(trace_event_prev(e, trace_event_prev_count(e), &h, &n, &s), TRACE_ERANGE);
	CHECK_RC(trace_event_private(e, trace_event_private_count(e), &s, &s, &h, &n), TRACE_ERANGE);
	CHECK_RC(trace_event_reveal_private((trace_event *)e, 5, "x", hash, 16), TRACE_ERANGE);
	/* A bad handle or role is a different mistake from a position past the end. */
	CHECK_RC(trace_event_quantity(e, 99, 0, &s, &d, &s), TRACE_EINVAL);
	CHECK_RC(trace_event_sensor(NULL, 0, &s, &d, &d, &d, &s, &t), TRACE_EINVAL);
	/* Every code has its own text, the two new ones included. */
	for (int c = TRACE_ERANGE; c < TRACE_OK; c++) {
		CHECK(strcmp(trace_strerror(c), "unknown error") != 0);
		for (int d = c + 1; d < TRACE_OK; d++)
			CHECK(strcmp(trace_strerror(c), trace_strerror(d)) != 0);
	}
	CHECK(TRACE_ITEROVER == -16 && TRACE_ERANGE == -17);	/* pinned */
}

int main(int argc, char **argv)
{
	static const char *const golden[] = { "aggregation-pack", "association-sensor", "error-declaration",
	                                      "object-commission", "transaction-ship", "transformation-yoghurt" };
	oom_install_jansson();
	oom_install();
	CHECK_OK(build(&sample));
	CHECK_OK(trace_event_encode(&sample_bytes, sample));
	CHECK_OK(trace_event_to_json(&sample_json, sample));
	char *doc = malloc(2 * sample_json.size + 64);
	snprintf(doc, 2 * sample_json.size + 64, "[%.*s, %.*s]", (int)sample_json.size,
	         (char *)sample_json.ptr, (int)sample_json.size, (char *)sample_json.ptr);
	accessors_agree(sample);

	long total = 0;
	total += oom_sweep("trace_event_new and the builder", w_build, NULL, NULL);
	total += oom_sweep("trace_event_validate", w_validate, NULL, NULL);
	total += oom_sweep("trace_event_encode", w_encode, NULL, NULL);
	total += oom_sweep("trace_event_decode", w_decode, NULL, NULL);
	total += oom_sweep("trace_event_to_json", w_to_json, NULL, NULL);
	total += oom_sweep("trace_event_from_json", w_from_json, NULL, NULL);
	total += oom_sweep("trace_event_read_json_events", w_read_json_events, doc, NULL);
	total += oom_sweep("trace_event_split", w_split, NULL, NULL);
	total += oom_sweep("trace_event_reveal_private", w_reveal, NULL, NULL);
	for (size_t i = 0; argc > 1 && i < sizeof golden / sizeof golden[0]; i++)
		total += sweep_golden(argv[1], golden[i]);
	/* jansson's own allocations (JSON out; embedded JSON checked while decoding). */
	oom_target = OOM_JANSSON_ALLOCS;
	long json_total = oom_sweep("jansson: trace_event_to_json", w_to_json, NULL, NULL);
	json_total += oom_sweep("jansson: trace_event_decode", w_decode, NULL, NULL);
	/* Reading JSON: jansson 2.14 reports an allocation failure inside its
	 * lexer as a syntax error ("string or '}' expected"), which nothing
	 * outside jansson can tell from one; those runs may give TRACE_EINVAL.
	 * Every other failure it reports is TRACE_ENOMEM, and none may leak. */
	oom_countdown = 0;	/* its first allocation fails before any text is read: that one it does report */
	CHECK_RC(w_from_json(NULL), TRACE_ENOMEM);
	oom_countdown = -1;
	oom_also_allowed = TRACE_EINVAL;
	json_total += oom_sweep("jansson: trace_event_from_json", w_from_json, NULL, NULL);
	json_total += oom_sweep("jansson: trace_event_read_json_events", w_read_json_events, doc, NULL);
	oom_also_allowed = 0;
	oom_target = OOM_LIBTRACE;
	printf("%ld jansson allocation points swept\n", json_total);
	if (argc < 2) {
		fprintf(stderr, "usage: test-event-oom GOLDEN_DIR\n");
		test_failures++;
	}
	printf("%ld allocation points swept\n", total);

	free(doc);
	trace_buf_dispose(&sample_json);
	trace_buf_dispose(&sample_bytes);
	trace_event_free(sample);
	CHECK(oom_live == 0);
	return test_done("event-oom");
}
