/*
 * libtrace - compile-time and run-time version.
 */
#ifndef TRACE_VERSION_H
#define TRACE_VERSION_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRACE_VERSION_MAJOR 1
#define TRACE_VERSION_MINOR 0
#define TRACE_VERSION_PATCH 0
#define TRACE_VERSION_NUMBER \
	(TRACE_VERSION_MAJOR * 10000 + TRACE_VERSION_MINOR * 100 + TRACE_VERSION_PATCH)
#define TRACE_VERSION_CHECK(major, minor, patch) \
	(TRACE_VERSION_NUMBER >= ((major) * 10000 + (minor) * 100 + (patch)))
#define TRACE_VERSION_STRING "1.0.0"

/** @brief Run-time TRACE_VERSION_NUMBER of the loaded library. @since 1.0 */
TRACE_API unsigned trace_version_number(void);
/** @brief Run-time TRACE_VERSION_STRING of the loaded library. @since 1.0 */
TRACE_API const char *trace_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
