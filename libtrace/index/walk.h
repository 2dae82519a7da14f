/*
 * Internal: depth-first walks over the index graph (transformation links,
 * lot membership, containment) that keep only one small frame per level,
 * never the whole result.
 */
#ifndef TRACE_INDEX_WALK_H
#define TRACE_INDEX_WALK_H

#include "index_internal.h"

enum { WALK_FORWARD, WALK_BACK, WALK_CONTENTS };

typedef struct trace__walk trace__walk;

/* The edge tables must not change in @t while the walk is in use (its
 * cursors remember what lies between keys).  Depth is bounded only by
 * memory; links that lead back to a code on the current path (a cycle)
 * fail with TRACE_ECORRUPT naming the code. */
int trace__walk_new(trace__walk **out, trace__txn *t, int direction, uint64_t start);
/* The next code reached (the start first, at depth 0); TRACE_ENOTFOUND at the end. */
int trace__walk_next(trace__walk *w, uint64_t *id, unsigned *depth);
/* For a trace back result reached through a container stay: 1, and the
 * stretch of event indexes [*from, *to) during which the start code was
 * inside it (*to is NO_EVENT while it still is); otherwise 0. */
int trace__walk_stay(const trace__walk *w, uint64_t *from, uint64_t *to);
void trace__walk_free(trace__walk *w);

#endif
