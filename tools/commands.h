/* Subcommand entry points: argv[0] is the command name. */
#ifndef TRACE_TOOLS_COMMANDS_H
#define TRACE_TOOLS_COMMANDS_H

int cmd_key(int argc, char **argv);
int cmd_note(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_proof(int argc, char **argv);
/* tools/cmd_code.c */
int cmd_code(int argc, char **argv);
/* tools/cmd_qr.c */
int cmd_qr(int argc, char **argv);
int cmd_datamatrix(int argc, char **argv);
int cmd_labels(int argc, char **argv);
/* tools/cmd_event.c */
int cmd_ledger(int argc, char **argv);
int cmd_event(int argc, char **argv);
/* tools/cmd_query.c */
int cmd_history(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_where(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_contents(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_recall(int argc, char **argv);
int cmd_reindex(int argc, char **argv);

#endif
