/*
 * code/issuer: bulk issuance of serials, unique by construction.
 *
 * serial = site ID + perm_key(counter), with the counter persisted in
 * DIR/codes/journal: each issue call appends one line for the range it
 * reserves and fdatasync()s it before any code leaves, so after a crash or
 * restart the counter resumes past every range ever handed out.  The key
 * (from the CSPRNG) and the site live in DIR/codes/issuer, written once
 * (temp file, fsync, rename, fsync of the directory).  DIR/codes/lock is
 * held with flock() so two issuers never share a counter.
 *
 * Journal line: "<start> <count> gs1 <gtin14> <lot, %-encoded> <unix time>"
 *           or  "<start> <count> native <PREFIX> - <unix time>".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trace/error.h"
#include "code_internal.h"
#include "perm.h"
#include "../crypto.h"
#include "../error_internal.h"
#include "../util/alloc.h"
#include "../util/text.h"

#define SITE_MAX 4
#define COUNT_MAX UINT64_C(100000000)
#define HEADER_MAGIC "libtrace-issuer 1"
#define JOURNAL_MAX (64u << 20)

struct trace_issuer {
	char site[SITE_MAX + 1];
	size_t site_len;
	trace__perm *perm;
	uint64_t next;
	char *dir;          /* DIR/codes, or NULL in memory */
	int lock_fd, journal_fd;
	int broken;         /* a reservation failed half-way: reopen to recover */
};

static int norm_site(char *out, size_t *len, const char *site)
{
	size_t n = strlen(site);
	if (n == 0 || n > SITE_MAX)
		return trace__fail(TRACE_EINVAL, "site ID \"%s\" must have 1 to %d characters", site, SITE_MAX);
	for (size_t i = 0; i < n; i++) {
		int v = trace__b32_value((unsigned char)site[i]);
		if (v < 0)
			return trace__fail(TRACE_EINVAL, "site ID \"%s\" at position %zu: not in the serial alphabet (0-9, A-Z without U)",
			                   site, i);
		out[i] = trace__b32_alphabet[v];
	}
	out[n] = 0;
	*len = n;
	return TRACE_OK;
}

static int io_fail(const char *what, const char *path)
{
	int e = errno;
	return trace__fail_sys(TRACE_EIO, e, "%s %s: %s", what, path, strerror(e));
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = trace__malloc(a + b + 2);
	if (p) {
		memcpy(p, dir, a);
		p[a] = '/';
		memcpy(p + a + 1, name, b + 1);
	}
	return p;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		int rc = io_fail("cannot sync directory", dir);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	return TRACE_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads a whole small file into a NUL-terminated buffer. */
static int slurp(int fd, const char *path, char **out, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return io_fail("cannot stat", path);
	if ((uint64_t)st.st_size > JOURNAL_MAX)
		return trace__fail(TRACE_ECORRUPT, "%s is larger than %u bytes", path, JOURNAL_MAX);
	char *buf = trace__malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return trace__oom();
	size_t n = 0;
	while (n < (size_t)st.st_size) {
		ssize_t r = pread(fd, buf + n, (size_t)st.st_size - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			trace__free(buf);
			return io_fail("cannot read", path);
		}
		n += (size_t)r;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return TRACE_OK;
}

static int hex_key(uint8_t *key, const char *hex)
{
	if (trace__hex_decode_lower(key, hex, TRACE__PERM_KEY))
		return -1;
	return hex[2 * TRACE__PERM_KEY] == '\n' ? 0 : -1;
}

/* Creates DIR/codes/issuer with a fresh key. */
static int create_header(const char *codes, const char *path, const char *site, uint8_t *key)
{
	int rc = trace__random(key, TRACE__PERM_KEY);
	if (rc)
		return rc;
	char text[128];
	int n = snprintf(text, sizeof text, HEADER_MAGIC "\nsite %s\nkey ", site);
	trace__hex_encode(text + n, key, TRACE__PERM_KEY);
	n += 2 * TRACE__PERM_KEY;
	n += snprintf(text + n, sizeof text - (size_t)n, "\n");
	char *tmp = join(codes, "issuer.tmp");
	if (tmp == NULL)
		return trace__oom();
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, (size_t)n) != 0 || fsync(fd) != 0) {
		rc = io_fail("cannot write", tmp);
	} else if (rename(tmp, path) != 0) {
		rc = io_fail("cannot rename to", path);
	}
	if (fd >= 0)
		close(fd);
	trace__memzero(text, sizeof text);
	trace__free(tmp);
	return rc ? rc : sync_dir(codes);
}

static int load_header(trace_issuer *is, const char *path, const char *site, uint8_t *key)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (site == NULL)
			site = "0";
		int rc = norm_site(is->site, &is->site_len, site);
		return rc ? rc : create_header(is->dir, path, is->site, key);
	}
	if (fd < 0)
		return io_fail("cannot open", path);
	char *text;
	size_t len;
	int rc = slurp(fd, path, &text, &len);
	close(fd);
	if (rc)
		return rc;
	const char *p = text;
	size_t ml = strlen(HEADER_MAGIC);
	const char *s = strncmp(p, HEADER_MAGIC "\nsite ", ml + 6) == 0 ? p + ml + 6 : NULL;
	const char *nl = s ? strchr(s, '\n') : NULL;
	if (nl == NULL || nl - s < 1 || nl - s > SITE_MAX || strncmp(nl + 1, "key ", 4) != 0 ||
	    strlen(nl + 5) != 2 * TRACE__PERM_KEY + 1 || hex_key(key, nl + 5) != 0) {
		trace__memzero(text, len);
		trace__free(text);
		return trace__fail(TRACE_ECORRUPT, "%s is not a libtrace issuer state file", path);
	}
	char stored[SITE_MAX + 1];
	memcpy(stored, s, (size_t)(nl - s));
	stored[nl - s] = 0;
	trace__memzero(text, len);
	trace__free(text);
	if ((rc = norm_site(is->site, &is->site_len, stored)))
		return trace__fail(TRACE_ECORRUPT, "%s: bad site ID", path);
	if (site) {
		char want[SITE_MAX + 1];
		size_t wl;
		if ((rc = norm_site(want, &wl, site)))
			return rc;
		if (strcmp(want, is->site) != 0)
			return trace__fail(TRACE_EINVAL, "issuer state in %s belongs to site \"%s\", not \"%s\"",
			                   is->dir, is->site, want);
	}
	return TRACE_OK;
}

/* Replays the journal: ranges must be contiguous from 0; a torn last line is dropped. */
static int load_journal(trace_issuer *is, const char *path)
{
	is->journal_fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (is->journal_fd < 0)
		return io_fail("cannot open", path);
	char *text;
	size_t len;
	int rc = slurp(is->journal_fd, path, &text, &len);
	if (rc)
		return rc;
	size_t line = 0, i = 0;
	uint64_t next = 0;
	while (i < len && rc == TRACE_OK) {
		char *nl = memchr(text + i, '\n', len - i);
		if (nl == NULL) {
			/* Torn by a crash before its fdatasync returned: never handed out. */
			if (ftruncate(is->journal_fd, (off_t)i) != 0 || fsync(is->journal_fd) != 0)
				rc = io_fail("cannot truncate torn line of", path);
			break;
		}
		*nl = 0;
		line++;
		uint64_t start, count;
		int used = 0;
		if (sscanf(text + i, "%" SCNu64 " %" SCNu64 " %n", &start, &count, &used) != 2 || used == 0 ||
		    start != next || count == 0 || count > UINT64_MAX - start)
			rc = trace__fail(TRACE_ECORRUPT, "%s line %zu: not a reservation following counter %" PRIu64,
			                 path, line, next);
		else
			next = start + count;
		i = (size_t)(nl - text) + 1;
	}
	trace__free(text);
	is->next = next;
	return rc;
}

static int open_dir(trace_issuer *is, const char *dir, const char *site, uint8_t *key)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return io_fail("cannot create", dir);
	is->dir = join(dir, "codes");
	if (is->dir == NULL)
		return trace__oom();
	if (mkdir(is->dir, 0700) != 0 && errno != EEXIST)
		return io_fail("cannot create", is->dir);
	char *lock = join(is->dir, "lock"), *hdr = join(is->dir, "issuer"), *jrn = join(is->dir, "journal");
	int rc = lock && hdr && jrn ? TRACE_OK : trace__oom();
	if (rc == TRACE_OK) {
		is->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (is->lock_fd < 0)
			rc = io_fail("cannot open", lock);
		else if (flock(is->lock_fd, LOCK_EX | LOCK_NB) != 0)
			rc = errno == EWOULDBLOCK
			     ? trace__fail(TRACE_EBUSY, "another issuer holds %s", is->dir)
			     : io_fail("cannot lock", lock);
	}
	if (rc == TRACE_OK)
		rc = load_header(is, hdr, site, key);
	if (rc == TRACE_OK) {
		struct stat st;
		int existed = stat(jrn, &st) == 0;
		rc = load_journal(is, jrn);
		if (rc == TRACE_OK && !existed)
			rc = sync_dir(is->dir);
	}
	trace__free(lock);
	trace__free(hdr);
	trace__free(jrn);
	return rc;
}

int trace_issuer_open(trace_issuer **out, const char *dir, const char *site)
{
	if (out == NULL)
		return trace__fail(TRACE_EINVAL, "trace_issuer_open: out is required");
	*out = NULL;
	trace_issuer *is = trace__calloc(1, sizeof *is);
	if (is == NULL)
		return trace__oom();
	is->lock_fd = is->journal_fd = -1;
	uint8_t key[TRACE__PERM_KEY];
	int rc;
	if (dir == NULL) {
		rc = norm_site(is->site, &is->site_len, site ? site : "0");
		if (rc == TRACE_OK)
			rc = trace__random(key, sizeof key);
	} else {
		rc = open_dir(is, dir, site, key);
	}
	if (rc == TRACE_OK)
		rc = trace__perm_new(&is->perm, key);
	trace__memzero(key, sizeof key);
	if (rc) {
		trace_issuer_close(is);
		return rc;
	}
	*out = is;
	return TRACE_OK;
}

void trace_issuer_close(trace_issuer *is)
{
	if (is == NULL)
		return;
	trace__perm_free(is->perm);
	if (is->journal_fd >= 0)
		close(is->journal_fd);
	if (is->lock_fd >= 0)
		close(is->lock_fd); /* releases the flock */
	trace__free(is->dir);
	trace__free(is);
}

const char *trace_issuer_site(const trace_issuer *is)
{
	return is->site;
}

uint64_t trace_issuer_count(const trace_issuer *is)
{
	return is->next;
}

/* Makes [next, next+count) durable before any of it is handed out. */
static int reserve(trace_issuer *is, uint64_t count, const char *kind, const char *id, const char *lot,
                   uint64_t *start)
{
	if (is->broken)
		return trace__fail(TRACE_EIO, "an earlier reservation in %s failed; reopen the issuer", is->dir);
	if (count > UINT64_MAX - is->next)
		return trace__fail(TRACE_ELIMIT, "issuer counter exhausted (%" PRIu64 " used)", is->next);
	*start = is->next;
	if (is->dir == NULL) {
		is->next += count;
		return TRACE_OK;
	}
	trace__sbuf line = TRACE__SBUF_INIT;
	trace__sbuf_printf(&line, "%" PRIu64 " %" PRIu64 " %s %s ", is->next, count, kind, id);
	if (lot)
		trace__pct_encode(&line, lot, strlen(lot));
	else
		trace__sbuf_putc(&line, '-');
	trace__sbuf_printf(&line, " %lld\n", (long long)time(NULL));
	if (line.oom) {
		trace__sbuf_free(&line);
		return trace__oom();
	}
	off_t before = lseek(is->journal_fd, 0, SEEK_END);
	int rc = TRACE_OK;
	if (write_all(is->journal_fd, (const char *)line.p, line.len) != 0 || fdatasync(is->journal_fd) != 0) {
		rc = io_fail("cannot reserve serials in", is->dir);
		/* Take the partial line back; if even that fails, refuse until reopened. */
		if (before < 0 || ftruncate(is->journal_fd, before) != 0 || fdatasync(is->journal_fd) != 0)
			is->broken = 1;
	}
	trace__sbuf_free(&line);
	if (rc == TRACE_OK)
		is->next += count;
	return rc;
}

typedef struct gen {
	char *buf;          /* code text: fixed head, then room for the serial */
	size_t head;        /* bytes before the serial in buf */
	const char *prefix; /* native prefix for the check character, or NULL */
	size_t prefix_len;
} gen;

static int run(trace_issuer *is, gen *g, uint64_t start, uint64_t count, trace_issue_fn fn, void *payload)
{
	uint64_t ctr[TRACE__PERM_BATCH];
	char chars[TRACE__PERM_BATCH * TRACE__PERM_CHARS];
	/* The serial ends the code text in both layouts: buf + head. */
	char *serial = g->buf + g->head, *data = serial + is->site_len;
	size_t sl = is->site_len + TRACE__PERM_CHARS;
	memcpy(serial, is->site, is->site_len);
	serial[sl + (g->prefix ? 1 : 0)] = 0;
	for (uint64_t done = 0; done < count;) {
		size_t n = count - done < TRACE__PERM_BATCH ? (size_t)(count - done) : TRACE__PERM_BATCH;
		for (size_t i = 0; i < n; i++)
			ctr[i] = start + done + i;
		int rc = trace__perm_forward(is->perm, ctr, n, chars, TRACE__PERM_CHARS);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++) {
			memcpy(data, chars + i * TRACE__PERM_CHARS, TRACE__PERM_CHARS);
			if (g->prefix)
				serial[sl] = trace__native_check(g->prefix, g->prefix_len, serial, sl);
			if (fn(g->buf, serial, ctr[i], payload))
				return trace__fail(TRACE_EUSER, "issue callback stopped at counter %" PRIu64
				                   " (the rest of the range is never issued)", ctr[i]);
		}
		done += n;
	}
	return TRACE_OK;
}

static int check_count(uint64_t count, trace_issue_fn fn)
{
	if (count == 0 || count > COUNT_MAX)
		return trace__fail(TRACE_EINVAL, "count %" PRIu64 " must be 1 to %" PRIu64, count, COUNT_MAX);
	if (fn == NULL)
		return trace__fail(TRACE_EINVAL, "an issue callback is required");
	return TRACE_OK;
}

int trace_issuer_issue_gs1(trace_issuer *is, const char *gtin, const char *lot, uint64_t count,
                           trace_issue_fn fn, void *payload)
{
	if (is == NULL || gtin == NULL || lot == NULL)
		return trace__fail(TRACE_EINVAL, "trace_issuer_issue_gs1: issuer, GTIN and lot are required");
	int rc = check_count(count, fn);
	if (rc)
		return rc;
	size_t gl = strlen(gtin);
	char g14[15];
	if ((gl != 8 && gl != 12 && gl != 13 && gl != 14) || !trace__is_digits(gtin, gl))
		return trace__fail(TRACE_EINVAL, "GTIN \"%.20s\" must have 8, 12, 13 or 14 digits", gtin);
	memset(g14, '0', 14 - gl);
	memcpy(g14 + 14 - gl, gtin, gl + 1);
	if ((rc = trace_gs1_ai_validate("01", g14, 0)) || (rc = trace_gs1_ai_validate("10", lot, 0)))
		return rc;

	trace__sbuf head = TRACE__SBUF_INIT;
	trace__sbuf_puts(&head, "https://id.gs1.org/01/");
	trace__sbuf_puts(&head, g14);
	trace__sbuf_puts(&head, "/10/");
	trace__pct_encode(&head, lot, strlen(lot));
	trace__sbuf_puts(&head, "/21/");
	if (trace__sbuf_reserve(&head, SITE_MAX + TRACE__PERM_CHARS + 2)) {
		trace__sbuf_free(&head);
		return trace__oom();
	}
	uint64_t start;
	rc = reserve(is, count, "gs1", g14, lot, &start);
	if (rc == TRACE_OK) {
		gen g = { (char *)head.p, head.len, NULL, 0 };
		rc = run(is, &g, start, count, fn, payload);
	}
	trace__sbuf_free(&head);
	return rc;
}

int trace_issuer_issue_native(trace_issuer *is, const char *prefix, uint64_t count, trace_issue_fn fn,
                              void *payload)
{
	if (is == NULL || prefix == NULL)
		return trace__fail(TRACE_EINVAL, "trace_issuer_issue_native: issuer and prefix are required");
	int rc = check_count(count, fn);
	if (rc)
		return rc;
	size_t pl = strlen(prefix);
	if (!trace__native_prefix_ok(prefix, pl))
		return trace__fail(TRACE_EINVAL, "native prefix \"%.20s\" must be 1 to 16 letters and digits starting with a letter",
		                   prefix);
	char buf[16 + 1 + SITE_MAX + TRACE__PERM_CHARS + 2];
	for (size_t i = 0; i < pl; i++)
		buf[i] = prefix[i] >= 'a' && prefix[i] <= 'z' ? (char)(prefix[i] - 'a' + 'A') : prefix[i];
	buf[pl] = 0;
	uint64_t start;
	rc = reserve(is, count, "native", buf, NULL, &start);
	buf[pl] = '-';
	if (rc)
		return rc;
	gen g = { buf, pl + 1, buf, pl };
	return run(is, &g, start, count, fn, payload);
}

int trace_issuer_lookup(uint64_t *seq_out, const trace_issuer *is, const char *serial)
{
	if (is == NULL || serial == NULL)
		return trace__fail(TRACE_EINVAL, "trace_issuer_lookup: issuer and serial are required");
	const char *s = serial;
	size_t n = strlen(serial);
	trace_code *c = NULL;
	if (memchr(serial, '-', n)) {
		int rc = trace_code_parse(&c, serial, TRACE_CODE_FORM_NATIVE, 0);
		if (rc)
			return rc;
		s = trace_code_find(c, "serial");
		n = strlen(s);
	}
	char norm[SITE_MAX + TRACE__PERM_CHARS + 1];
	int rc = TRACE_OK;
	if (n != is->site_len + TRACE__PERM_CHARS) {
		rc = trace__fail(TRACE_ENOTFOUND, "serial \"%.40s\" is not %zu characters long, as this issuer's are",
		                 serial, is->site_len + TRACE__PERM_CHARS);
	} else {
		for (size_t i = 0; i < n && rc == TRACE_OK; i++) {
			int v = trace__b32_value((unsigned char)s[i]);
			if (v < 0)
				rc = trace__fail(TRACE_EINVAL, "serial \"%.40s\" at position %zu: not in the serial alphabet", serial, i);
			else
				norm[i] = trace__b32_alphabet[v];
		}
	}
	if (rc == TRACE_OK && memcmp(norm, is->site, is->site_len) != 0)
		rc = trace__fail(TRACE_ENOTFOUND, "serial \"%.40s\" is not from site \"%s\"", serial, is->site);
	uint64_t ctr = 0;
	if (rc == TRACE_OK) {
		rc = trace__perm_inverse(is->perm, norm + is->site_len, &ctr);
		if (rc == TRACE_OK && ctr >= is->next)
			rc = TRACE_ENOTFOUND;
		if (rc == TRACE_ENOTFOUND)
			rc = trace__fail(TRACE_ENOTFOUND, "serial \"%.40s\" was not issued by this issuer", serial);
	}
	trace_code_free(c);
	if (rc == TRACE_OK && seq_out)
		*seq_out = ctr;
	return rc;
}
