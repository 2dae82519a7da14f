/*
 * Third-party EPCIS 2.0 documents (../shared/vectors/epcis-event-hash/NAME.jsonld,
 * RalphTro/epcis-event-hash-generator, MIT): each is read with
 * trace_event_read_json_events(); every event read must survive
 * JSON -> event -> CBOR -> event -> CBOR and event -> JSON -> event with
 * identical canonical bytes.  Documents we know we cannot read are listed
 * with the reason; any other failure fails the test.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"

/* Documents libtrace refuses on purpose, and why (see docs/FORMAT.md). */
static const struct {
	const char *file;
	const char *why;
} expected_failures[] = {
	/* urn:epc:id:sscc:4012345.0000000333 and https://id.gs1.org/00/040123450000003338
	 * are one object: after canonicalisation epcList would list it twice. */
	{ "epcisDocWithAllGS1Keys.jsonld", "one SSCC listed twice, as EPC URN and as Digital Link" },
	/* "https://id.gs1.org/gtin/..." uses a Digital Link 1.0 convenience alpha
	 * that GS1 Digital Link 1.1+ and the code module do not accept on id.gs1.org. */
	{ "epclist_normalisation.jsonld", "id.gs1.org URI with the path /gtin/ instead of /01/" },
	{ NULL, NULL }
};

static int events_read;

static void roundtrip(trace_event *ev, const char *file)
{
	trace_buf a = TRACE_BUF_INIT, b = TRACE_BUF_INIT, j = TRACE_BUF_INIT, c = TRACE_BUF_INIT;
	trace_event *d = NULL, *e = NULL;
	CHECK_OK(trace_event_encode(&a, ev));
	CHECK_OK(trace_event_decode(&d, a.ptr, a.size));
	if (d != NULL) {
		CHECK_OK(trace_event_encode(&b, d));
		CHECK(a.size == b.size && memcmp(a.ptr, b.ptr, a.size) == 0);
	}
	CHECK_OK(trace_event_to_json(&j, ev));
	if (j.ptr != NULL) {
		CHECK_OK(trace_event_from_json(&e, (const char *)j.ptr, j.size));
		if (e != NULL) {
			CHECK_OK(trace_event_encode(&c, e));
			if (!(a.size == c.size && memcmp(a.ptr, c.ptr, a.size) == 0)) {
				fprintf(stderr, "%s: JSON round trip changed the event:\n%s\n", file, (char *)j.ptr);
				test_failures++;
			}
		}
	}
	trace_event_free(d);
	trace_event_free(e);
	trace_buf_dispose(&a);
	trace_buf_dispose(&b);
	trace_buf_dispose(&c);
	trace_buf_dispose(&j);
}

static const char *current;

static int on_event(trace_event *ev, void *payload)
{
	(void)payload;
	events_read++;
	roundtrip(ev, current);
	trace_event_free(ev);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	if (p) {
		p[n] = 0;
		*len = (size_t)n;
	}
	return p;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/vectors/epcis-event-hash";
	DIR *d = opendir(dir);
	if (d == NULL) {
		printf("SKIP: %s not found (third-party EPCIS vectors are not in this checkout)\n", dir);
		return TEST_SKIP;
	}
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(de->d_name);
		if (l > 7 && strcmp(de->d_name + l - 7, ".jsonld") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	int docs_ok = 0;
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		size_t len = 0;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		char *text = slurp(path, &len);
		CHECK(text != NULL);
		if (text == NULL)
			continue;
		current = names[i];
		int before = events_read;
		int rc = trace_event_read_json_events(text, len, on_event, NULL);
		const char *why = NULL;
		for (int k = 0; expected_failures[k].file; k++)
			if (strcmp(expected_failures[k].file, names[i]) == 0)
				why = expected_failures[k].why;
		if (rc == TRACE_OK) {
			printf("read   %-50s %d event(s)\n", names[i], events_read - before);
			docs_ok++;
			CHECK(why == NULL);
		} else if (why != NULL) {
			printf("refuse %-50s (expected: %s) %s\n", names[i], why, trace_error_last()->message);
		} else {
			printf("FAIL   %-50s %s\n", names[i], trace_error_last()->message);
			test_failures++;
		}
		free(text);
		free(names[i]);
	}
	printf("\n%d of %zu documents read, %d events\n", docs_ok, n, events_read);
	return test_done("epcis-vectors");
}
