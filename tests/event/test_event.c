/*
 * The event model: builder and accessors, validation messages naming the
 * field and the rule, JSON errors naming the path, private-field commitments
 * (checked against OpenSSL's SHA-256 directly), the entry-size limit, and
 * builder -> encode -> decode -> encode round trips.
 */
#include <math.h>
#include <openssl/sha.h>

#include "event_test.h"

#define T0 1740789000250LL /* 2025-03-01T00:30:00.250Z */
#define SGTIN1 "https://id.gs1.org/01/09506000134352/21/A1B2C3"
#define SSCC "urn:epc:id:sscc:9506000.0000000001"

static trace_event *object_event(void)
{
	trace_event *ev = NULL;
	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_time(ev, T0, 480));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_OBSERVE));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, SGTIN1));
	return ev;
}

/* builder -> encode -> decode -> encode, identical bytes; returns the decoded event. */
static trace_event *roundtrip(const trace_event *ev)
{
	trace_buf a = ev_encode(ev), b = TRACE_BUF_INIT;
	trace_event *d = NULL;
	CHECK_OK(trace_event_decode(&d, a.ptr, a.size));
	if (d != NULL) {
		b = ev_encode(d);
		CHECK(ev_same(&a, &b));
	}
	trace_buf_dispose(&a);
	trace_buf_dispose(&b);
	return d;
}

static void test_accessors(void)
{
	trace_event *ev = object_event();
	uint8_t h1[32], h2[32], att[32];
	memset(h1, 0x11, 32);
	memset(h2, 0x22, 32);
	memset(att, 0x33, 32);
	CHECK_OK(trace_event_set_record_time(ev, T0 + 5000));
	CHECK_OK(trace_event_add_quantity(ev, TRACE_ROLE_ITEM, "urn:epc:class:lgtin:9506000.013435.L1", 12.5, "KGM"));
	CHECK_OK(trace_event_add_quantity(ev, TRACE_ROLE_ITEM, "https://id.gs1.org/01/09506000134352/10/L2", NAN, NULL));
	CHECK_OK(trace_event_set_biz_step(ev, "cbv:BizStep-receiving"));
	CHECK_OK(trace_event_set_disposition(ev, "urn:example:disp:quarantined"));
	CHECK_OK(trace_event_set_read_point(ev, "urn:epc:id:sgln:9506000.00001.7"));
	CHECK_OK(trace_event_set_biz_location(ev, "geo:31.2,121.4"));
	CHECK_OK(trace_event_add_party(ev, TRACE_PARTY_SOURCE, "https://ref.gs1.org/cbv/SDT-possessing_party",
	                               "urn:epc:id:pgln:9506000.00001"));
	CHECK_OK(trace_event_add_party(ev, TRACE_PARTY_DESTINATION, "location", "urn:epc:id:sgln:9506000.10002.0"));
	CHECK_OK(trace_event_add_biz_transaction(ev, NULL, "urn:epcglobal:cbv:bt:9506000000015:1"));
	CHECK_OK(trace_event_add_sensor(ev, "https://gs1.org/voc/Temperature", 2.0, 7.5, NAN, "CEL", T0 - 60000));
	CHECK_OK(trace_event_add_sensor(ev, "RelativeHumidity", NAN, NAN, 55.0, "P1", INT64_MIN));
	CHECK_OK(trace_event_add_attachment(ev, att, 32, "https://lab.example.cn/r.pdf", "application/pdf"));
	CHECK_OK(trace_event_add_extension(ev, "example:note", "first scan of the day"));
	CHECK_OK(trace_event_add_prev(ev, h1, 32, NULL));
	CHECK_OK(trace_event_add_prev(ev, h2, 32, "farm.example.cn/ledger/1"));
	CHECK_OK(trace_event_add_private(ev, "buyer", "Zhang San"));

	trace_event *d = roundtrip(ev);
	const trace_event *views[2] = { ev, d };
	for (int v = 0; v < 2 && d != NULL; v++) {
		const trace_event *e = views[v];
		CHECK(trace_event_type(e) == TRACE_EVENT_OBJECT);
		CHECK(trace_event_action(e) == TRACE_ACTION_OBSERVE);
		CHECK(trace_event_time(e) == T0 && trace_event_tz_offset(e) == 480);
		CHECK(trace_event_record_time(e) == T0 + 5000);
		CHECK(trace_event_code_count(e, TRACE_ROLE_ITEM) == 1);
		CHECK(strcmp(trace_event_code(e, TRACE_ROLE_ITEM, 0), SGTIN1) == 0);
		CHECK(trace_event_code(e, TRACE_ROLE_ITEM, 1) == NULL);
		CHECK(trace_event_code_count(e, TRACE_ROLE_PARENT) == 0);
		CHECK(trace_event_quantity_count(e, TRACE_ROLE_ITEM) == 2);
		const char *cls, *uom;
		double q;
		CHECK_OK(trace_event_quantity(e, TRACE_ROLE_ITEM, 0, &cls, &q, &uom));
		CHECK(strcmp(cls, "https://id.gs1.org/01/09506000134352/10/L1") == 0 && q == 12.5 && strcmp(uom, "KGM") == 0);
		CHECK_OK(trace_event_quantity(e, TRACE_ROLE_ITEM, 1, &cls, &q, &uom));
		CHECK(isnan(q) && uom == NULL);
		CHECK(trace_event_quantity(e, TRACE_ROLE_ITEM, 2, NULL, NULL, NULL) == TRACE_ERANGE);
		CHECK(strcmp(trace_event_biz_step(e), "receiving") == 0);
		CHECK(strcmp(trace_event_disposition(e), "urn:example:disp:quarantined") == 0);
		CHECK(strcmp(trace_event_read_point(e), "https://id.gs1.org/414/9506000000015/254/7") == 0);
		CHECK(strcmp(trace_event_biz_location(e), "geo:31.2,121.4") == 0);
		const char *type, *id;
		CHECK(trace_event_party_count(e, TRACE_PARTY_SOURCE) == 1);
		CHECK_OK(trace_event_party(e, TRACE_PARTY_SOURCE, 0, &type, &id));
		CHECK(strcmp(type, "possessing_party") == 0 && strcmp(id, "https://id.gs1.org/417/9506000000015") == 0);
		CHECK(trace_event_party(e, TRACE_PARTY_DESTINATION, 1, &type, &id) == TRACE_ERANGE);
		CHECK(trace_event_sensor_count(e) == 2);
		double mn, mx, mean;
		int64_t t;
		CHECK_OK(trace_event_sensor(e, 0, &type, &mn, &mx, &mean, &uom, &t));
		CHECK(strcmp(type, "Temperature") == 0 && mn == 2.0 && mx == 7.5 && isnan(mean) && t == T0 - 60000);
		CHECK_OK(trace_event_sensor(e, 1, &type, &mn, &mx, &mean, &uom, &t));
		CHECK(mean == 55.0 && t == INT64_MIN && strcmp(uom, "P1") == 0);
		CHECK(trace_event_sensor(e, 2, NULL, NULL, NULL, NULL, NULL, NULL) == TRACE_ERANGE);
		CHECK(trace_event_prev_count(e) == 2);
		const uint8_t *hash;
		size_t len;
		const char *origin;
		CHECK_OK(trace_event_prev(e, 1, &hash, &len, &origin));
		CHECK(len == 32 && memcmp(hash, h2, 32) == 0 && strcmp(origin, "farm.example.cn/ledger/1") == 0);
		CHECK_OK(trace_event_prev(e, 0, &hash, &len, &origin));
		CHECK(origin == NULL);
		CHECK(trace_event_corrects(e, &len) == NULL && len == 0);
		CHECK(trace_event_private_count(e) == 1);
		CHECK(trace_event_lot(e) == NULL);
	}
	/* Cleartext stays with the builder, only the commitment is encoded. */
	const char *name, *value;
	const uint8_t *salt;
	size_t salt_len;
	CHECK_OK(trace_event_private(ev, 0, &name, &value, &salt, &salt_len));
	CHECK(strcmp(name, "buyer") == 0 && strcmp(value, "Zhang San") == 0 && salt_len == 16);
	if (d != NULL) {
		CHECK_OK(trace_event_private(d, 0, &name, &value, &salt, &salt_len));
		CHECK(strcmp(name, "buyer") == 0 && value == NULL && salt == NULL && salt_len == 0);
	}
	trace_buf enc = ev_encode(ev);
	CHECK(enc.ptr && memmem(enc.ptr, enc.size, "Zhang San", 9) == NULL);
	trace_buf_dispose(&enc);
	trace_event_free(d);
	trace_event_free(ev);
}

/* commitment = SHA-256(salt || name || 0x00 || value), found in the encoding. */
static void test_commitment(void)
{
	trace_event *ev = object_event();
	CHECK_OK(trace_event_add_private(ev, "phone", "+86 138 0000 0000"));
	CHECK_OK(trace_event_add_private(ev, "phone", "+86 139 0000 0000"));
	const char *name, *value;
	const uint8_t *salt, *salt2;
	size_t salt_len;
	CHECK_OK(trace_event_private(ev, 0, &name, &value, &salt, &salt_len));
	CHECK_OK(trace_event_private(ev, 1, NULL, NULL, &salt2, NULL));
	CHECK(memcmp(salt, salt2, 16) != 0);
	uint8_t msg[128], want[32];
	size_t n = 0;
	memcpy(msg, salt, 16);
	n = 16;
	memcpy(msg + n, "phone", 6); /* with its NUL: name || 0x00 */
	n += 6;
	memcpy(msg + n, value, strlen(value));
	n += strlen(value);
	SHA256(msg, n, want);
	trace_buf enc = ev_encode(ev);
	CHECK(enc.ptr && memmem(enc.ptr, enc.size, want, 32) != NULL);
	/* The JSON form carries commitments only. */
	trace_buf js = TRACE_BUF_INIT;
	CHECK_OK(trace_event_to_json(&js, ev));
	CHECK(js.ptr && strstr((char *)js.ptr, "0000 0000") == NULL && strstr((char *)js.ptr, "libtrace:commitments"));
	char *hex = ev_hex(want, 32);
	CHECK(js.ptr && strstr((char *)js.ptr, hex) != NULL);
	free(hex);
	trace_buf_dispose(&js);
	trace_buf_dispose(&enc);
	trace_event_free(ev);
}

static void expect_invalid(trace_event *ev, const char *needle)
{
	trace_buf b = TRACE_BUF_INIT;
	CHECK_RC(trace_event_validate(ev), TRACE_EINVAL);
	CHECK_MSG(needle);
	CHECK_RC(trace_event_encode(&b, ev), TRACE_EINVAL);
	CHECK(b.ptr == NULL);
	trace_event_free(ev);
}

static void test_validation(void)
{
	trace_event *ev;
	uint8_t h[32] = { 0 };

	CHECK_RC(trace_event_new(&ev, 9), TRACE_EINVAL);
	CHECK_MSG("type");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
	expect_invalid(ev, "eventTime: required");

	ev = object_event();
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_NONE));
	expect_invalid(ev, "action: required for ObjectEvent");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	expect_invalid(ev, "epcList: an ObjectEvent needs epcList or quantityList");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, SGTIN1));
	expect_invalid(ev, "parentID: required for AggregationEvent ADD");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_PARENT, SSCC));
	expect_invalid(ev, "childEPCs: AggregationEvent ADD needs children");

	/* DELETE may omit the children (EPCIS: all are removed). */
	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_AGGREGATION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_DELETE));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_PARENT, SSCC));
	CHECK_OK(trace_event_validate(ev));
	CHECK_RC(trace_event_add_code(ev, TRACE_ROLE_PARENT, SSCC), TRACE_EINVAL);
	CHECK_MSG("at most one parent");
	trace_event_free(ev);

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_TRANSFORMATION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_INPUT, SGTIN1));
	expect_invalid(ev, "outputEPCList: a TransformationEvent needs inputs and outputs");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_TRANSFORMATION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_INPUT, SGTIN1));
	CHECK_OK(trace_event_add_quantity(ev, TRACE_ROLE_OUTPUT, "https://id.gs1.org/01/09506000134352/10/L2", 5, NULL));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	expect_invalid(ev, "action: a TransformationEvent has no action");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_TRANSACTION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, SGTIN1));
	expect_invalid(ev, "bizTransactionList: required for TransactionEvent");

	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_ASSOCIATION));
	CHECK_OK(trace_event_set_time(ev, T0, 0));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_OBSERVE));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, SGTIN1));
	expect_invalid(ev, "parentID: required for AssociationEvent");

	ev = object_event();
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_INPUT, SGTIN1));
	expect_invalid(ev, "inputEPCList: only a TransformationEvent");

	ev = object_event();
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, "urn:epc:id:sgtin:9506000.013435.A1B2C3"));
	expect_invalid(ev, "listed twice");

	ev = object_event();
	CHECK_OK(trace_event_set_lot(ev, "L1", INT64_MIN, INT64_MIN));
	expect_invalid(ev, "ilmd: lot master data belongs to an ObjectEvent with action ADD");

	/* Setters refuse bad values and name the field. */
	ev = object_event();
	CHECK_RC(trace_event_set_time(ev, T0, 841), TRACE_EINVAL);
	CHECK_MSG("eventTimeZoneOffset");
	CHECK_RC(trace_event_set_biz_step(ev, "shippping"), TRACE_EINVAL);
	CHECK_MSG("bizStep");
	CHECK_RC(trace_event_set_biz_step(ev, "https://ref.gs1.org/cbv/BizStep-flying"), TRACE_EINVAL);
	CHECK_MSG("not a CBV 2.0 business step");
	CHECK_RC(trace_event_set_disposition(ev, "urn:epcglobal:cbv:disp:nonsense"), TRACE_EINVAL);
	CHECK_MSG("disposition");
	CHECK_RC(trace_event_add_code(ev, TRACE_ROLE_ITEM, "https://id.gs1.org/01/09506000134353/21/X"), TRACE_EINVAL);
	CHECK_MSG("check digit");
	CHECK_RC(trace_event_add_code(ev, TRACE_ROLE_ITEM, "not a code"), TRACE_EINVAL);
	CHECK_MSG("epcList");
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, "urn:epc:id:bic:CSQU3054383")); /* opaque URI */
	CHECK_RC(trace_event_add_code(ev, 7, SGTIN1), TRACE_EINVAL);
	CHECK_RC(trace_event_add_quantity(ev, TRACE_ROLE_ITEM, SGTIN1, -1, NULL), TRACE_EINVAL);
	CHECK_MSG("quantity");
	CHECK_RC(trace_event_add_quantity(ev, TRACE_ROLE_ITEM, SGTIN1, 1, "kg"), TRACE_EINVAL);
	CHECK_MSG("uom");
	CHECK_RC(trace_event_add_prev(ev, h, 31, NULL), TRACE_EINVAL);
	CHECK_MSG("31 bytes, expected 32");
	CHECK_RC(trace_event_add_attachment(ev, h, 32, "not a uri", NULL), TRACE_EINVAL);
	CHECK_MSG("uri");
	CHECK_RC(trace_event_add_attachment(ev, h, 32, NULL, "pdf"), TRACE_EINVAL);
	CHECK_MSG("mediaType");
	CHECK_RC(trace_event_add_party(ev, TRACE_PARTY_SOURCE, "owner", "urn:x:y"), TRACE_EINVAL);
	CHECK_MSG("sourceList");
	CHECK_RC(trace_event_add_extension(ev, "plain", "v"), TRACE_EINVAL);
	CHECK_MSG("namespaced");
	CHECK_RC(trace_event_add_extension(ev, "libtrace:prev", "v"), TRACE_EINVAL);
	CHECK_OK(trace_event_add_extension(ev, "libtrace:recallReason", "listeria"));
	CHECK_OK(trace_event_add_extension(ev, "example:x", "1"));
	CHECK_RC(trace_event_add_extension(ev, "example:x", "2"), TRACE_EINVAL);
	CHECK_MSG("duplicate");
	CHECK_RC(trace_event_add_sensor(ev, "Temperature", INFINITY, NAN, NAN, "CEL", INT64_MIN), TRACE_EINVAL);
	CHECK_RC(trace_event_add_private(ev, "", "x"), TRACE_EINVAL);
	CHECK_RC(trace_event_set_error_declaration(ev, h, 32, "typo"), TRACE_EINVAL);
	CHECK_MSG("error reason");
	CHECK_RC(trace_event_add_code(ev, TRACE_ROLE_ITEM, "\xff\xfe"), TRACE_EINVAL);
	CHECK_MSG("UTF-8");
	CHECK_OK(trace_event_validate(ev));
	trace_event_free(ev);
}

static void test_error_declaration(void)
{
	trace_event *ev = object_event();
	uint8_t h[32];
	memset(h, 0xab, 32);
	CHECK_OK(trace_event_set_error_declaration(ev, h, 32, "urn:epcglobal:cbv:er:did_not_occur"));
	trace_event *d = roundtrip(ev);
	size_t len = 0;
	const uint8_t *c = trace_event_corrects(d, &len);
	CHECK(c != NULL && len == 32 && memcmp(c, h, 32) == 0);
	trace_buf js = TRACE_BUF_INIT;
	CHECK_OK(trace_event_to_json(&js, d));
	CHECK(js.ptr && strstr((char *)js.ptr, "\"reason\":\"did_not_occur\"") != NULL);
	CHECK(js.ptr && strstr((char *)js.ptr, "\"declarationTime\":\"2025-03-01T00:30:00.250Z\"") != NULL);
	trace_buf_dispose(&js);
	trace_event_free(d);
	trace_event_free(ev);
}

/* Commissioning 100,000 codes does not fit one log entry. */
static void test_entry_limit(void)
{
	trace_event *ev = NULL;
	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_time(ev, T0, 480));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	char code[96];
	for (int i = 0; i < 100000; i++) {
		snprintf(code, sizeof code, "urn:example:item:%08d", i);
		if (trace_event_add_code(ev, TRACE_ROLE_ITEM, code) != TRACE_OK) {
			test_failures++;
			break;
		}
	}
	trace_buf b = TRACE_BUF_INIT;
	CHECK_RC(trace_event_encode(&b, ev), TRACE_ELIMIT);
	CHECK_MSG("65535");
	CHECK(b.ptr == NULL);
	trace_event_free(ev);
}

struct parts {
	size_t n, codes, quantities;
	int order_ok, fields_ok, size_ok, private_ok;
	char last[64];
};

static int collect_part(trace_event *part, void *payload)
{
	struct parts *p = payload;
	int role = trace_event_type(part) == TRACE_EVENT_TRANSFORMATION ? TRACE_ROLE_OUTPUT : TRACE_ROLE_ITEM;
	trace_buf b = TRACE_BUF_INIT;
	p->size_ok &= trace_event_encode(&b, part) == TRACE_OK && b.size <= 65535;
	trace_buf_dispose(&b);
	for (size_t i = 0; i < trace_event_code_count(part, role); i++) {
		const char *c = trace_event_code(part, role, i);
		p->order_ok &= strcmp(p->last, c) < 0;
		snprintf(p->last, sizeof p->last, "%s", c);
		p->codes++;
	}
	p->quantities += trace_event_quantity_count(part, role);
	p->fields_ok &= trace_event_biz_step(part) && strcmp(trace_event_biz_step(part), "commissioning") == 0 &&
	                trace_event_time(part) == T0;
	if (role == TRACE_ROLE_OUTPUT)
		p->fields_ok &= trace_event_code_count(part, TRACE_ROLE_INPUT) == 2;
	const char *value = NULL;
	p->private_ok &= trace_event_private_count(part) == 1 &&
	                 trace_event_private(part, 0, NULL, &value, NULL, NULL) == TRACE_OK && value &&
	                 strcmp(value, "Wang Wu") == 0;
	p->n++;
	trace_event_free(part);
	return 0;
}

static void test_split(void)
{
	trace_event *ev = NULL;
	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
	CHECK_OK(trace_event_set_time(ev, T0, 480));
	CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
	CHECK_OK(trace_event_set_biz_step(ev, "commissioning"));
	CHECK_OK(trace_event_add_private(ev, "operator", "Wang Wu"));
	char code[96];
	for (int i = 0; i < 100000; i++) {
		snprintf(code, sizeof code, "urn:example:item:%08d", i);
		CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, code));
	}
	CHECK_OK(trace_event_add_quantity(ev, TRACE_ROLE_ITEM, "https://id.gs1.org/01/09506000134352/10/L9", 4, NULL));
	struct parts p = { 0, 0, 0, 1, 1, 1, 1, "" };
	CHECK_OK(trace_event_split(ev, 0, collect_part, &p));
	CHECK(p.n == 42); /* 27 bytes a code: about 2,426 codes an entry */
	CHECK(p.codes == 100000 && p.quantities == 1);
	CHECK(p.order_ok && p.fields_ok && p.size_ok && p.private_ok);
	CHECK_RC(trace_event_split(ev, 10, collect_part, &p), TRACE_EINVAL);
	CHECK_RC(trace_event_split(ev, 64, collect_part, &p), TRACE_ELIMIT);
	CHECK_MSG("over 64");
	trace_event_free(ev);

	/* A transformation repeats its inputs and divides its outputs. */
	CHECK_OK(trace_event_new(&ev, TRACE_EVENT_TRANSFORMATION));
	CHECK_OK(trace_event_set_time(ev, T0, 480));
	CHECK_OK(trace_event_set_biz_step(ev, "commissioning"));
	CHECK_OK(trace_event_add_private(ev, "operator", "Wang Wu"));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_INPUT, "urn:example:raw:1"));
	CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_INPUT, "urn:example:raw:2"));
	for (int i = 0; i < 40; i++) {
		snprintf(code, sizeof code, "urn:example:out:%04d", i);
		CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_OUTPUT, code));
	}
	memset(&p, 0, sizeof p);
	p.order_ok = p.fields_ok = p.size_ok = p.private_ok = 1;
	CHECK_OK(trace_event_split(ev, 300, collect_part, &p));
	CHECK(p.n > 4 && p.codes == 40 && p.order_ok && p.fields_ok && p.private_ok);
	/* One that fits comes back whole. */
	memset(&p, 0, sizeof p);
	p.order_ok = p.fields_ok = p.size_ok = p.private_ok = 1;
	CHECK_OK(trace_event_split(ev, 0, collect_part, &p));
	CHECK(p.n == 1 && p.codes == 40 && p.fields_ok && p.private_ok);
	trace_event_free(ev);

	/* An event with an eventID is not cut into parts that would share it
	 * (a ledger's eventIDs are unique); one that fits passes whole. */
	const char *with_id = "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-23T08:00:00Z\","
	                      "\"eventTimeZoneOffset\":\"+08:00\",\"action\":\"ADD\",\"eventID\":\"urn:uuid:0d7e1e52-0000-4000-8000-00000000000a\","
	                      "\"epcList\":[\"urn:example:a:1\",\"urn:example:a:2\",\"urn:example:a:3\",\"urn:example:a:4\"]}";
	CHECK_OK(trace_event_from_json(&ev, with_id, strlen(with_id)));
	memset(&p, 0, sizeof p);
	p.order_ok = p.fields_ok = p.size_ok = p.private_ok = 1;
	CHECK_RC(trace_event_split(ev, 120, collect_part, &p), TRACE_EINVAL);
	CHECK_MSG("own eventID");
	CHECK(p.n == 0);
	CHECK_OK(trace_event_split(ev, 0, collect_part, &p));
	CHECK(p.n == 1);
	trace_event_free(ev);
}

/* Each part must still fit once the append gives it a recordTime. */
static int part_fits_recorded(trace_event *part, void *payload)
{
	size_t *max = payload;
	trace_buf b = TRACE_BUF_INIT;
	int rc = trace_event_set_record_time(part, T0);
	if (rc == TRACE_OK)
		rc = trace_event_encode(&b, part);
	if (rc != TRACE_OK || b.size > max[0]) {
		fprintf(stderr, "a split part is %zu bytes with its recordTime, over %zu (rc %d)\n", b.size, max[0], rc);
		test_failures++;
	}
	max[1]++;
	trace_buf_dispose(&b);
	trace_event_free(part);
	return 0;
}

static void test_split_counts_record_time(void)
{
	/* Codes of every length from 20 to 51 bytes: some part lands within the
	 * 10 bytes of a recordTime of the limit, at 1,000 bytes and at the log's own. */
	const size_t limits[] = { 1000, TRACE_LOG_MAX_ENTRY };
	for (size_t li = 0; li < 2; li++)
		for (int pad = 0; pad < 32; pad++) {
			trace_event *ev = NULL;
			CHECK_OK(trace_event_new(&ev, TRACE_EVENT_OBJECT));
			CHECK_OK(trace_event_set_time(ev, T0, 480));
			CHECK_OK(trace_event_set_action(ev, TRACE_ACTION_ADD));
			char code[96];
			int n = li == 0 ? 120 : 4000;
			for (int i = 0; i < n; i++) {
				snprintf(code, sizeof code, "urn:example:%.*s:%06d", pad, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
				CHECK_OK(trace_event_add_code(ev, TRACE_ROLE_ITEM, code));
			}
			size_t st[2] = { limits[li], 0 };
			CHECK_OK(trace_event_split(ev, li == 0 ? limits[li] : 0, part_fits_recorded, st));
			CHECK(st[1] > 1);
			trace_event_free(ev);
		}
}

static void test_json_paths(void)
{
	trace_event *ev = NULL;
	const char *bad_json = "{\"type\": \"ObjectEvent\",";
	CHECK_RC(trace_event_from_json(&ev, bad_json, strlen(bad_json)), TRACE_EINVAL);
	CHECK_MSG("line 1");

	static const struct { const char *json, *path; } cases[] = {
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"eventTimeZoneOffset\":\"+08:00\","
		  "\"action\":\"ADD\",\"epcList\":[\"" SGTIN1 "\", 7]}", "epcList[1]: expected a string" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"eventTimeZoneOffset\":\"+08:00\","
		  "\"action\":\"ADD\",\"epcList\":[\"" SGTIN1 "\"],\"bizStep\":\"flying\"}", "bizStep" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"eventTimeZoneOffset\":\"+08:00\","
		  "\"action\":\"MOVE\",\"epcList\":[\"" SGTIN1 "\"]}", "action: \"MOVE\"" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-02-30T08:30:00+08:00\"}", "eventTime" },
		{ "{\"type\":\"Event\",\"eventTime\":\"2025-03-01T08:30:00+08:00\"}", "type: \"Event\"" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		  "\"epcList\":[\"" SGTIN1 "\"],\"quantityList\":[{\"epcClass\":\"" SGTIN1 "\",\"quantity\":\"3\"}]}",
		  "quantityList[0].quantity: expected a number" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		  "\"epcList\":[\"" SGTIN1 "\"],\"childEPCs\":[]}", "childEPCs: not a field of ObjectEvent" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		  "\"epcList\":[\"" SGTIN1 "\"],\"colour\":\"red\"}", "colour: unknown field" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		  "\"epcList\":[\"" SGTIN1 "\"],\"libtrace:prev\":[{\"hash\":\"00\"}]}", "libtrace:prev[0].hash" },
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		  "\"epcList\":[\"" SGTIN1 "\"],\"sensorElementList\":[{\"sensorReport\":[{\"type\":\"Temperature\",\"uom\":\"deg\"}]}]}",
		  "sensorElementList[0].sensorReport[0].uom" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_RC(trace_event_from_json(&ev, cases[i].json, strlen(cases[i].json)), TRACE_EINVAL);
		CHECK_MSG(cases[i].path);
		CHECK(ev == NULL);
	}

	/* In a document, the path starts at the event list. */
	const char *doc =
		"{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\"],"
		"\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"epcisBody\":{\"eventList\":["
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"eventTimeZoneOffset\":\"+08:00\",\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN1 "\"]},"
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"eventTimeZoneOffset\":\"+08:00\",\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN1 "\"]},"
		"{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"eventTimeZoneOffset\":\"+08:00\",\"action\":\"OBSERVE\",\"epcList\":[\"(01)12345678901234\"]}"
		"]}}";
	int count = 0;
	struct counter { int n; } c = { 0 };
	(void)count;
	CHECK_RC(trace_event_read_json_events(doc, strlen(doc), NULL, &c), TRACE_EINVAL);
	extern int count_cb(trace_event *ev, void *payload);
	CHECK_RC(trace_event_read_json_events(doc, strlen(doc), count_cb, &c), TRACE_EINVAL);
	CHECK_MSG("eventList[2].epcList[0]");
	CHECK(c.n == 2);
	/* A stopping callback is TRACE_EUSER. */
	c.n = -1;
	CHECK_RC(trace_event_read_json_events(doc, strlen(doc), count_cb, &c), TRACE_EUSER);
	/* An array of events, and a single event. */
	const char *arr = "[{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00Z\",\"action\":\"OBSERVE\",\"epcList\":[\"" SGTIN1 "\"]}]";
	c.n = 0;
	CHECK_OK(trace_event_read_json_events(arr, strlen(arr), count_cb, &c));
	CHECK_OK(trace_event_read_json_events(arr + 1, strlen(arr) - 2, count_cb, &c));
	CHECK(c.n == 2);
}

int count_cb(trace_event *ev, void *payload)
{
	int *n = payload;
	trace_event_free(ev);
	if (*n < 0)
		return 1;
	(*n)++;
	return 0;
}

/* Sub-millisecond digits round half up; offsets are kept. */
static void test_time_parse(void)
{
	int64_t ms = 0;
	int tz = 99;
	CHECK_OK(trace_event_time_parse(&ms, &tz, "2026-11-23T08:00:00+08:00"));
	CHECK(ms == 1795392000000LL && tz == 480);
	CHECK_OK(trace_event_time_parse(&ms, NULL, "1970-01-01T00:00:00.0005Z"));
	CHECK(ms == 1);	/* the fourth fractional digit rounds half up */
	CHECK_OK(trace_event_time_parse(&ms, &tz, "1969-12-31T23:59:59.999-00:30"));
	CHECK(ms == 1799999 && tz == -30);
	CHECK_RC(trace_event_time_parse(&ms, &tz, "2026-02-29T00:00:00Z"), TRACE_EINVAL);
	CHECK_MSG("2026-02-29");
	CHECK_RC(trace_event_time_parse(&ms, &tz, "2026-11-23T08:00:00"), TRACE_EINVAL);	/* no offset */
	CHECK_RC(trace_event_time_parse(&ms, &tz, "2026-11-23 08:00:00Z"), TRACE_EINVAL);
	CHECK_RC(trace_event_time_parse(&ms, &tz, NULL), TRACE_EINVAL);
}

static void test_json_times(void)
{
	const char *j = "{\"type\":\"ObjectEvent\",\"eventTime\":\"2023-02-02T11:04:03.1415-00:30\","
	                "\"eventTimeZoneOffset\":\"-00:30\",\"action\":\"OBSERVE\",\"epcList\":[\"urn:x:1\"]}";
	trace_event *ev = NULL;
	CHECK_OK(trace_event_from_json(&ev, j, strlen(j)));
	if (ev == NULL)
		return;
	CHECK(trace_event_time(ev) == 1675337643142LL && trace_event_tz_offset(ev) == -30);
	trace_buf js = TRACE_BUF_INIT;
	CHECK_OK(trace_event_to_json(&js, ev));
	CHECK(js.ptr && strstr((char *)js.ptr, "\"eventTime\":\"2023-02-02T11:04:03.142-00:30\"") != NULL);
	CHECK(js.ptr && strstr((char *)js.ptr, "\"eventTimeZoneOffset\":\"-00:30\"") != NULL);
	trace_buf_dispose(&js);
	trace_event_free(ev);
}

static int has(const trace_buf *b, const char *needle)
{
	return b->ptr != NULL && strstr((const char *)b->ptr, needle) != NULL;
}

/* Issue 9: extension members at every level, expanded at every depth against the @context. */
static void test_json_extensions(void)
{
	const char *j =
		"{\"@context\":{\"ex\":\"https://ns.example.com/\",\"probeSerial\":{\"@id\":\"ex:serial\"},"
		"\"cbvmda\":\"https://other.example/mda/\"},"
		"\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		"\"epcList\":[\"" SGTIN1 "\"],\"bizStep\":\"ex:deburring\",\"readPoint\":{\"id\":\"ex:dock-3\"},"
		"\"ilmd\":{\"cbvmda:lotNumber\":\"L1\"},"
		"\"sensorElementList\":[{\"sensorMetadata\":{\"ex:fw\":\"2.4\"},"
		"\"sensorReport\":[{\"type\":\"ex:Turbidity\",\"value\":0.5,\"component\":\"ex:axis\",\"ex:q\":{\"ex:n\":1}}],"
		"\"ex:probe\":{\"ex:lab\":[{\"ex:id\":7}]},\"probeSerial\":\"S-9\"}]}";
	trace_event *ev = NULL;
	CHECK_OK(trace_event_from_json(&ev, j, strlen(j)));
	if (ev == NULL)
		return;
	trace_event *d = roundtrip(ev); /* the sensorElement's own members survive the canonical bytes */
	trace_buf js = TRACE_BUF_INIT;
	CHECK_OK(trace_event_to_json(&js, d ? d : ev));
	CHECK(has(&js, "\"https://ns.example.com/probe\":{\"https://ns.example.com/lab\":[{\"https://ns.example.com/id\":7}]}"));
	CHECK(has(&js, "\"https://ns.example.com/serial\":\"S-9\""));
	CHECK(has(&js, "\"sensorMetadata\":{\"https://ns.example.com/fw\":\"2.4\"}"));
	CHECK(has(&js, "\"type\":\"https://ns.example.com/Turbidity\""));
	CHECK(has(&js, "\"component\":\"https://ns.example.com/axis\""));
	CHECK(has(&js, "\"https://ns.example.com/q\":{\"https://ns.example.com/n\":1}"));
	CHECK(has(&js, "\"bizStep\":\"https://ns.example.com/deburring\""));
	CHECK(has(&js, "\"readPoint\":{\"id\":\"https://ns.example.com/dock-3\"}"));
	/* The document rebinds cbvmda: its lotNumber is its own field, not CBV's lot. */
	CHECK(has(&js, "\"ilmd\":{\"https://other.example/mda/lotNumber\":\"L1\"}"));
	trace_buf_dispose(&js);
	trace_event_free(d);
	trace_event_free(ev);

	/* With "@vocab", a plain key is an extension member relative to it, at any depth. */
	const char *v = "{\"@context\":{\"@vocab\":\"https://ns.example.com/v/\"},\"type\":\"ObjectEvent\","
	                "\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\",\"epcList\":[\"" SGTIN1 "\"],"
	                "\"colour\":{\"shade\":\"dark\"}}";
	ev = NULL;
	CHECK_OK(trace_event_from_json(&ev, v, strlen(v)));
	CHECK_OK(trace_event_to_json(&js, ev));
	CHECK(has(&js, "\"https://ns.example.com/v/colour\":{\"https://ns.example.com/v/shade\":\"dark\"}"));
	trace_buf_dispose(&js);
	trace_event_free(ev);

	static const struct { const char *json, *msg; } bad[] = {
		{ "{\"type\":\"ObjectEvent\",\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\","
		  "\"epcList\":[\"" SGTIN1 "\"],\"sensorElementList\":[{\"sensorReport\":[{\"value\":1}],\"colour\":\"red\"}]}",
		  "sensorElementList[0].colour: unknown field" },
		{ "{\"@context\":{\"ex\":\"https://ns.example.com/\"},\"type\":\"ObjectEvent\","
		  "\"eventTime\":\"2025-03-01T08:30:00+08:00\",\"action\":\"ADD\",\"epcList\":[\"" SGTIN1 "\"],"
		  "\"ex:x\":{\"ex:a\":1,\"https://ns.example.com/a\":2}}",
		  "ex:x: nested member \"https://ns.example.com/a\" appears twice" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ev = NULL;
		CHECK_RC(trace_event_from_json(&ev, bad[i].json, strlen(bad[i].json)), TRACE_EINVAL);
		CHECK_MSG(bad[i].msg);
		CHECK(ev == NULL);
	}
}

static void test_json_document(void)
{
	trace_event *a = object_event(), *b = object_event();
	const trace_event *both[] = { a, b };
	trace_buf doc = TRACE_BUF_INIT;
	CHECK_OK(trace_event_to_json_document(&doc, both, 2, T0));
	CHECK(has(&doc, "{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\","
	                "{\"libtrace\":\"" TRACE_EVENT_JSON_NAMESPACE "\"}],\"type\":\"EPCISDocument\","
	                "\"schemaVersion\":\"2.0\",\"creationDate\":\"2025-03-01T00:30:00.250Z\","
	                "\"epcisBody\":{\"eventList\":[{\"type\":\"ObjectEvent\""));
	int seen = 0;
	CHECK_OK(trace_event_read_json_events((const char *)doc.ptr, doc.size, count_cb, &seen));
	CHECK(seen == 2);
	trace_buf_dispose(&doc);
	CHECK_OK(trace_event_to_json_document(&doc, NULL, 0, T0));
	CHECK(has(&doc, "\"eventList\":[]}}"));
	trace_buf_dispose(&doc);
	const trace_event *gap[] = { a, NULL };
	CHECK_RC(trace_event_to_json_document(&doc, gap, 2, T0), TRACE_EINVAL);
	CHECK_MSG("event 1 is NULL");
	CHECK_RC(trace_event_to_json_document(&doc, both, 2, INT64_MAX), TRACE_EINVAL);
	CHECK_MSG("creation time");
	CHECK_RC(trace_event_to_json_document(NULL, both, 2, T0), TRACE_EINVAL);
	trace_event_free(a);
	trace_event_free(b);
}

int main(void)
{
	test_accessors();
	test_commitment();
	test_validation();
	test_error_declaration();
	test_entry_limit();
	test_split();
	test_split_counts_record_time();
	test_json_paths();
	test_json_times();
	test_json_extensions();
	test_json_document();
	test_time_parse();
	return test_done("event");
}
