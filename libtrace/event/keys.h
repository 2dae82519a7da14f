/*
 * Internal: the integer map keys of the canonical event encoding, version 1.
 * docs/FORMAT.md ("Canonical event encoding") is the contract; keep in sync.
 */
#ifndef TRACE_EVENT_KEYS_H
#define TRACE_EVENT_KEYS_H

enum trace__ev_key {
	K_VERSION = 0, K_TYPE = 1, K_TIME = 2, K_TZ = 3, K_RECORD_TIME = 4, K_ACTION = 5,
	K_EVENT_ID = 6, K_CERTIFICATION = 7, K_PARENT = 8, K_ITEMS = 9, K_INPUTS = 10,
	K_OUTPUTS = 11, K_QTY_ITEMS = 12, K_QTY_INPUTS = 13, K_QTY_OUTPUTS = 14, K_BIZ_STEP = 15,
	K_DISPOSITION = 16, K_PERSISTENT_DISP = 17, K_READ_POINT = 18, K_BIZ_LOCATION = 19,
	K_TRANSFORMATION_ID = 20, K_BIZ_TX = 21, K_SOURCES = 22, K_DESTINATIONS = 23,
	K_SENSORS = 24, K_ILMD = 25, K_EXTENSIONS = 26, K_READ_POINT_EXT = 27,
	K_BIZ_LOCATION_EXT = 28, K_ERROR = 29, K_PREV = 30, K_ATTACHMENTS = 31,
	K_COMMITMENTS = 32,
	K_MAX = 32
};

/* quantity element */
enum { KQ_CLASS = 1, KQ_QUANTITY = 2, KQ_UOM = 3 };
/* persistentDisposition */
enum { KPD_SET = 1, KPD_UNSET = 2 };
/* bizTransaction, source, destination */
enum { KP_TYPE = 1, KP_ID = 2 };
/* sensorElement */
enum { KS_METADATA = 1, KS_REPORTS = 2, KS_EXT = 3 };
/* sensorReport: 2..8 are the numbers of TRACE__EV_SR_* in order */
enum { KR_TYPE = 1, KR_NUM0 = 2, KR_UOM = 9, KR_TIME = 10, KR_EXT = 11 };
/* ilmd */
enum { KI_LOT = 1, KI_PRODUCTION = 2, KI_EXPIRY = 3, KI_EXT = 4 };
/* errorDeclaration */
enum { KE_CORRECTS = 1, KE_REASON = 2, KE_TIME = 3, KE_CORRECTIVE = 4, KE_EXT = 5 };
/* prev link */
enum { KV_HASH = 1, KV_ORIGIN = 2 };
/* attachment */
enum { KA_HASH = 1, KA_URI = 2, KA_MEDIA_TYPE = 3 };
/* commitment */
enum { KC_NAME = 1, KC_COMMITMENT = 2 };

#endif
