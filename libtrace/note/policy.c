/*
 * note/policy: C2SP tlog-policy (logs, witnesses, threshold groups, one
 * quorum) and checkpoint verification against it.
 */
#include <string.h>

#include "trace/error.h"
#include "trace/note.h"
#include "note_internal.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/text.h"

#define POLICY_MAX 256		/* logs, and witnesses plus groups */
#define WORDS_MAX (POLICY_MAX + 3)

typedef struct policy_node {
	char *name;
	trace_verifier *witness;	/* NULL for a group */
	size_t k, n;
	size_t *members;
} policy_node;

struct trace_policy {
	trace_verifier *logs[POLICY_MAX];
	size_t nlogs;
	policy_node nodes[POLICY_MAX];
	size_t nnodes;
	long quorum;		/* node index, or -1 for none */
	int has_quorum;
};

void trace_policy_free(trace_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nlogs; i++)
		trace_verifier_free(p->logs[i]);
	for (size_t i = 0; i < p->nnodes; i++) {
		trace__free(p->nodes[i].name);
		trace_verifier_free(p->nodes[i].witness);
		trace__free(p->nodes[i].members);
	}
	trace__free(p);
}

static long find_node(const trace_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nnodes; i++)
		if (strcmp(p->nodes[i].name, name) == 0)
			return (long)i;
	return -1;
}

static int same_key(const trace_verifier *a, const trace_verifier *b)
{
	return a->pub_len == b->pub_len && memcmp(a->pub, b->pub, a->pub_len) == 0;
}

static int duplicate_key(const trace_policy *p, const trace_verifier *v)
{
	for (size_t i = 0; i < p->nlogs; i++)
		if (same_key(p->logs[i], v))
			return 1;
	for (size_t i = 0; i < p->nnodes; i++)
		if (p->nodes[i].witness && same_key(p->nodes[i].witness, v))
			return 1;
	return 0;
}

static int parse_line(trace_policy *p, char **w, size_t nw, size_t line_no)
{
	int rc;
	if (strcmp(w[0], "log") == 0) {
		if (nw < 2 || nw > 3)
			return trace__fail(TRACE_EINVAL, "policy line %zu: expected \"log <vkey> [<url>]\"", line_no);
		if (p->nlogs == POLICY_MAX)
			return trace__fail(TRACE_ELIMIT, "policy line %zu: more than %d logs", line_no, POLICY_MAX);
		trace_verifier *v;
		if ((rc = trace_verifier_new(&v, w[1]))) {
			trace__error_prefix("policy line %zu", line_no);
			return rc;
		}
		if (trace_verifier_type(v) != TRACE_KEY_ED25519 || duplicate_key(p, v)) {
			int dup = trace_verifier_type(v) == TRACE_KEY_ED25519;
			trace_verifier_free(v);
			return trace__fail(TRACE_EINVAL, dup ? "policy line %zu: duplicate log key"
			                                     : "policy line %zu: a log key must be an Ed25519 (type 0x01) key", line_no);
		}
		p->logs[p->nlogs++] = v;
		return TRACE_OK;
	}
	if (strcmp(w[0], "witness") == 0 || strcmp(w[0], "group") == 0) {
		int witness = w[0][0] == 'w';
		if (witness ? (nw < 3 || nw > 4) : nw < 4)
			return trace__fail(TRACE_EINVAL, witness ? "policy line %zu: expected \"witness <name> <vkey> [<url>]\""
			                                         : "policy line %zu: expected \"group <name> <all|any|k> <member>...\"", line_no);
		if (strcmp(w[1], "none") == 0 || find_node(p, w[1]) >= 0)
			return trace__fail(TRACE_EINVAL, "policy line %zu: name \"%s\" is already defined", line_no, w[1]);
		if (p->nnodes == POLICY_MAX)
			return trace__fail(TRACE_ELIMIT, "policy line %zu: more than %d witnesses and groups", line_no, POLICY_MAX);
		policy_node *node = &p->nodes[p->nnodes];
		memset(node, 0, sizeof *node);
		if (witness) {
			if ((rc = trace_verifier_new(&node->witness, w[2]))) {
				trace__error_prefix("policy line %zu", line_no);
				return rc;
			}
			if (trace_verifier_type(node->witness) != TRACE_KEY_COSIGNATURE_V1 || duplicate_key(p, node->witness)) {
				int dup = trace_verifier_type(node->witness) == TRACE_KEY_COSIGNATURE_V1;
				trace_verifier_free(node->witness);
				node->witness = NULL;
				return trace__fail(TRACE_EINVAL, dup ? "policy line %zu: duplicate witness key"
				                                     : "policy line %zu: a witness key must be a cosignature (type 0x04) key", line_no);
			}
		} else {
			size_t n = nw - 3;
			node->members = trace__calloc(n, sizeof *node->members);
			if (node->members == NULL)
				return trace__oom();
			for (size_t i = 0; i < n; i++) {
				long m = find_node(p, w[3 + i]);
				if (m < 0) {
					trace__free(node->members);
					node->members = NULL;
					return trace__fail(TRACE_EINVAL, "policy line %zu: group member \"%s\" is not defined on an earlier line", line_no, w[3 + i]);
				}
				for (size_t j = 0; j < i; j++)
					if (node->members[j] == (size_t)m) {
						trace__free(node->members);
						node->members = NULL;
						return trace__fail(TRACE_EINVAL, "policy line %zu: group member \"%s\" is listed twice", line_no, w[3 + i]);
					}
				node->members[i] = (size_t)m;
			}
			node->n = n;
			uint64_t k;
			if (strcmp(w[2], "all") == 0)
				node->k = n;
			else if (strcmp(w[2], "any") == 0)
				node->k = 1;
			else if (trace__parse_u64(&k, w[2], strlen(w[2])) == 0 && k >= 1 && k <= n)
				node->k = (size_t)k;
			else {
				trace__free(node->members);
				node->members = NULL;
				return trace__fail(TRACE_EINVAL, "policy line %zu: threshold \"%s\" must be all, any or 1..%zu", line_no, w[2], n);
			}
		}
		node->name = trace__strdup(w[1]);
		if (node->name == NULL) {
			trace_verifier_free(node->witness);
			trace__free(node->members);
			return trace__oom();
		}
		p->nnodes++;
		return TRACE_OK;
	}
	if (strcmp(w[0], "quorum") == 0) {
		if (nw != 2)
			return trace__fail(TRACE_EINVAL, "policy line %zu: expected \"quorum <name>\"", line_no);
		if (p->has_quorum)
			return trace__fail(TRACE_EINVAL, "policy line %zu: a policy has exactly one quorum line", line_no);
		p->quorum = strcmp(w[1], "none") == 0 ? -1 : find_node(p, w[1]);
		if (p->quorum < 0 && strcmp(w[1], "none") != 0)
			return trace__fail(TRACE_EINVAL, "policy line %zu: quorum \"%s\" is not defined on an earlier line", line_no, w[1]);
		p->has_quorum = 1;
		return TRACE_OK;
	}
	return trace__fail(TRACE_EINVAL, "policy line %zu: unknown keyword \"%s\"", line_no, w[0]);
}

int trace_policy_parse(trace_policy **out, const char *text, size_t len)
{
	if (out == NULL || (text == NULL && len))
		return trace__fail(TRACE_EINVAL, "trace_policy_parse: NULL argument");
	*out = NULL;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)text[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return trace__fail(TRACE_EINVAL, "policy has control character 0x%02x at byte %zu", c, i);
	}
	trace_policy *p = trace__calloc(1, sizeof *p);
	char *copy = trace__memdup(text, len);
	if (p == NULL || copy == NULL) {
		trace__free(p);
		trace__free(copy);
		return trace__oom();
	}
	int rc = TRACE_OK;
	size_t pos = 0, line_no = 0;
	while (pos < len && rc == TRACE_OK) {
		char *line = copy + pos;
		char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		line[line_len] = '\0';
		pos += line_len + 1;
		line_no++;
		char *words[WORDS_MAX];
		size_t nw = 0;
		for (char *s = line; *s;) {
			while (*s == ' ' || *s == '\t')
				*s++ = '\0';
			if (*s == '\0')
				break;
			if (nw == WORDS_MAX) {
				rc = trace__fail(TRACE_ELIMIT, "policy line %zu has too many words", line_no);
				break;
			}
			words[nw++] = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
		}
		if (rc || nw == 0 || words[0][0] == '#')
			continue;
		rc = parse_line(p, words, nw, line_no);
	}
	trace__free(copy);
	if (rc == TRACE_OK && !p->has_quorum)
		rc = trace__fail(TRACE_EINVAL, "policy has no quorum line");
	if (rc) {
		trace_policy_free(p);
		return rc;
	}
	*out = p;
	return TRACE_OK;
}

/* Whether quorum @node is met; @ok[k] says whether keys[k] verified. */
static int witnessed(const trace_policy *p, const trace_verifier *const *keys, const uint8_t *ok,
                     size_t nkeys, size_t node)
{
	const policy_node *x = &p->nodes[node];
	if (x->witness) {
		for (size_t k = 0; k < nkeys; k++)
			if (keys[k] == x->witness)
				return ok[k];
		return 0;
	}
	size_t got = 0;
	for (size_t i = 0; i < x->n; i++)
		got += (size_t)witnessed(p, keys, ok, nkeys, x->members[i]);
	return got >= x->k;
}

int trace_policy_verify_checkpoint(trace_checkpoint **out, const trace_policy *p,
                                   const char *note, size_t len)
{
	trace_note *n = NULL;
	trace_checkpoint *c = NULL;
	const trace_verifier *keys[2 * POLICY_MAX];
	size_t nkeys = 0, text_len;
	int rc;

	if (out)
		*out = NULL;
	if (p == NULL || note == NULL)
		return trace__fail(TRACE_EINVAL, "trace_policy_verify_checkpoint: NULL argument");
	if ((rc = trace_note_parse(&n, note, len)))
		return rc;
	const char *text = trace_note_text(n, &text_len);
	if ((rc = trace_checkpoint_parse(&c, text, text_len)))
		goto done;
	/* A log's key name is its origin: only those keys can sign for it. */
	for (size_t i = 0; i < p->nlogs; i++)
		if (strcmp(trace_verifier_name(p->logs[i]), trace_checkpoint_origin(c)) == 0)
			keys[nkeys++] = p->logs[i];
	size_t nlog_keys = nkeys;
	if (nlog_keys == 0) {
		rc = trace__fail(TRACE_EBADSIG, "policy lists no log for origin \"%s\"", trace_checkpoint_origin(c));
		goto done;
	}
	for (size_t i = 0; i < p->nnodes; i++)
		if (p->nodes[i].witness)
			keys[nkeys++] = p->nodes[i].witness;
	uint8_t ok[2 * POLICY_MAX];
	if ((rc = trace_note_verify(ok, NULL, n, keys, nkeys)))
		goto done;
	int log_signed = 0;
	for (size_t i = 0; i < nlog_keys; i++)
		log_signed |= ok[i];
	if (!log_signed) {
		rc = trace__fail(TRACE_EBADSIG, "checkpoint for \"%s\" has no valid signature from a log key in the policy",
		                 trace_checkpoint_origin(c));
		goto done;
	}
	if (p->quorum >= 0 && !witnessed(p, keys, ok, nkeys, (size_t)p->quorum)) {
		rc = trace__fail(TRACE_EBADSIG, "witness quorum \"%s\" is not met by the checkpoint's cosignatures",
		                 p->nodes[p->quorum].name);
		goto done;
	}
	if (out) {
		*out = c;
		c = NULL;
	}
done:
	trace_checkpoint_free(c);
	trace_note_free(n);
	return rc;
}
