/*
 * libtrace - the event ledger and its questions: history of a code, trace
 * back and forward, contents, status, recall.
 *
 * A ledger is a log of kind TRACE_LOG_EVENTS whose entries are canonical
 * events (event.h).  Every append writes the events and all index rows in
 * one durable LMDB transaction; the indexes are derived data that
 * trace_ledger_reindex() rebuilds from the log alone.
 */
#ifndef TRACE_QUERY_H
#define TRACE_QUERY_H

#include "common.h"
#include "event.h"
#include "log.h"
#include "note.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief An open event ledger (opaque; one thread at a time). @since 1.0 */
typedef struct trace_ledger trace_ledger;

/**
 * @brief Creates an event ledger in @p dir (see trace_log_create()).
 * @return as trace_log_create().
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_create(trace_ledger **out, const char *dir,
                                                    const char *origin, const char *vkey,
                                                    const trace_log_opts *opts);

/**
 * @brief Opens an event ledger (see trace_log_open()).
 * @return as trace_log_open(), and TRACE_EINVAL for a raw log.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_open(trace_ledger **out, const char *dir,
                                                  const trace_log_opts *opts);

/** @brief Closes a ledger; NULL is a no-op. @since 1.0 */
TRACE_API void trace_ledger_close(trace_ledger *l);

/**
 * @brief The ledger's log, for checkpoints, proofs and the audit.
 * @return owned by @p l, valid until trace_ledger_close().
 * @since 1.0
 */
TRACE_API trace_log *trace_ledger_log(trace_ledger *l);

/** @brief Ledger settings (trace_ledger_set_param()). @since 1.0 */
enum trace_ledger_param {
	/** Event times further than this many ms ahead of the record time are flagged (default 5 minutes). */
	TRACE_PARAM_MAX_CLOCK_SKEW_MS = 1,
	/** A decommissioned code may be recommissioned within this many ms (default 10 days, EU FMD). */
	TRACE_PARAM_UNDO_WINDOW_MS = 2,
	/** 1: refuse to fill (bizStep "filling") a destroyed, expired or overdue unit (default 1). */
	TRACE_PARAM_FILL_INTERLOCK = 3,
	/** Consumer scans above this count flag a code as possibly copied (default 20). */
	TRACE_PARAM_SCAN_LIMIT = 4
};

/** @brief Sets a trace_ledger_param. @return TRACE_OK or TRACE_EINVAL. @since 1.0 */
TRACE_API int trace_ledger_set_param(trace_ledger *l, int param, int64_t value);

/**
 * @brief Appends events in one durable transaction with all their index rows.
 *
 * Each event is validated and encoded; its record time is set to now
 * unless @p record_time_ms is not INT64_MIN.  Impossible moves (a second
 * sale, selling a recalled code) are recorded and flagged; a move that a
 * safety interlock forbids fails the whole batch with TRACE_EREFUSED.
 *
 * An eventID is unique in a ledger.  The one exception is an error
 * declaration: the same event sent again (same fields apart from its
 * recordTime) with an errorDeclaration, naming the erroneous event by its
 * eventID or by its identity (libtrace:corrects).  It marks that event
 * erroneous (trace_ledger_event_declaration(), trace_query_declaration())
 * and the codes it named get their status recomputed without it
 * (TRACE_FLAG_CORRECTED).
 * @param[out] first_index index of the first event; may be NULL.
 * @return TRACE_OK, TRACE_EINVAL (an event is invalid: which and why; a
 *         declaration that differs from the event it declares erroneous, or
 *         names none), TRACE_EEXISTS (an eventID already in the ledger; an
 *         event already declared erroneous), TRACE_ENOTFOUND (a declaration
 *         whose event is not in the ledger), TRACE_ELIMIT, TRACE_EREFUSED
 *         (naming the code and the rule), TRACE_EIO, TRACE_ENOMEM.
 *         On failure the ledger is exactly as before.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_append(trace_ledger *l, uint64_t *first_index,
                                                    trace_event *const *events, size_t n,
                                                    int64_t record_time_ms);

/**
 * @brief Reads event @p index back from the log (decoded and verified).
 * @return TRACE_OK, TRACE_ENOTFOUND, TRACE_ECORRUPT, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API int trace_ledger_event(trace_event **out, trace_ledger *l, uint64_t index);

/**
 * @brief Whether event @p index was declared erroneous, and by which event.
 *
 * The declaration (read it with trace_ledger_event()) holds the reason
 * (trace_event_error_reason()) and any corrective event IDs
 * (trace_event_corrective()).
 * @param[out] declaration index of the declaring event; may be NULL.
 * @return TRACE_OK (declared erroneous), TRACE_ENOTFOUND (not declared
 *         erroneous, or no such event), TRACE_EINVAL (NULL ledger), TRACE_EIO.
 * @since 1.0
 */
TRACE_API int trace_ledger_event_declaration(trace_ledger *l, uint64_t index, uint64_t *declaration);

/**
 * @brief Reads event @p index like trace_ledger_event(), with the cleartext
 *        of its private fields that the ledger's side store still holds.
 *
 * Each stored value is checked against the logged commitment before it is
 * attached; an erased field keeps only its commitment.
 * @return TRACE_OK, TRACE_ENOTFOUND, TRACE_ECORRUPT (an entry or a stored
 *         value does not match), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API int trace_ledger_event_private(trace_event **out, trace_ledger *l, uint64_t index);

/**
 * @brief Erases the cleartext of event @p index's private fields from the
 *        side store, durably (a data subject's request, a retention limit).
 *
 * The event's sealing key is overwritten in place and synced, so every copy
 * of the sealed values becomes unreadable; the log, its commitments,
 * checkpoints and proofs are untouched and stay valid (docs/FORMAT.md
 * §2.9.2 says what lies outside libtrace's reach: backups of
 * DIR/private.keys, copy-on-write storage).
 * @param[out] erased fields erased (0 if none were held); may be NULL.
 * @return TRACE_OK, TRACE_ENOTFOUND (no such event), TRACE_EINVAL
 *         (read-only), TRACE_EIO.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_erase_private(trace_ledger *l, uint64_t index,
                                                           size_t *erased);

/** @brief States of a code's life. @since 1.0 */
enum trace_code_state {
	TRACE_STATE_UNKNOWN = 0,       /**< never seen; @since 1.0 */
	TRACE_STATE_ISSUED = 1,        /**< issued, not yet on a unit (bizStep "encoding" or disposition "encoded"); @since 1.0 */
	TRACE_STATE_COMMISSIONED = 2,  /**< @since 1.0 */
	TRACE_STATE_ACTIVE = 3,        /**< @since 1.0 */
	TRACE_STATE_PACKED = 4,        /**< inside a container; @since 1.0 */
	TRACE_STATE_IN_TRANSIT = 5,    /**< @since 1.0 */
	TRACE_STATE_RECEIVED = 6,      /**< @since 1.0 */
	TRACE_STATE_SOLD = 7,          /**< decommissioned by sale; @since 1.0 */
	TRACE_STATE_SPLIT_SOLD = 8,    /**< split-pack sale (拆零); @since 1.0 */
	TRACE_STATE_RETURNED = 9,      /**< @since 1.0 */
	TRACE_STATE_RECALLED = 10,     /**< @since 1.0 */
	TRACE_STATE_EXPIRED = 11,      /**< @since 1.0 */
	TRACE_STATE_DESTROYED = 12,    /**< @since 1.0 */
	TRACE_STATE_DECOMMISSIONED = 13, /**< may be undone within the window; @since 1.0 */
	TRACE_STATE_CONSUMED = 14      /**< an input a TransformationEvent used up; @since 1.0 */
};

/** @brief Flags on a code's status: evidence of impossible moves. @since 1.0 */
enum trace_code_flag {
	TRACE_FLAG_DOUBLE_SALE = 1,      /**< sold again after a sale; @since 1.0 */
	TRACE_FLAG_SOLD_RECALLED = 2,    /**< sold while recalled or expired; @since 1.0 */
	TRACE_FLAG_RECALLED = 4,         /**< covered by a recall; @since 1.0 */
	TRACE_FLAG_CLOCK_SKEW = 8,       /**< an event's time was implausible; @since 1.0 */
	TRACE_FLAG_MANY_SCANS = 16,      /**< more consumer scans than the limit; @since 1.0 */
	TRACE_FLAG_LATE_UNDO = 32,       /**< recommissioned after the undo window; @since 1.0 */
	TRACE_FLAG_IMPOSSIBLE_MOVE = 64, /**< another move the state machine does not allow; @since 1.0 */
	TRACE_FLAG_CORRECTED = 128       /**< an event of the code was declared erroneous and no longer counts; @since 1.0 */
};

/**
 * @brief The status of a code, in constant time.
 * @param[out] state a trace_code_state.
 * @param[out] flags trace_code_flag bits; may be NULL.
 * @param[out] last_event index of the last event that changed it; may be NULL.
 * @return TRACE_OK, TRACE_ENOTFOUND (never seen), TRACE_EINVAL (not a code).
 * @since 1.0
 */
TRACE_API int trace_ledger_status(trace_ledger *l, const char *code, int *state,
                                  uint32_t *flags, uint64_t *last_event);

/**
 * @brief Consumer scans of a code: how many, and when the first was.
 * @return TRACE_OK, TRACE_ENOTFOUND.
 * @since 1.0
 */
TRACE_API int trace_ledger_scans(trace_ledger *l, const char *code, uint64_t *count,
                                 int64_t *first_ms);

/** @brief Name of a trace_code_state ("sold", ...), never NULL. @since 1.0 */
TRACE_API const char *trace_code_state_name(int state);

/**
 * @brief Recalls a lot, item or container: appends a recall event and marks
 * every code downstream of it recalled.
 * @param[out] affected number of codes marked; may be NULL.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL, TRACE_EIO.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_recall(trace_ledger *l, uint64_t *affected,
                                                    const char *code, const char *reason,
                                                    int64_t time_ms);

/**
 * @brief The list of recalled codes as a signed note, for offline checks in
 * shops, pharmacies and filling stations.
 * @return TRACE_OK, TRACE_EINVAL (wrong key), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API int trace_ledger_recall_list(trace_buf *out, trace_ledger *l, trace_signer *signer);

/**
 * @brief Rebuilds every index from the log and compares with the stored ones.
 * @param[out] differences index rows that differed (0 when the indexes were right); may be NULL.
 * @return TRACE_OK, TRACE_ECORRUPT (an entry does not decode), TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_reindex(trace_ledger *l, uint64_t *differences);

/** @brief A query's results, produced one at a time (opaque). @since 1.0 */
typedef struct trace_query trace_query;

/**
 * @brief Every event of @p code in order, including what happened to the
 * containers it was packed in while it was inside them.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_history(trace_query **out, trace_ledger *l,
                                                    const char *code);

/** @brief Every upstream code (containers, inputs, lots) of @p code. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_query_trace_back(trace_query **out, trace_ledger *l,
                                                       const char *code);

/** @brief Every downstream code of @p code (the recall set). @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_query_trace_forward(trace_query **out, trace_ledger *l,
                                                          const char *code);

/**
 * @brief The contents of a container, recursively, then the devices and
 * sensors currently associated with @p code (AssociationEvent ADD or
 * OBSERVE, not yet DELETEd); trace_query_link() tells which is which.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_contents(trace_query **out, trace_ledger *l,
                                                     const char *code);

/** @brief Events with event time in [from_ms, to_ms). @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_query_by_time(trace_query **out, trace_ledger *l,
                                                    int64_t from_ms, int64_t to_ms);

/** @brief Which field trace_query_by_field() matches. @since 1.0 */
enum trace_query_field {
	TRACE_FIELD_PARTY = 1,       /**< a source or destination party id; @since 1.0 */
	TRACE_FIELD_BIZ_STEP = 2,    /**< @since 1.0 */
	TRACE_FIELD_DISPOSITION = 3, /**< @since 1.0 */
	TRACE_FIELD_LOCATION = 4     /**< readPoint or bizLocation; @since 1.0 */
};

/** @brief Events whose @p field equals @p value. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_query_by_field(trace_query **out, trace_ledger *l,
                                                     int field, const char *value);

/**
 * @brief Advances to the next result.
 * @return TRACE_OK (a result is current), TRACE_ENOTFOUND (no more), or an error.
 * @since 1.0
 */
TRACE_API int trace_query_next(trace_query *q);

/** @brief The current result's event index (UINT64_MAX for code-only results). @since 1.0 */
TRACE_API uint64_t trace_query_event_index(const trace_query *q);

/** @brief The current result's code (trace and contents queries), or NULL; valid until the next call. @since 1.0 */
TRACE_API const char *trace_query_code(const trace_query *q);

/** @brief Distance of the current result from the starting code (0 for the code itself). @since 1.0 */
TRACE_API unsigned trace_query_depth(const trace_query *q);

/**
 * @brief The error declaration that marks the current result's event
 *        erroneous (see trace_ledger_event_declaration()).
 * @param[in] q the query; NULL gives UINT64_MAX.
 * @return the declaring event's index, or UINT64_MAX when the current event
 *         was not declared erroneous (and for code-only results).
 * @since 1.0
 */
TRACE_API uint64_t trace_query_declaration(const trace_query *q);

/** @brief How a contents result is linked to the code asked about. @since 1.0 */
enum trace_query_link {
	TRACE_LINK_NONE = 0,       /**< the code itself, or not a contents query; @since 1.0 */
	TRACE_LINK_CONTAINED = 1,  /**< packed inside (AggregationEvent), directly or not; @since 1.0 */
	TRACE_LINK_ASSOCIATED = 2  /**< a device or sensor associated with it (AssociationEvent); @since 1.0 */
};

/**
 * @brief The current contents result's link (trace_query_link).
 * @param[in] q the query; NULL gives TRACE_LINK_NONE.
 * @return a trace_query_link value.
 * @since 1.0
 */
TRACE_API int trace_query_link(const trace_query *q);

/** @brief Releases a query; NULL is a no-op. @since 1.0 */
TRACE_API void trace_query_free(trace_query *q);

#ifdef __cplusplus
}
#endif
#endif
