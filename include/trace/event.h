/*
 * libtrace - provenance events: the EPCIS 2.0 / CBV 2.0 event model, its
 * canonical encoding (deterministic CBOR, docs/FORMAT.md) and its JSON form
 * (the EPCIS 2.0 JSON-LD event object).
 *
 * An event is built with the setters below, or read from JSON or from its
 * canonical bytes; once encoded it is an entry of an event ledger (query.h)
 * and its identity is the RFC 6962 leaf hash of those bytes.
 */
#ifndef TRACE_EVENT_H
#define TRACE_EVENT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the canonical event encoding written by this library. @since 1.0 */
#define TRACE_EVENT_ENCODING_VERSION 1

/**
 * The JSON-LD namespace of libtrace's EPCIS extension fields, written with the
 * prefix "libtrace:" ("libtrace:prev", "libtrace:attachments", ...).  An
 * EPCISDocument carrying them declares {"libtrace": TRACE_EVENT_JSON_NAMESPACE}
 * in its "@context".  See docs/FORMAT.md.
 * @since 1.0
 */
#define TRACE_EVENT_JSON_NAMESPACE "https://libtrace.org/ns/epcis/"

/** @brief EPCIS event types. @since 1.0 */
enum trace_event_type {
	TRACE_EVENT_OBJECT = 1,          /**< ObjectEvent; @since 1.0 */
	TRACE_EVENT_AGGREGATION = 2,     /**< AggregationEvent; @since 1.0 */
	TRACE_EVENT_TRANSFORMATION = 3,  /**< TransformationEvent; @since 1.0 */
	TRACE_EVENT_TRANSACTION = 4,     /**< TransactionEvent; @since 1.0 */
	TRACE_EVENT_ASSOCIATION = 5      /**< AssociationEvent; @since 1.0 */
};

/** @brief EPCIS action. @since 1.0 */
enum trace_event_action {
	TRACE_ACTION_NONE = 0,     /**< TransformationEvent has none; @since 1.0 */
	TRACE_ACTION_ADD = 1,      /**< @since 1.0 */
	TRACE_ACTION_OBSERVE = 2,  /**< @since 1.0 */
	TRACE_ACTION_DELETE = 3    /**< @since 1.0 */
};

/**
 * @brief The role a code or quantity plays in an event.
 *
 * ITEM is epcList (Object, Transaction) or childEPCs (Aggregation,
 * Association); PARENT is parentID; INPUT and OUTPUT are a
 * TransformationEvent's inputEPCList and outputEPCList.
 * @since 1.0
 */
enum trace_event_role {
	TRACE_ROLE_ITEM = 1,    /**< @since 1.0 */
	TRACE_ROLE_PARENT = 2,  /**< @since 1.0 */
	TRACE_ROLE_INPUT = 3,   /**< @since 1.0 */
	TRACE_ROLE_OUTPUT = 4   /**< @since 1.0 */
};

/** @brief Which party list. @since 1.0 */
enum trace_event_party_kind {
	TRACE_PARTY_SOURCE = 1,       /**< sourceList; @since 1.0 */
	TRACE_PARTY_DESTINATION = 2   /**< destinationList; @since 1.0 */
};

/** @brief An event: a builder while being filled, a read-only view once read (opaque). @since 1.0 */
typedef struct trace_event trace_event;

/**
 * @brief Creates an empty event of @p type.
 * @return TRACE_OK, TRACE_EINVAL (unknown type), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_new(trace_event **out, int type);

/** @brief Releases an event; NULL is a no-op. @since 1.0 */
TRACE_API void trace_event_free(trace_event *ev);

/**
 * @brief Sets eventTime (UTC milliseconds since 1970) and its time-zone offset.
 * @param[in] tz_offset_minutes -840..840 (eventTimeZoneOffset).
 * @return TRACE_OK, TRACE_EINVAL (offset out of range).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_time(trace_event *ev, int64_t time_ms, int tz_offset_minutes);

/**
 * @brief Parses an RFC 3339 date-time as the JSON form's eventTime is read
 *        ("2026-11-23T08:00:00+08:00", "...T00:00:00.123Z"): UTC milliseconds
 *        (a fourth fractional digit rounds half up) and the offset it gives.
 * @param[out] time_ms_out the instant, UTC milliseconds.
 * @param[out] tz_offset_out the offset in minutes; may be NULL.
 * @param[in] text the date-time.
 * @return TRACE_OK, TRACE_EINVAL (naming the text).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_time_parse(int64_t *time_ms_out, int *tz_offset_out,
                                                       const char *text);

/**
 * @brief Sets recordTime (UTC ms).  The ledger sets it when it accepts the
 * event; a scanner that syncs late keeps its own event time.
 * @return TRACE_OK, or TRACE_EINVAL (NULL event, or a time RFC 3339 cannot write).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_record_time(trace_event *ev, int64_t time_ms);

/** @brief Sets the action (trace_event_action). @return TRACE_OK, TRACE_EINVAL. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_action(trace_event *ev, int action);

/**
 * @brief Adds a code (instance level) in @p role.
 * @param[in] code any form trace_code_parse() accepts (Digital Link, EPC URN,
 *            element string, NMPA, MA, native); stored in canonical form.  An
 *            absolute URI the code module does not parse (an unmapped EPC
 *            scheme, a URI of one's own) is kept as given, as an opaque
 *            identifier; a malformed urn:epc: or id.gs1.org code is refused
 *            (docs/FORMAT.md §3.10.4).
 * @return TRACE_OK, TRACE_EINVAL (naming the code and why), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_code(trace_event *ev, int role, const char *code);

/**
 * @brief Adds a class-level quantity (a product class or GTIN + lot) in @p role.
 * @param[in] uom UN/CEFACT unit code (e.g. "KGM"), or NULL for a count.
 * @return TRACE_OK, TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_quantity(trace_event *ev, int role, const char *class_code,
                                       double quantity, const char *uom);

/**
 * @brief Sets the CBV business step: a short value ("shipping") or a URI.
 * @return TRACE_OK, TRACE_EINVAL (neither a CBV value nor a URI).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_biz_step(trace_event *ev, const char *step);
/** @brief Sets the CBV disposition (short value or URI). @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_disposition(trace_event *ev, const char *disposition);
/** @brief Sets readPoint (an SGLN or other location URI / code). @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_read_point(trace_event *ev, const char *location);
/** @brief Sets bizLocation. @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_biz_location(trace_event *ev, const char *location);

/**
 * @brief Adds a source or destination party.
 * @param[in] type CBV source/destination type ("owning_party", "possessing_party", "location") or URI.
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_party(trace_event *ev, int kind, const char *type, const char *id);

/** @brief Adds a business transaction reference (type may be NULL). @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_biz_transaction(trace_event *ev, const char *type, const char *id);

/**
 * @brief Adds a sensor reading (EPCIS sensorReport).
 * @param[in] type e.g. "Temperature" (gs1 short name) or a URI.
 * @param[in] min,max,mean NaN when absent.
 * @param[in] uom e.g. "CEL".
 * @param[in] time_ms when measured, or INT64_MIN when absent.
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_sensor(trace_event *ev, const char *type, double min, double max,
                                     double mean, const char *uom, int64_t time_ms);

/**
 * @brief Adds an attachment by hash (inspection report, certificate).
 * @param[in] hash the document's digest under the ledger's algorithm suite
 *            (trace_log_suite(): 32 bytes for SHA-256; events carry 32-byte
 *            digests, docs/FORMAT.md §2.10); its JSON member is "sha256".
 * @param[in] len its length in bytes.
 * @param[in] uri where the document can be fetched.
 * @param[in] media_type its media type ("application/pdf"), or NULL.
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_attachment(trace_event *ev, const uint8_t *hash, size_t len,
                                                           const char *uri, const char *media_type);

/**
 * @brief Sets lot master data (ILMD): lot, production and expiry dates (UTC ms, INT64_MIN when absent).
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_lot(trace_event *ev, const char *lot, int64_t production_ms,
                                  int64_t expiry_ms);

/** @brief Adds an extension field (namespaced key, text value). @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_extension(trace_event *ev, const char *key, const char *value);

/**
 * @brief Adds a `prev` link: the hash of an earlier event of the same objects,
 * possibly in another party's ledger.
 * @param[in] origin that ledger's origin, or NULL for this ledger.
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_prev(trace_event *ev, const uint8_t *hash, size_t len,
                                   const char *origin);

/**
 * @brief Makes this an error declaration that corrects event @p hash
 * without editing it.
 * @param[in] reason CBV error reason ("incorrect_data", ...) or URI.
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_set_error_declaration(trace_event *ev, const uint8_t *hash,
                                                size_t len, const char *reason);

/**
 * @brief Adds a private field (a buyer, a patient, a phone number).
 *
 * Only a salted SHA-256 commitment enters the canonical encoding; the
 * cleartext and salt stay with the event (see trace_event_private()) for
 * the ledger's erasable side store.
 * @return TRACE_OK, TRACE_EINVAL (naming the argument and what was wrong), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_add_private(trace_event *ev, const char *name, const char *value);

/**
 * @brief Checks the event against the model's rules.
 * @return TRACE_OK, or TRACE_EINVAL naming the field and the rule.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_validate(const trace_event *ev);

/**
 * @brief The canonical encoding: deterministic CBOR (RFC 8949 §4.2.1).
 * @param[out] out release with trace_buf_dispose().
 * @return TRACE_OK, TRACE_EINVAL (validation failure), TRACE_ELIMIT (the
 *         encoding exceeds TRACE_LOG_MAX_ENTRY, naming its size: see
 *         trace_event_split()), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_encode(trace_buf *out, const trace_event *ev);

/**
 * @brief Decodes canonical bytes strictly: any non-canonical encoding is refused.
 * @return TRACE_OK, TRACE_EINVAL (naming the offset and the rule), TRACE_EUNSUPPORTED
 *         (newer encoding version), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_decode(trace_event **out, const uint8_t *data,
                                                   size_t len);

/**
 * @brief Splits an event too large for one log entry into events that fit.
 *
 * The parts have the type and every field of @p ev except one list, which is
 * divided between them in order: the items (epcList / childEPCs and their
 * quantities) or, for a TransformationEvent, the outputs (the inputs are
 * repeated in every part, so each output still traces back to all of them).
 * An event that fits is passed on whole, as a copy.  Private fields keep their
 * commitments, cleartext and salt in every part.
 * @param[in] max_size largest encoding of a part, 64..TRACE_LOG_MAX_ENTRY, or 0
 *            for TRACE_LOG_MAX_ENTRY.
 * @param[in] cb receives each part in order (owned by the callee: free it or
 *            keep it); a non-zero return stops and is reported as TRACE_EUSER.
 * @return TRACE_OK; TRACE_EINVAL (invalid event or @p max_size);
 *         TRACE_ELIMIT (even one item per part does not fit, naming the size);
 *         TRACE_EUSER; TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_split(const trace_event *ev, size_t max_size,
                                                  int (*cb)(trace_event *part, void *payload),
                                                  void *payload);

/**
 * @brief Reads one EPCIS 2.0 JSON-LD event object.
 * @return TRACE_OK, TRACE_EINVAL (with the JSON path of the offending field), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_from_json(trace_event **out, const char *json,
                                                      size_t len);

/**
 * @brief Writes the EPCIS 2.0 JSON-LD event object (libtrace extensions under
 * their documented namespace).
 * @return TRACE_OK, TRACE_EINVAL (the event is invalid: which field and why), TRACE_ENOMEM; release @p out with trace_buf_dispose().
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_to_json(trace_buf *out, const trace_event *ev);

/**
 * @brief Writes an EPCIS 2.0 EPCISDocument holding @p events in order.
 *
 * Its "@context" is GS1's EPCIS 2.0 context followed by
 * {"libtrace": TRACE_EVENT_JSON_NAMESPACE}: together they bind every term and
 * prefix the events use (docs/FORMAT.md, "The JSON form"), so the document
 * validates against GS1's EPCIS 2.0 JSON schema.
 * @param[out] out the JSON text (free with trace_buf_dispose()).
 * @param[in] events the events; may be NULL when @p n is 0.
 * @param[in] n number of events.
 * @param[in] creation_time the document's creationDate, UTC ms (years 0000-9999).
 * @return TRACE_OK; TRACE_EINVAL (a NULL argument or event, an invalid event
 *         naming its position, or @p creation_time out of range); TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_to_json_document(trace_buf *out,
                                                             const trace_event *const *events,
                                                             size_t n, int64_t creation_time);

/**
 * @brief Calls @p cb for each event of an EPCIS JSON text: one event object,
 * an array of them, or an EPCISDocument (its epcisBody.eventList).
 * @param[in] cb receives each event (owned by the callee: free it or keep it);
 *            a non-zero return stops and is reported as TRACE_EUSER.
 * @return TRACE_OK, TRACE_EINVAL (with the path, e.g. "eventList[3].bizStep"), TRACE_EUSER, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_read_json_events(
	const char *json, size_t len, int (*cb)(trace_event *ev, void *payload), void *payload);

/** @brief Event type. @return a trace_event_type, or 0 for NULL. @since 1.0 */
TRACE_API int trace_event_type(const trace_event *ev);
/** @brief Action. @return a trace_event_action, or 0 when the type has none or for NULL. @since 1.0 */
TRACE_API int trace_event_action(const trace_event *ev);
/** @brief Event time, UTC ms. @since 1.0 */
TRACE_API int64_t trace_event_time(const trace_event *ev);
/** @brief Time-zone offset in minutes. @return minutes east of UTC (-840 to 840); 0 for NULL. @since 1.0 */
TRACE_API int trace_event_tz_offset(const trace_event *ev);
/** @brief Record time, UTC ms, or INT64_MIN when unset. @since 1.0 */
TRACE_API int64_t trace_event_record_time(const trace_event *ev);
/** @brief Number of codes in @p role. @since 1.0 */
TRACE_API size_t trace_event_code_count(const trace_event *ev, int role);
/** @brief Canonical code @p i of @p role, or NULL; owned by @p ev. @since 1.0 */
TRACE_API const char *trace_event_code(const trace_event *ev, int role, size_t i);
/** @brief Number of quantities in @p role. @since 1.0 */
TRACE_API size_t trace_event_quantity_count(const trace_event *ev, int role);
/**
 * @brief Quantity @p i of @p role.
 * @param[out] class_code,quantity,uom any may be NULL; strings owned by @p ev (uom may be NULL).
 * @return TRACE_OK, TRACE_ERANGE (@p i past the end), TRACE_EINVAL (NULL event or unknown role).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_quantity(const trace_event *ev, int role, size_t i,
                                   const char **class_code, double *quantity, const char **uom);
/** @brief Business step as a short CBV value or URI, or NULL. @since 1.0 */
TRACE_API const char *trace_event_biz_step(const trace_event *ev);
/** @brief Disposition, or NULL. @since 1.0 */
TRACE_API const char *trace_event_disposition(const trace_event *ev);
/** @brief readPoint, or NULL. @since 1.0 */
TRACE_API const char *trace_event_read_point(const trace_event *ev);
/** @brief bizLocation, or NULL. @since 1.0 */
TRACE_API const char *trace_event_biz_location(const trace_event *ev);
/** @brief Number of parties of @p kind. @since 1.0 */
TRACE_API size_t trace_event_party_count(const trace_event *ev, int kind);
/**
 * @brief Party @p i of @p kind.
 * @return TRACE_OK, TRACE_ERANGE (@p i past the end), TRACE_EINVAL (NULL event or unknown kind).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_party(const trace_event *ev, int kind, size_t i, const char **type,
                                const char **id);
/** @brief Lot of the lot master data, or NULL. @since 1.0 */
TRACE_API const char *trace_event_lot(const trace_event *ev);
/**
 * @brief Production and expiry dates of the lot master data (UTC ms,
 * INT64_MIN when absent); either pointer may be NULL.
 * @since 1.0
 */
TRACE_API void trace_event_lot_dates(const trace_event *ev, int64_t *production_ms,
                                     int64_t *expiry_ms);
/** @brief Number of sensor readings. @since 1.0 */
TRACE_API size_t trace_event_sensor_count(const trace_event *ev);
/**
 * @brief Sensor reading @p i (absent values are NaN / INT64_MIN).
 * @return TRACE_OK, TRACE_ERANGE (@p i past the end), TRACE_EINVAL (NULL event).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_sensor(const trace_event *ev, size_t i, const char **type, double *min,
                                 double *max, double *mean, const char **uom, int64_t *time_ms);
/** @brief Number of prev links. @since 1.0 */
TRACE_API size_t trace_event_prev_count(const trace_event *ev);
/**
 * @brief Prev link @p i: the hash (@p len bytes) and the origin (NULL: this ledger).
 * @return TRACE_OK, TRACE_ERANGE (@p i past the end), TRACE_EINVAL (NULL event).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_prev(const trace_event *ev, size_t i, const uint8_t **hash, size_t *len,
                               const char **origin);
/**
 * @brief The corrected event's hash when this is an error declaration, else NULL.
 * @since 1.0
 */
TRACE_API const uint8_t *trace_event_corrects(const trace_event *ev, size_t *len);
/**
 * @brief The event's eventID (an absolute URI, kept as given), or NULL.
 * @param[in] ev the event; NULL gives NULL.
 * @return owned by @p ev, valid until it is freed; NULL when it has none.
 * @since 1.0
 */
TRACE_API const char *trace_event_id(const trace_event *ev);
/**
 * @brief Whether the event is an error declaration (EPCIS errorDeclaration).
 * @param[in] ev the event; NULL gives 0.
 * @return 1 if it carries an errorDeclaration, else 0.
 * @since 1.0
 */
TRACE_API int trace_event_is_declaration(const trace_event *ev);
/**
 * @brief The error declaration's reason: a CBV short value ("incorrect_data",
 *        "did_not_occur") or a URI.
 * @param[in] ev the event; NULL gives NULL.
 * @return owned by @p ev; NULL when it is no declaration or gives no reason.
 * @since 1.0
 */
TRACE_API const char *trace_event_error_reason(const trace_event *ev);
/**
 * @brief Number of correctiveEventIDs of the error declaration.
 * @param[in] ev the event; NULL gives 0.
 * @return the count; 0 when it is no declaration.
 * @since 1.0
 */
TRACE_API size_t trace_event_corrective_count(const trace_event *ev);
/**
 * @brief Corrective event ID @p i of the error declaration.
 * @param[in] ev the event.
 * @param[in] i 0 .. trace_event_corrective_count() - 1.
 * @return owned by @p ev; NULL when @p i is out of range.
 * @since 1.0
 */
TRACE_API const char *trace_event_corrective(const trace_event *ev, size_t i);
/** @brief Number of private fields. @since 1.0 */
TRACE_API size_t trace_event_private_count(const trace_event *ev);
/**
 * @brief Private field @p i: its name, and its cleartext and salt when this
 * event still holds them (NULL after decoding, where only the commitment is).
 * @return TRACE_OK, TRACE_ERANGE (@p i past the end), TRACE_EINVAL (NULL event).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_private(const trace_event *ev, size_t i, const char **name,
                                  const char **value, const uint8_t **salt, size_t *salt_len);

/**
 * @brief Gives private field @p i of a decoded event its cleartext back.
 *
 * The value and salt (from the ledger's side store, or from a partner) are
 * accepted only if they reproduce the field's commitment
 * (docs/FORMAT.md §3.10.5); trace_event_private() returns them afterwards.
 * @return TRACE_OK; TRACE_ECHAINBREAK (they do not match the commitment);
 *         TRACE_ERANGE (no field @p i); TRACE_EINVAL (bad salt length,
 *         value not UTF-8); TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_event_reveal_private(trace_event *ev, size_t i, const char *value,
                                         const uint8_t *salt, size_t salt_len);

#ifdef __cplusplus
}
#endif
#endif
