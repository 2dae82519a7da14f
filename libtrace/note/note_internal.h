/* Internal: the note module's shared pieces. */
#ifndef TRACE_NOTE_INTERNAL_H
#define TRACE_NOTE_INTERNAL_H

#include "trace/note.h"
#include "../crypto.h"
#include "../util/sbuf.h"

struct trace_verifier {
	char *name;
	uint32_t key_id;
	int type;
	trace__pubkey *key;
	size_t sig_size;
	uint8_t pub[TRACE_HASH_MAX_SIZE];
	size_t pub_len;
};

/* Key ID = SHA-256(name || "\n" || type || pub)[:4], big-endian. */
int trace__key_id(uint32_t *out, const char *name, size_t name_len, int type,
                  const uint8_t *pub, size_t pub_len);
/* Signs @msg as @s would, writing the full note-signature payload
 * (key ID, and for cosignatures the timestamp, then the signature). */
int trace__signer_note_signature(const trace_signer *s, uint8_t *out, size_t cap, size_t *len,
                                 const char *text, size_t text_len, uint64_t timestamp);
int trace__signer_type(const trace_signer *s);
uint32_t trace__signer_key_id(const trace_signer *s);
/* The message a tlog-cosignature v1 signs. */
int trace__cosignature_message(uint8_t **out, size_t *len, const char *text, size_t text_len,
                               uint64_t timestamp);
/* Checks note text: UTF-8, no control characters but newline, ends in newline. */
int trace__note_text_check(const char *text, size_t len);
/* Verifies every signature line of @n made by one of @keys (none NULL),
 * repeats included; any failure rejects the note.  @verified counts the
 * lines that verified; other keys' lines are left unmarked. */
int trace__note_verify_each(const trace_note *n, const trace_verifier *const *keys, size_t nkeys,
                            const trace_verifier **marks, size_t *verified);
/* Appends the signature lines the last verification accepted, as
 * they were received (name and payload re-encoded byte for byte). */
void trace__note_put_verified(trace__sbuf *b, const trace_note *n, const trace_verifier *const *marks);

#endif
