/*
 * Internal: the event module's data model (include/trace/event.h), shared by
 * the builder, the accessors, validation, the canonical CBOR encoding and
 * the EPCIS JSON form.  Nothing here is exported.
 */
#ifndef TRACE_EVENT_INTERNAL_H
#define TRACE_EVENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "trace/error.h"
#include "trace/event.h"

/* Hash size of the sha256-ed25519 suite: prev links, attachments, corrections, commitments. */
#define TRACE__EV_HASH 32
/* Salt of a private-field commitment. */
#define TRACE__EV_SALT 16
/* Absent times. */
#define TRACE__EV_NO_TIME INT64_MIN
/* Event, record and other times must lie in years 0000..9999 (RFC 3339). */
#define TRACE__EV_TIME_MIN (-62167219200000LL)
#define TRACE__EV_TIME_MAX (253402300799999LL)
/* The JSON-LD namespace of libtrace's EPCIS extensions (prefix "libtrace:"). */
#define TRACE__EV_NS TRACE_EVENT_JSON_NAMESPACE
/* GS1's EPCIS 2.0 JSON-LD context, which every EPCISDocument libtrace writes declares. */
#define TRACE__EPCIS_CONTEXT "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

/* Numeric fields of a sensor report (EPCIS sensorReport), in encoding order. */
enum {
	TRACE__EV_SR_MIN, TRACE__EV_SR_MAX, TRACE__EV_SR_MEAN, TRACE__EV_SR_VALUE,
	TRACE__EV_SR_SDEV, TRACE__EV_SR_PERCRANK, TRACE__EV_SR_PERCVALUE, TRACE__EV_SR_NUM
};
extern const char *const trace__ev_sr_json[TRACE__EV_SR_NUM];

/* A list of strings. */
typedef struct trace__strv {
	char **v;
	size_t n, cap;
} trace__strv;

/* One extension field: a JSON string (text) or any other JSON value as its canonical JSON text. */
typedef struct trace__ext {
	char *key;
	char *value;
	int is_json;
} trace__ext;

typedef struct trace__extv {
	trace__ext *v;
	size_t n, cap;
} trace__extv;

typedef struct trace__qty {
	char *cls;
	double qty; /* NaN when absent */
	char *uom;  /* NULL for a count */
} trace__qty;

typedef struct trace__qtyv {
	trace__qty *v;
	size_t n, cap;
} trace__qtyv;

/* A party (source / destination) or a business transaction: type and id. */
typedef struct trace__pair {
	char *type;
	char *id;
} trace__pair;

typedef struct trace__pairv {
	trace__pair *v;
	size_t n, cap;
} trace__pairv;

typedef struct trace__report {
	char *type;
	double num[TRACE__EV_SR_NUM]; /* NaN when absent */
	char *uom;
	int64_t time;                 /* TRACE__EV_NO_TIME when absent */
	trace__extv ext;              /* every other sensorReport field */
} trace__report;

typedef struct trace__sensor {
	trace__extv meta;             /* sensorMetadata fields */
	trace__report *r;
	size_t n, cap;
	trace__extv ext;              /* extension members of the sensorElement itself */
} trace__sensor;

typedef struct trace__hashref {
	uint8_t hash[TRACE__EV_HASH];
	size_t len;
	char *a;  /* attachment: URI; prev: origin */
	char *b;  /* attachment: media type */
} trace__hashref;

typedef struct trace__hashrefv {
	trace__hashref *v;
	size_t n, cap;
} trace__hashrefv;

typedef struct trace__priv {
	char *name;
	uint8_t commitment[TRACE__EV_HASH];
	char *value;                  /* cleartext, NULL once decoded */
	uint8_t salt[TRACE__EV_SALT];
	int has_clear;
} trace__priv;

struct trace_event {
	int type;
	int action;
	int time_set;
	int64_t time;
	int tz;
	int64_t record_time;
	char *event_id;
	trace__strv certification;

	trace__strv codes[5];         /* by trace_event_role; PARENT holds at most one */
	trace__qtyv qty[5];           /* PARENT unused */

	char *biz_step, *disposition;
	trace__strv pd_set, pd_unset; /* persistentDisposition */
	char *read_point, *biz_location;
	trace__extv read_point_ext, biz_location_ext;
	char *transformation_id;

	trace__pairv parties[3];      /* by trace_event_party_kind */
	trace__pairv biz_tx;

	trace__sensor *sensors;
	size_t n_sensors, cap_sensors;

	int has_ilmd;
	char *lot;
	int64_t production, expiry;
	trace__extv ilmd_ext;

	trace__hashrefv attachments;
	trace__extv ext;
	trace__hashrefv prev;

	int has_error;
	uint8_t err_hash[TRACE__EV_HASH];
	size_t err_hash_len;          /* 0: corrected event not named by hash */
	char *err_reason;
	int64_t err_time;             /* TRACE__EV_NO_TIME: same as eventTime */
	trace__strv err_corrective;
	trace__extv err_ext;

	trace__priv *priv;
	size_t n_priv, cap_priv;
};

/* ---- containers (model.c) ---- */
int trace__strv_push(trace__strv *s, const char *str);
void trace__strv_free(trace__strv *s);
int trace__extv_push(trace__extv *e, const char *key, const char *value, int is_json);
void trace__extv_free(trace__extv *e);
trace__report *trace__ev_new_report(trace_event *ev, trace__sensor *into);
trace__sensor *trace__ev_new_sensor(trace_event *ev);
int trace__ev_set_str(char **slot, const char *s);

/* Whether @key names a modelled libtrace field ("libtrace:prev", or the full IRI), which no extension may use. */
int trace__ev_reserved_key(const char *key);

/* ---- identifiers and syntax (ident.c) ---- */
/* Whether @s is an absolute URI (RFC 3986 scheme ":" and allowed characters). */
int trace__ev_is_uri(const char *s);
/* Valid UTF-8 without NUL. */
int trace__ev_text_ok(const char *s, size_t len);
/*
 * Canonical form of an identifier (EPC, class, location, party, parent): the
 * code module's canonical string if it parses, else the text itself when it
 * is an absolute URI the code module does not claim.  @what names the field.
 */
int trace__ev_canonical_id(char **out, const char *text, const char *what);
/* Whether @s is already its own canonical identifier (decoder check). */
int trace__ev_id_is_canonical(const char *s, const char *what);
int trace__ev_uom_ok(const char *s);
int trace__ev_media_type_ok(const char *s);

/* ---- CBV vocabularies (cbv.c) ---- */
enum trace__cbv_vocab {
	TRACE__CBV_BIZSTEP, TRACE__CBV_DISP, TRACE__CBV_BTT, TRACE__CBV_SDT, TRACE__CBV_ER,
	TRACE__CBV_COUNT
};
/*
 * Normalises a CBV value: a standard value in short, URN, URI or "cbv:" CURIE
 * form gives its short form; any other absolute URI is kept.  Returns
 * TRACE_OK with *out allocated, or TRACE_EINVAL naming @what.
 */
int trace__cbv_normalize(char **out, int vocab, const char *value, const char *what);
/*
 * Strict: the CBV 2.0 short name of @value when it is a standard value of
 * @vocab written bare, as urn:epcglobal:cbv:... or as
 * https://ref.gs1.org/cbv/...; NULL for anything else (a custom URI whose
 * last segment happens to be a CBV word included).  Static storage.
 */
const char *trace__cbv_short(int vocab, const char *value);
/* Whether @s is in normal form for @vocab (short standard value or other URI). */
int trace__cbv_is_normal(int vocab, const char *s);
/* Sensor measurement type: "gs1:X" and "https://gs1.org/voc/X" become "X". */
int trace__ev_sensor_type(char **out, const char *value, const char *what);
int trace__ev_sensor_type_ok(const char *s);

/* ---- numbers (number.c) ---- */
/* -0 becomes 0. */
double trace__ev_num_normalize(double v);
/* Shortest decimal text that reads back as @v ("26", "12.1", "1e+20"); buf >= 32. */
void trace__ev_num_format(char *buf, size_t cap, double v);
/* IEEE half precision. */
int trace__ev_f16_exact(double v, uint16_t *bits);
double trace__ev_f16_value(uint16_t bits);

/* ---- times (timefmt.c) ---- */
/* RFC 3339 date-time with offset; sub-millisecond digits round half up. */
int trace__ev_time_parse(int64_t *ms, int *offset_min, const char *s);
/* "YYYY-MM-DD" (midnight UTC) or a date-time. */
int trace__ev_date_parse(int64_t *ms, const char *s);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmm+hh:mm" ("Z" when @offset_min is 0 and @zulu). */
void trace__ev_time_format(char out[40], int64_t ms, int offset_min, int zulu);
void trace__ev_date_format(char out[40], int64_t ms);
int trace__ev_offset_parse(int *out, const char *s);
void trace__ev_offset_format(char out[8], int offset_min);

/* ---- validation (validate.c) ---- */
/* Full validation; @full also checks that identifiers and vocabulary values are in canonical form. */
int trace__ev_validate(const trace_event *ev, int full);

/* ---- commitments (private.c) ---- */
int trace__ev_commit(uint8_t out[TRACE__EV_HASH], const uint8_t salt[TRACE__EV_SALT],
                     const char *name, const char *value);
int trace__ev_add_commitment(trace_event *ev, const char *name, const uint8_t *commitment,
                             size_t len);

/* ---- encoding (encode.c / decode.c) ---- */
int trace__ev_encode(trace_buf *out, const trace_event *ev, int check_limit);
enum { TRACE__EV_DECODE_TRUST_IDS = 1 };
/*
 * Decodes strictly.  TRACE__EV_DECODE_TRUST_IDS skips re-parsing codes to
 * check they are canonical (for a ledger reading back entries it validated
 * when it appended them); every CBOR rule is still enforced.
 */
int trace__event_decode(trace_event **out, const uint8_t *data, size_t len, unsigned flags);

/* ---- JSON (ext.c, json_read.c, json_write.c) ---- */
struct json_t;
/* Canonical JSON text of a jansson value (sorted keys, compact, shortest numbers). */
int trace__ev_json_canonical(char **out, const struct json_t *v);
struct json_error_t;
/* Whether a failed jansson load failed for lack of memory rather than bad text. */
int trace__ev_json_oom(const struct json_error_t *err);
/* Whether @text is exactly the canonical JSON text of a non-string JSON
 * value: 1 yes, 0 no, TRACE_ENOMEM when that could not be decided. */
int trace__ev_json_text_ok(const char *text, size_t len);
/* Appends a JSON string literal. */
struct trace__sbuf;
void trace__ev_json_str(struct trace__sbuf *b, const char *s);
void trace__ev_json_hex(struct trace__sbuf *b, const uint8_t *p, size_t n);

#endif
