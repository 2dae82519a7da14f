/*
 * libtrace - the experimental API: young parts that may change or vanish in
 * any release (docs/api-stability.md).  Visible only to code that defines
 * TRACE_EXPERIMENTAL_API before including trace.h; its symbols are in the
 * TRACE_EXPERIMENTAL node of the version script, outside the ABI promise.
 *
 * Today: the ledger's tuning parameters, and the where-did-it-go query.
 */
#ifndef TRACE_EXPERIMENTAL_H
#define TRACE_EXPERIMENTAL_H

#include "common.h"
#include "query.h"

#ifdef TRACE_EXPERIMENTAL_API

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Ledger settings (trace_ledger_set_param()). @since 1.0 */
enum trace_ledger_param {
	/** Event times further than this many ms ahead of the record time are flagged (default 5 minutes; -1: never). */
	TRACE_PARAM_MAX_CLOCK_SKEW_MS = 1,
	/** A decommissioned code may be recommissioned within this many ms (default 10 days, EU FMD). */
	TRACE_PARAM_UNDO_WINDOW_MS = 2,
	/** 1: refuse to fill (bizStep "filling") a destroyed, expired or overdue unit (default 1). */
	TRACE_PARAM_FILL_INTERLOCK = 3,
	/** Consumer scans above this count flag a code as possibly copied (default 20). */
	TRACE_PARAM_SCAN_LIMIT = 4
};

/**
 * @brief Sets a trace_ledger_param for this handle.
 * @return TRACE_OK, or TRACE_EINVAL (NULL ledger, unknown parameter, or a
 *         value outside trace_ledger_param_bounds(), naming both).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_set_param(trace_ledger *l, int param, int64_t value);

/**
 * @brief The current value of a trace_ledger_param.
 * @param[out] value_out the value.
 * @return TRACE_OK, or TRACE_EINVAL (NULL argument, unknown parameter).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_get_param(int64_t *value_out, const trace_ledger *l, int param);

/**
 * @brief The values trace_ledger_set_param() accepts for @p param.
 * @param[out] min_out,max_out the bounds, both included.
 * @return TRACE_OK, or TRACE_EINVAL (NULL argument, unknown parameter).
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_ledger_param_bounds(int64_t *min_out, int64_t *max_out, int param);

/** @brief Which way trace_query_where() looks. @since 1.0 */
enum trace_where_direction {
	TRACE_WHERE_TO = 1,  /**< where the items were shipped to: destination parties; @since 1.0 */
	TRACE_WHERE_FROM = 2 /**< where they were received from: source parties; @since 1.0 */
};

/**
 * @brief Where did this batch go, or where did it come from: the parties
 * and locations the items of @p code were shipped to or received from.
 *
 * The items are @p code and everything trace forward reaches from it (a
 * lot's items, a container's contents, what was made from it).  Every event
 * of their histories (containers included, as trace_query_history()) that
 * names a destination (TRACE_WHERE_TO) or source (TRACE_WHERE_FROM) gives
 * one result per such party, in event order: trace_query_event_index() is
 * the event, trace_query_party() the party or location and its type, and
 * trace_query_count() how many of the items the event moved.
 *
 * The results are worked out when the query is made; memory grows with the
 * number of events that touch the items.
 * @param[out] out the query.
 * @param[in] l the ledger.
 * @param[in] code a lot, item or container code.
 * @param[in] direction a trace_where_direction.
 * @return TRACE_OK, TRACE_ENOTFOUND (unknown code), TRACE_EINVAL (NULL
 *         argument, unknown direction), TRACE_ECORRUPT (an entry does not
 *         decode, or the links form a cycle), TRACE_ELIMIT, TRACE_EIO, TRACE_ENOMEM.
 * @since 1.0
 */
TRACE_API TRACE_WARN_UNUSED int trace_query_where(trace_query **out, trace_ledger *l,
                                                  const char *code, int direction);

/**
 * @brief The current trace_query_where() result's party or location.
 * @param[in] q a query.
 * @param[out] type its type as the event gives it (e.g. "owning_party",
 *             "possessing_party", "location"; "" if none); may be NULL.
 * @return the party or location id, valid until trace_query_free(); NULL
 *         for other kinds of query or when no result is current.
 * @since 1.0
 */
TRACE_API const char *trace_query_party(const trace_query *q, const char **type);

/**
 * @brief How many of the items the current trace_query_where() result's event moved.
 * @param[in] q a query.
 * @return the count; 0 for other kinds of query or when no result is current.
 * @since 1.0
 */
TRACE_API uint64_t trace_query_count(const trace_query *q);

#ifdef __cplusplus
}
#endif

#endif /* TRACE_EXPERIMENTAL_API */
#endif
