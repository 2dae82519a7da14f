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
#include "code.h"
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
 * @brief Opens an event ledger (see trace_log_open(): @p flags is
 *        TRACE_OPEN_READONLY, the default, or TRACE_OPEN_WRITE; handles on
 *        one ledger in one process share its storage).
 * @return as trace_log_open(), and TRACE_EINVAL for a raw log.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_open(trace_ledger **out, const char *dir,
                                                  unsigned flags, const trace_log_opts *opts);

/** @brief Closes a ledger; NULL is a no-op. @since 1.0 */
TRACE_API void trace_ledger_close(trace_ledger *l);

/**
 * @brief The ledger's log, for checkpoints, proofs and the audit.
 * @return owned by @p l, valid until trace_ledger_close().
 * @since 1.0
 */
TRACE_API trace_log *trace_ledger_log(trace_ledger *l);

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
 * @return TRACE_OK, TRACE_EINVAL (an event is invalid: which and why; this
 *         includes a lot number on an item with no product to name the lot
 *         within, see docs/FORMAT.md §2.9.2; a declaration that differs from
 *         the event it declares erroneous, or names none), TRACE_EEXISTS (an
 *         eventID already in the ledger; an event already declared
 *         erroneous), TRACE_ENOTFOUND (a declaration by identity whose event is not in
 *         the ledger), TRACE_ELIMIT, TRACE_EREFUSED (naming the code and the
 *         rule: a safety interlock, a containment cycle), TRACE_EIO, TRACE_ENOMEM.
 *         On failure the ledger is exactly as before.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_append(trace_ledger *l, uint64_t *first_index,
                                                    trace_event *const *events, size_t n,
                                                    int64_t record_time_ms);

/** @brief Flags of trace_ledger_issue(). @since 1.0 */
enum trace_issue_flags {
	/** Record "commissioning" / "active" (codes already on their units)
	 *  instead of "encoding" / "encoded" (codes issued for printing). @since 1.0 */
	TRACE_ISSUE_COMMISSION = 1u << 0
};

/**
 * @brief Issues codes with @p is and records their issuance in @p l.
 *
 * Codes are issued chunk by chunk (20,000 at a time); each chunk becomes an
 * ObjectEvent ADD of its codes (split into as many entries as it needs,
 * trace_event_split()) appended in one durable transaction, and only then are
 * that chunk's codes passed to @p fn: a code the caller has seen is in the
 * ledger.  If @p fn stops, the rest of its chunk is recorded but not passed on:
 * every recorded code counts as issued.
 * @param[out] first_event_out index of the first event recorded; may be NULL.
 * @param[out] events_out number of events recorded (also on failure: what
 *             was recorded before it); may be NULL.
 * @param[in] l the ledger, open for writing.
 * @param[in] is the issuer (trace_issuer_open() on the ledger's directory).
 * @param[in] gtin,lot GS1 codes of this GTIN and lot; both NULL for native codes.
 * @param[in] prefix native codes of this prefix; NULL for GS1 codes.
 * @param[in] count how many codes.
 * @param[in] time_ms,tz_offset_minutes the events' time.
 * @param[in] flags trace_issue_flags, or 0.
 * @param[in] fn receives each code once it is recorded; may be NULL.
 * @return TRACE_OK; TRACE_EINVAL (missing or conflicting arguments, unknown
 *         flags, a bad GTIN, lot or prefix, a read-only ledger); TRACE_EUSER
 *         (@p fn stopped); and what trace_issuer_issue_gs1() and
 *         trace_ledger_append() return (TRACE_EIO, TRACE_ELIMIT, TRACE_ENOMEM...).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_issue(uint64_t *first_event_out, uint64_t *events_out,
                                                   trace_ledger *l, trace_issuer *is, const char *gtin,
                                                   const char *lot, const char *prefix, uint64_t count,
                                                   int64_t time_ms, int tz_offset_minutes, unsigned flags,
                                                   trace_issue_fn fn, void *payload);

/**
 * @brief Reads event @p index back from the log (decoded and verified).
 * @return TRACE_OK, TRACE_ERANGE (@p index is not below the ledger's size),
 *         TRACE_ECORRUPT (the stored entry breaks the canonical encoding: only a
 *         format violation in stored bytes is reported so, never a lack of
 *         memory), TRACE_EUNSUPPORTED (written by a newer encoding version),
 *         TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_event(trace_event **out, trace_ledger *l, uint64_t index);

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
TRACE_API TRACE_WARN_UNUSED int trace_ledger_event_declaration(trace_ledger *l, uint64_t index, uint64_t *declaration);

/**
 * @brief Reads event @p index like trace_ledger_event(), with the cleartext
 *        of its private fields that the ledger's side store still holds.
 *
 * Each stored value is checked against the logged commitment before it is
 * attached; an erased field keeps only its commitment.
 * @return TRACE_OK, TRACE_ERANGE, TRACE_ECORRUPT (an entry or a stored
 *         value does not match), TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_event_private(trace_event **out, trace_ledger *l, uint64_t index);

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
 * @return TRACE_OK, TRACE_ERANGE (no such event), TRACE_EINVAL
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
TRACE_API TRACE_WARN_UNUSED int trace_ledger_status(trace_ledger *l, const char *code, int *state,
                                  uint32_t *flags, uint64_t *last_event);

/**
 * @brief Consumer scans of a code: how many, and when the first was.
 * @return TRACE_OK, TRACE_ENOTFOUND.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_scans(trace_ledger *l, const char *code, uint64_t *count,
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
 * shops, pharmacies and filling stations (docs/FORMAT.md §2.9.5).
 *
 * The list names the ledger's origin, the size and root hash it reflects and
 * the time it was made, so an older list (or a checkpoint, signed by the
 * same key) cannot pass for a newer one.  The codes come from indexes
 * rebuilt from the log, not from the stored ones: a changed index row never
 * reaches a signature.  This reads the whole log.
 * @param[out] out the signed note; release with trace_buf_dispose().
 * @param[in] signer the ledger's own key.
 * @param[in] time_ms when the list is made (UTC ms; INT64_MIN for now).
 * @return TRACE_OK, TRACE_EINVAL (not the ledger's key), TRACE_ECORRUPT (an
 *         entry does not decode), TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_recall_list(trace_buf *out, trace_ledger *l,
                                                         trace_signer *signer, int64_t time_ms);

/**
 * @brief Checks a recall list offline and says whether @p code is on it.
 *
 * Everything is explicit: the ledger's key, and how fresh the list must be.
 * Nothing is remembered between calls.
 * @param[out] recalled_out 1 if @p code is on the list, else 0.
 * @param[out] size_out the ledger size the list reflects; may be NULL.
 * @param[out] time_ms_out when the list was made; may be NULL.
 * @param[in] list the note, as trace_ledger_recall_list() made it.
 * @param[in] vkey the ledger's verifier key (its name is the origin).
 * @param[in] code the code, in any form trace_code_parse() accepts.
 * @param[in] min_size the smallest ledger size acceptable (0: any).
 * @param[in] not_before_ms the oldest time acceptable (INT64_MIN: any).
 * @return TRACE_OK (the answer is in @p recalled_out); TRACE_EBADSIG (not
 *         signed by @p vkey); TRACE_EINVAL (not a recall list — a
 *         checkpoint, say — or malformed, naming the line; a witness key);
 *         TRACE_EREFUSED (older or smaller than required); TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_recall_list_check(int *recalled_out, uint64_t *size_out,
                                                        int64_t *time_ms_out, const char *list,
                                                        size_t len, const trace_verifier *vkey,
                                                        const char *code, uint64_t min_size,
                                                        int64_t not_before_ms);

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
 *
 * For each event, trace_query_via() names the code through which it applies
 * (@p code itself, or the container), trace_query_depth() how many levels
 * of containers lie between (0 for the code's own events; the same depth
 * trace back gives that container), and trace_query_interval() the stretch
 * the code was inside it.  An event that names the code and a container, or
 * two nested containers, is given once, through the closest.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL, TRACE_ELIMIT
 *         (containers nested more than a thousand deep), TRACE_ECORRUPT, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_history(trace_query **out, trace_ledger *l,
                                                    const char *code);

/**
 * @brief Every upstream code of @p code: its lot, the inputs it was made
 * from, and every container it was ever in (not only the current one), each
 * with trace_query_interval() saying when @p code was inside; and so on
 * upstream of those, however deep.
 *
 * A container it was in twice is listed once per stay.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL, TRACE_ENOMEM;
 *         trace_query_next() fails with TRACE_ECORRUPT if the links form a cycle.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_trace_back(trace_query **out, trace_ledger *l,
                                                       const char *code);

/**
 * @brief Every downstream code of @p code (the recall set): a lot's items,
 * a container's current contents, what was made from it, however deep.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL, TRACE_ENOMEM;
 *         trace_query_next() fails with TRACE_ECORRUPT if the links form a cycle.
 * @since 1.0
 */
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

/** @brief Events with event time in [from_ms, to_ms). @return TRACE_OK, TRACE_EINVAL (NULL argument, or from_ms after to_ms), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_query_by_time(trace_query **out, trace_ledger *l,
                                                    int64_t from_ms, int64_t to_ms);

/** @brief Which field trace_query_by_field() matches. @since 1.0 */
enum trace_query_field {
	TRACE_FIELD_PARTY = 1,       /**< a source or destination party id; @since 1.0 */
	TRACE_FIELD_BIZ_STEP = 2,    /**< @since 1.0 */
	TRACE_FIELD_DISPOSITION = 3, /**< @since 1.0 */
	TRACE_FIELD_LOCATION = 4     /**< readPoint or bizLocation; @since 1.0 */
};

/** @brief Events whose @p field equals @p value. @return TRACE_OK, TRACE_EINVAL (unknown field, or a value that is not a code or URI), TRACE_ENOMEM. @since 1.0 */
TRACE_API TRACE_WARN_UNUSED int trace_query_by_field(trace_query **out, trace_ledger *l,
                                                     int field, const char *value);

/**
 * @brief Advances to the next result.
 *
 * The end of the results is reported by its own code, TRACE_ITEROVER, so
 * that it can never be mistaken for a failure such as TRACE_ENOTFOUND (as
 * libgit2 does with GIT_ITEROVER).  A loop reads:
 * @code
 * while ((rc = trace_query_next(q)) == TRACE_OK)
 *         use(trace_query_event_index(q));
 * if (rc != TRACE_ITEROVER)
 *         fail(rc);
 * @endcode
 * Once it has returned TRACE_ITEROVER it keeps returning it.
 * @return TRACE_OK (a result is current), TRACE_ITEROVER (no more results:
 *         the normal end), TRACE_EINVAL (NULL query), TRACE_ECORRUPT (an
 *         index row is damaged), TRACE_ELIMIT (too many container stays open
 *         at once), TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_next(trace_query *q);

/** @brief The current result's event index (UINT64_MAX for code-only results). @since 1.0 */
TRACE_API uint64_t trace_query_event_index(const trace_query *q);

/** @brief The current result's code (trace and contents queries), or NULL; valid until the next call. @since 1.0 */
TRACE_API const char *trace_query_code(const trace_query *q);

/** @brief Distance of the current result from the starting code (0 for the code itself). @since 1.0 */
TRACE_API unsigned trace_query_depth(const trace_query *q);

/**
 * @brief The code through which the current history result applies: the
 *        queried code (in canonical form) for its own events, else the
 *        container (trace_query_history()).
 * @param[in] q a query.
 * @return the code, valid until the next call on @p q; NULL for other
 *         kinds of query or when no result is current.
 * @since 1.0
 */
TRACE_API const char *trace_query_via(const trace_query *q);

/**
 * @brief When the starting code was inside the current result's container.
 *
 * For a trace back result reached through a container, and a history event
 * reached through one, the stretch of event indexes over which the code
 * was inside it: from the packing event (or the event where an enclosing
 * stay began) to the unpacking event, both included.
 * @param[in] q a query.
 * @param[out] from the first event index of the stretch.
 * @param[out] to the last event index of the stretch, UINT64_MAX while the
 *             code is still inside.
 * @return TRACE_OK, TRACE_ENOTFOUND (the current result is not a container
 *         stay), TRACE_EINVAL (a NULL argument).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_interval(const trace_query *q, uint64_t *from, uint64_t *to);


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
