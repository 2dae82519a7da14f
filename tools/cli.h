/* The trace command-line tool: shared helpers for its subcommands. */
#ifndef TRACE_TOOLS_CLI_H
#define TRACE_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <trace/trace.h>

/* Exit statuses: a contract that outside conformance checks rely on. */
#define EXIT_VERIFY_FAILED 1
#define EXIT_USAGE 2

#if defined(__GNUC__)
# define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
# define CLI_PRINTF(a, b)
#endif

/* Prints "trace: <message>" to stderr and returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) CLI_PRINTF(1, 2);
/*
 * Reports a failed library call: "trace: <what>: <detail>" on stderr.
 * Returns EXIT_VERIFY_FAILED for verification failures (bad signature,
 * broken chain or proof, corrupt data) and EXIT_USAGE for everything else.
 */
int cli_fail(int rc, const char *what);
/* Opens a log or ledger for writing, waiting up to CLI_BUSY_TIMEOUT_MS
 * (or $TRACE_BUSY_TIMEOUT_MS) for another writer to finish;
 * library status codes, not yet reported. */
#define CLI_BUSY_TIMEOUT_MS 5000
int cli_open_log_writer(trace_log **out, const char *dir);
int cli_open_ledger_writer(trace_ledger **out, const char *dir);
/* Reads a whole file ("-" for stdin), NUL-terminated.  Returns 0 or -1 (reported). */
int cli_read(const char *path, uint8_t **out, size_t *len);
/* Reads a key file and strips one trailing newline. */
int cli_read_key(const char *path, char **out);
/* Strict unsigned decimal; returns 0 or -1. */
int cli_parse_u64(const char *s, uint64_t *out);
/* A growing list of events, filled by a callback of the event API. */
typedef struct cli_events {
	trace_event **v;
	size_t n, cap;
} cli_events;
/* Callback for trace_event_read_json_events() and trace_event_split():
 * keeps @ev in the cli_events @payload (frees it and stops when out of memory). */
int cli_events_keep(trace_event *ev, void *payload);
void cli_events_free(cli_events *list);

/* The wall clock in UTC milliseconds, for events the tool makes itself. */
int64_t cli_now_ms(void);
/* Loads a signer from a private-key file; 0 or an exit status (reported). */
int cli_load_signer(const char *path, trace_signer **out);
/* Creates a log (TRACE_LOG_RAW) or ledger (TRACE_LOG_EVENTS); 0 or an exit status. */
int cli_log_init(const char *dir, const char *origin, const char *key, int kind);

#endif
