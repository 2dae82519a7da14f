/*
 * libtrace - umbrella header: one product, one code traceability.
 *
 * Include this and link with -ltrace (pkg-config: libtrace).
 */
#ifndef TRACE_TRACE_H
#define TRACE_TRACE_H

#include "common.h"
#include "error.h"
#include "version.h"
#include "merkle.h"
#include "note.h"
#include "log.h"
#include "event.h"
#include "bundle.h"
#include "query.h"
#include "code.h"
#include "qr.h"
#include "experimental.h"	/* empty unless TRACE_EXPERIMENTAL_API is defined */

#endif
