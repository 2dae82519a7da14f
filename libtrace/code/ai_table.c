/*
 * code/ai_table: the GS1 Application Identifier table (GS1 General
 * Specifications, section 3), in libtrace's own notation:
 *
 *   spec   components separated by spaces; each is a character set
 *          (N digits, X set 82, Y set 39, Z set 64), a length ("14" fixed,
 *          "..20" from 1 to 20), then ",linter"s; "[...]" marks an optional
 *          trailing component.  Linters are implemented in ai_check.c.
 *   qual   Digital Link key qualifiers of a primary key, in path order;
 *          alternative paths separated by '|'.
 *   req    groups separated by ' ', each satisfied by one of its
 *          ','-separated alternatives, an alternative "a+b" needing both.
 *   ex     AIs that must not appear together with this one.
 *
 * AIs that may appear in a Digital Link query carry AI_DLATTR: every AI but
 * the key qualifiers (21 22 235 254 7040 8011 8019 8020) and 8200.
 */
#include <string.h>

#include "code_internal.h"

#define A AI_DLATTR
#define K (AI_DLATTR | AI_PKEY)
/* Companion requirement of most product attributes. */
#define RQ_ITEM "01,02,03,8006,8026"

static const trace__ai_entry table[] = {
	{ "00", 0, 0, K, "N18,csum", NULL, NULL, NULL, "SSCC" },
	{ "01", 0, 0, K, "N14,csum", "22,10,21|235", NULL, "255,37", "GTIN" },
	{ "02", 0, 0, A, "N14,csum", NULL, "37", "01,03", "CONTENT" },
	{ "03", 0, 0, A, "N14,csum", NULL, NULL, "01,02,37", "MTO GTIN" },
	{ "10", 0, 0, A, "X..20", NULL, RQ_ITEM, NULL, "BATCH/LOT" },
	{ "11", 0, 0, A, "N6,yymmd0", NULL, RQ_ITEM, NULL, "PROD DATE" },
	{ "12", 0, 0, A, "N6,yymmd0", NULL, "8020", NULL, "DUE DATE" },
	{ "13", 0, 0, A, "N6,yymmd0", NULL, RQ_ITEM, NULL, "PACK DATE" },
	{ "15", 0, 0, A, "N6,yymmd0", NULL, RQ_ITEM, NULL, "BEST BEFORE or BEST BY" },
	{ "16", 0, 0, A, "N6,yymmd0", NULL, RQ_ITEM, NULL, "SELL BY" },
	{ "17", 0, 0, A, "N6,yymmd0", NULL, "01,02,03,255,8006,8026", NULL, "USE BY or EXPIRY" },
	{ "20", 0, 0, A, "N2", NULL, RQ_ITEM, NULL, "VARIANT" },
	{ "21", 0, 0, 0, "X..20", NULL, "01,03,8006", "235", "SERIAL" },
	{ "22", 0, 0, 0, "X..20", NULL, "01,8006", NULL, "CPV" },
	{ "235", 0, 0, 0, "X..28", NULL, "01", "21", "TPX" },
	{ "240", 0, 0, A, "X..30", NULL, RQ_ITEM, NULL, "ADDITIONAL ID" },
	{ "241", 0, 0, A, "X..30", NULL, RQ_ITEM, NULL, "CUST. PART No." },
	{ "242", 0, 0, A, "N..6", NULL, RQ_ITEM, NULL, "MTO VARIANT" },
	{ "243", 0, 0, A, "X..20", NULL, "01", NULL, "PCN" },
	{ "250", 0, 0, A, "X..30", NULL, "01,8006 21", NULL, "SECONDARY SERIAL" },
	{ "251", 0, 0, A, "X..30", NULL, "01,8006", NULL, "REF. TO SOURCE" },
	{ "253", 0, 0, K, "N13,csum [X..17]", "", NULL, NULL, "GDTI" },
	{ "254", 0, 0, 0, "X..20", NULL, "414", NULL, "GLN EXTENSION COMPONENT" },
	{ "255", 0, 0, K, "N13,csum [N..12]", "", NULL, NULL, "GCN" },
	{ "30", 0, 0, A, "N..8", NULL, NULL, NULL, "VAR. COUNT" },
	/* Trade measures (net contents, dimensions of the trade item). */
	{ "310", '0', '5', A, "N6", NULL, "01,02", NULL, "NET WEIGHT (kg)" },
	{ "311", '0', '5', A, "N6", NULL, "01,02", NULL, "LENGTH (m)" },
	{ "312", '0', '5', A, "N6", NULL, "01,02", NULL, "WIDTH (m)" },
	{ "313", '0', '5', A, "N6", NULL, "01,02", NULL, "HEIGHT (m)" },
	{ "314", '0', '5', A, "N6", NULL, "01,02", NULL, "AREA (m2)" },
	{ "315", '0', '5', A, "N6", NULL, "01,02", NULL, "NET VOLUME (l)" },
	{ "316", '0', '5', A, "N6", NULL, "01,02", NULL, "NET VOLUME (m3)" },
	{ "320", '0', '5', A, "N6", NULL, "01,02", NULL, "NET WEIGHT (lb)" },
	{ "321", '0', '5', A, "N6", NULL, "01,02", NULL, "LENGTH (in)" },
	{ "322", '0', '5', A, "N6", NULL, "01,02", NULL, "LENGTH (ft)" },
	{ "323", '0', '5', A, "N6", NULL, "01,02", NULL, "LENGTH (yd)" },
	{ "324", '0', '5', A, "N6", NULL, "01,02", NULL, "WIDTH (in)" },
	{ "325", '0', '5', A, "N6", NULL, "01,02", NULL, "WIDTH (ft)" },
	{ "326", '0', '5', A, "N6", NULL, "01,02", NULL, "WIDTH (yd)" },
	{ "327", '0', '5', A, "N6", NULL, "01,02", NULL, "HEIGHT (in)" },
	{ "328", '0', '5', A, "N6", NULL, "01,02", NULL, "HEIGHT (ft)" },
	{ "329", '0', '5', A, "N6", NULL, "01,02", NULL, "HEIGHT (yd)" },
	/* Logistic measures (of the logistic unit). */
	{ "330", '0', '5', A, "N6", NULL, "00,01", NULL, "GROSS WEIGHT (kg)" },
	{ "331", '0', '5', A, "N6", NULL, "00,01", NULL, "LENGTH (m), log" },
	{ "332", '0', '5', A, "N6", NULL, "00,01", NULL, "WIDTH (m), log" },
	{ "333", '0', '5', A, "N6", NULL, "00,01", NULL, "HEIGHT (m), log" },
	{ "334", '0', '5', A, "N6", NULL, "00,01", NULL, "AREA (m2), log" },
	{ "335", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (l), log" },
	{ "336", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (m3), log" },
	{ "337", '0', '5', A, "N6", NULL, "01", NULL, "KG PER m2" },
	{ "340", '0', '5', A, "N6", NULL, "00,01", NULL, "GROSS WEIGHT (lb)" },
	{ "341", '0', '5', A, "N6", NULL, "00,01", NULL, "LENGTH (in), log" },
	{ "342", '0', '5', A, "N6", NULL, "00,01", NULL, "LENGTH (ft), log" },
	{ "343", '0', '5', A, "N6", NULL, "00,01", NULL, "LENGTH (yd), log" },
	{ "344", '0', '5', A, "N6", NULL, "00,01", NULL, "WIDTH (in), log" },
	{ "345", '0', '5', A, "N6", NULL, "00,01", NULL, "WIDTH (ft), log" },
	{ "346", '0', '5', A, "N6", NULL, "00,01", NULL, "WIDTH (yd), log" },
	{ "347", '0', '5', A, "N6", NULL, "00,01", NULL, "HEIGHT (in), log" },
	{ "348", '0', '5', A, "N6", NULL, "00,01", NULL, "HEIGHT (ft), log" },
	{ "349", '0', '5', A, "N6", NULL, "00,01", NULL, "HEIGHT (yd), log" },
	{ "350", '0', '5', A, "N6", NULL, "01,02", NULL, "AREA (in2)" },
	{ "351", '0', '5', A, "N6", NULL, "01,02", NULL, "AREA (ft2)" },
	{ "352", '0', '5', A, "N6", NULL, "01,02", NULL, "AREA (yd2)" },
	{ "353", '0', '5', A, "N6", NULL, "00,01", NULL, "AREA (in2), log" },
	{ "354", '0', '5', A, "N6", NULL, "00,01", NULL, "AREA (ft2), log" },
	{ "355", '0', '5', A, "N6", NULL, "00,01", NULL, "AREA (yd2), log" },
	{ "356", '0', '5', A, "N6", NULL, "01,02", NULL, "NET WEIGHT (t oz)" },
	{ "357", '0', '5', A, "N6", NULL, "01,02", NULL, "NET VOLUME (oz)" },
	{ "360", '0', '5', A, "N6", NULL, "01,02", NULL, "NET VOLUME (qt)" },
	{ "361", '0', '5', A, "N6", NULL, "01,02", NULL, "NET VOLUME (gal.)" },
	{ "362", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (qt), log" },
	{ "363", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (gal.), log" },
	{ "364", '0', '5', A, "N6", NULL, "01,02", NULL, "VOLUME (in3)" },
	{ "365", '0', '5', A, "N6", NULL, "01,02", NULL, "VOLUME (ft3)" },
	{ "366", '0', '5', A, "N6", NULL, "01,02", NULL, "VOLUME (yd3)" },
	{ "367", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (in3), log" },
	{ "368", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (ft3), log" },
	{ "369", '0', '5', A, "N6", NULL, "00,01", NULL, "VOLUME (yd3), log" },
	{ "37", 0, 0, A, "N..8", NULL, "00 02,8026", NULL, "COUNT" },
	{ "390", '0', '9', A, "N..15", NULL, NULL, NULL, "AMOUNT" },
	{ "391", '0', '9', A, "N3,iso4217 N..15", NULL, NULL, NULL, "AMOUNT" },
	{ "392", '0', '9', A, "N..15", NULL, NULL, NULL, "PRICE" },
	{ "393", '0', '9', A, "N3,iso4217 N..15", NULL, NULL, NULL, "PRICE" },
	{ "394", '0', '3', A, "N4", NULL, NULL, NULL, "PRCNT OFF" },
	{ "395", '0', '5', A, "N6", NULL, NULL, NULL, "PRICE/UoM" },
	{ "400", 0, 0, A, "X..30", NULL, NULL, NULL, "ORDER NUMBER" },
	{ "401", 0, 0, K, "X..30", "", NULL, NULL, "GINC" },
	{ "402", 0, 0, K, "N17,csum", "", NULL, NULL, "GSIN" },
	{ "403", 0, 0, A, "X..30", NULL, "00", NULL, "ROUTE" },
	{ "410", 0, 0, A, "N13,csum", NULL, NULL, NULL, "SHIP TO LOC" },
	{ "411", 0, 0, A, "N13,csum", NULL, NULL, NULL, "BILL TO" },
	{ "412", 0, 0, A, "N13,csum", NULL, NULL, NULL, "PURCHASE FROM" },
	{ "413", 0, 0, A, "N13,csum", NULL, NULL, NULL, "SHIP FOR LOC" },
	{ "414", 0, 0, K, "N13,csum", "254|7040", NULL, NULL, "LOC No." },
	{ "415", 0, 0, K, "N13,csum", "8020", "8020", NULL, "PAY TO" },
	{ "416", 0, 0, A, "N13,csum", NULL, NULL, NULL, "PROD/SERV LOC" },
	{ "417", 0, 0, K, "N13,csum", "7040", NULL, NULL, "PARTY" },
	{ "420", 0, 0, A, "X..20", NULL, NULL, NULL, "SHIP TO POST" },
	{ "421", 0, 0, A, "N3,iso3166 X..9", NULL, NULL, NULL, "SHIP TO POST" },
	{ "422", 0, 0, A, "N3,iso3166", NULL, NULL, NULL, "ORIGIN" },
	{ "423", 0, 0, A, "N..15,iso3166list", NULL, NULL, NULL, "COUNTRY - INITIAL PROCESS" },
	{ "424", 0, 0, A, "N3,iso3166", NULL, NULL, NULL, "COUNTRY - PROCESS" },
	{ "425", 0, 0, A, "N..15,iso3166list", NULL, NULL, NULL, "COUNTRY - DISASSEMBLY" },
	{ "426", 0, 0, A, "N3,iso3166", NULL, NULL, NULL, "COUNTRY - FULL PROCESS" },
	{ "427", 0, 0, A, "X..3", NULL, "422", NULL, "ORIGIN SUBDIVISION" },
	{ "4300", 0, 0, A, "X..35,pcenc", NULL, NULL, NULL, "SHIP TO COMP" },
	{ "4301", 0, 0, A, "X..35,pcenc", NULL, NULL, NULL, "SHIP TO NAME" },
	{ "4302", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "SHIP TO ADD1" },
	{ "4303", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "SHIP TO ADD2" },
	{ "4304", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "SHIP TO SUB" },
	{ "4305", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "SHIP TO LOC" },
	{ "4306", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "SHIP TO REG" },
	{ "4307", 0, 0, A, "X2,iso3166alpha2", NULL, NULL, NULL, "SHIP TO COUNTRY" },
	{ "4308", 0, 0, A, "X..30", NULL, NULL, NULL, "SHIP TO PHONE" },
	{ "4309", 0, 0, A, "N20,latlong", NULL, NULL, NULL, "SHIP TO GEO" },
	{ "4310", 0, 0, A, "X..35,pcenc", NULL, NULL, NULL, "RTN TO COMP" },
	{ "4311", 0, 0, A, "X..35,pcenc", NULL, NULL, NULL, "RTN TO NAME" },
	{ "4312", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "RTN TO ADD1" },
	{ "4313", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "RTN TO ADD2" },
	{ "4314", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "RTN TO SUB" },
	{ "4315", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "RTN TO LOC" },
	{ "4316", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "RTN TO REG" },
	{ "4317", 0, 0, A, "X2,iso3166alpha2", NULL, NULL, NULL, "RTN TO COUNTRY" },
	{ "4318", 0, 0, A, "X..20", NULL, NULL, NULL, "RTN TO POST" },
	{ "4319", 0, 0, A, "X..30", NULL, NULL, NULL, "RTN TO PHONE" },
	{ "4320", 0, 0, A, "X..35,pcenc", NULL, NULL, NULL, "SRV DESCRIPTION" },
	{ "4321", 0, 0, A, "N1,yesno", NULL, NULL, NULL, "DANGEROUS GOODS" },
	{ "4322", 0, 0, A, "N1,yesno", NULL, NULL, NULL, "AUTH LEAVE" },
	{ "4323", 0, 0, A, "N1,yesno", NULL, NULL, NULL, "SIG REQUIRED" },
	{ "4324", 0, 0, A, "N6,yymmd0 N4,hhmi", NULL, NULL, NULL, "NBEF DEL DT" },
	{ "4325", 0, 0, A, "N6,yymmd0 N4,hhmi", NULL, NULL, NULL, "NAFT DEL DT" },
	{ "4326", 0, 0, A, "N6,yymmdd", NULL, NULL, NULL, "REL DATE" },
	{ "4330", 0, 0, A, "N6 [X1,minus]", NULL, NULL, NULL, "MAX TEMP F" },
	{ "4331", 0, 0, A, "N6 [X1,minus]", NULL, NULL, NULL, "MAX TEMP C" },
	{ "4332", 0, 0, A, "N6 [X1,minus]", NULL, NULL, NULL, "MIN TEMP F" },
	{ "4333", 0, 0, A, "N6 [X1,minus]", NULL, NULL, NULL, "MIN TEMP C" },
	{ "7001", 0, 0, A, "N13", NULL, NULL, NULL, "NSN" },
	{ "7002", 0, 0, A, "X..30", NULL, NULL, NULL, "MEAT CUT" },
	{ "7003", 0, 0, A, "N6,yymmdd N4,hhmi", NULL, NULL, NULL, "EXPIRY TIME" },
	{ "7004", 0, 0, A, "N..4", NULL, NULL, NULL, "ACTIVE POTENCY" },
	{ "7005", 0, 0, A, "X..12", NULL, NULL, NULL, "CATCH AREA" },
	{ "7006", 0, 0, A, "N6,yymmdd", NULL, NULL, NULL, "FIRST FREEZE DATE" },
	{ "7007", 0, 0, A, "N6,yymmdd [N6,yymmdd]", NULL, NULL, NULL, "HARVEST DATE" },
	{ "7008", 0, 0, A, "X..3", NULL, NULL, NULL, "AQUATIC SPECIES" },
	{ "7009", 0, 0, A, "X..10", NULL, NULL, NULL, "FISHING GEAR TYPE" },
	{ "7010", 0, 0, A, "X..2", NULL, NULL, NULL, "PROD METHOD" },
	{ "7011", 0, 0, A, "N6,yymmdd [N4,hhmi]", NULL, NULL, NULL, "TEST BY DATE" },
	{ "7020", 0, 0, A, "X..20", NULL, NULL, NULL, "REFURB LOT" },
	{ "7021", 0, 0, A, "X..20", NULL, NULL, NULL, "FUNC STAT" },
	{ "7022", 0, 0, A, "X..20", NULL, NULL, NULL, "REV STAT" },
	{ "7023", 0, 0, A, "X..30", NULL, NULL, NULL, "GIAI - ASSEMBLY" },
	{ "703", '0', '9', A, "N3,iso3166999 X..27", NULL, NULL, NULL, "PROCESSOR # s" },
	{ "7040", 0, 0, 0, "N1 X3", NULL, NULL, NULL, "UIC+EXT" },
	{ "7041", 0, 0, A, "X..4", NULL, NULL, NULL, "UFRGT UNIT TYPE" },
	{ "710", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN PZN" },
	{ "711", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN CIP" },
	{ "712", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN CN" },
	{ "713", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN DRN" },
	{ "714", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN AIM" },
	{ "715", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN NDC" },
	{ "716", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN AIC" },
	{ "717", 0, 0, A, "X..20", NULL, "01", NULL, "NHRN" },
	{ "723", '0', '9', A, "X2 X..28", NULL, NULL, NULL, "CERT #" },
	{ "7240", 0, 0, A, "X..20", NULL, NULL, NULL, "PROTOCOL" },
	{ "7241", 0, 0, A, "N2", NULL, NULL, NULL, "AIDC MEDIA TYPE" },
	{ "7242", 0, 0, A, "X..25", NULL, NULL, NULL, "VCN" },
	{ "7250", 0, 0, A, "N8,yyyymmdd", NULL, NULL, NULL, "DOB" },
	{ "7251", 0, 0, A, "N8,yyyymmdd N4,hhmi", NULL, NULL, NULL, "DOB TIME" },
	{ "7252", 0, 0, A, "N1,iso5218", NULL, NULL, NULL, "BIO SEX" },
	{ "7253", 0, 0, A, "X..40,pcenc", NULL, NULL, NULL, "FAMILY NAME" },
	{ "7254", 0, 0, A, "X..40,pcenc", NULL, NULL, NULL, "GIVEN NAME" },
	{ "7255", 0, 0, A, "X..10", NULL, NULL, NULL, "SUFFIX" },
	{ "7256", 0, 0, A, "X..90,pcenc", NULL, NULL, NULL, "FULL NAME" },
	{ "7257", 0, 0, A, "X..70,pcenc", NULL, NULL, NULL, "PERSON ADDR" },
	{ "7258", 0, 0, A, "X3,birthseq", NULL, NULL, NULL, "BIRTH SEQUENCE" },
	{ "7259", 0, 0, A, "X..40,pcenc", NULL, NULL, NULL, "BABY" },
	{ "8001", 0, 0, A, "N14", NULL, "01", NULL, "DIMENSIONS" },
	{ "8002", 0, 0, A, "X..20", NULL, NULL, NULL, "CMT No." },
	{ "8003", 0, 0, K, "N1,zero N13,csum [X..16]", "", NULL, NULL, "GRAI" },
	{ "8004", 0, 0, K, "X..30", "7040", NULL, NULL, "GIAI" },
	{ "8005", 0, 0, A, "N6", NULL, NULL, NULL, "PRICE PER UNIT" },
	{ "8006", 0, 0, K, "N14,csum N4,pieceoftotal", "22,10,21", NULL, "01,37", "ITIP" },
	{ "8007", 0, 0, A, "X..34", NULL, NULL, NULL, "IBAN" },
	{ "8008", 0, 0, A, "N6,yymmdd N2,hh [N2,mi] [N2,ss]", NULL, NULL, NULL, "PROD TIME" },
	{ "8009", 0, 0, A, "X..50", NULL, NULL, NULL, "OPTSEN" },
	{ "8010", 0, 0, K, "Y..30", "8011", NULL, NULL, "CPID" },
	{ "8011", 0, 0, 0, "N..12", NULL, "8010", NULL, "CPID SERIAL" },
	{ "8012", 0, 0, A, "X..20", NULL, NULL, NULL, "VERSION" },
	{ "8013", 0, 0, K, "X..25,csumalpha", "", NULL, NULL, "GMN" },
	{ "8014", 0, 0, A, "X..25,csumalpha", NULL, NULL, NULL, "MUDI" },
	{ "8017", 0, 0, K, "N18,csum", "8019", NULL, "8018", "GSRN - PROVIDER" },
	{ "8018", 0, 0, K, "N18,csum", "8019", NULL, "8017", "GSRN - RECIPIENT" },
	{ "8019", 0, 0, 0, "N..10", NULL, "8017,8018", NULL, "SRIN" },
	{ "8020", 0, 0, 0, "X..25", NULL, "415", NULL, "REF No." },
	{ "8026", 0, 0, A, "N14,csum N4,pieceoftotal", NULL, NULL, "01,02,8006", "ITIP CONTENT" },
	{ "8030", 0, 0, A, "Z..90", NULL, "00,01+21,253,255,8003,8004,8006+21,8010+8011,8017,8018", NULL, "DIGSIG" },
	{ "8110", 0, 0, A, "X..70", NULL, NULL, NULL, "COUPON CODE" },
	{ "8111", 0, 0, A, "N4", NULL, NULL, NULL, "POINTS" },
	{ "8112", 0, 0, A, "X..70", NULL, NULL, NULL, "COUPON" },
	{ "8200", 0, 0, 0, "X..70", NULL, "01", NULL, "PRODUCT URL" },
	{ "90", 0, 0, A, "X..30", NULL, NULL, NULL, "INTERNAL" },
	{ "91", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "92", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "93", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "94", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "95", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "96", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "97", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "98", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
	{ "99", 0, 0, A, "X..90", NULL, NULL, NULL, "INTERNAL" },
};

static int entry_matches(const trace__ai_entry *e, const char *ai, size_t len)
{
	size_t el = strlen(e->ai);
	if (e->lo) /* a family: three digits plus one in [lo, hi] */
		return len == 4 && memcmp(e->ai, ai, 3) == 0 && ai[3] >= e->lo && ai[3] <= e->hi;
	return len == el && memcmp(e->ai, ai, len) == 0;
}

const trace__ai_entry *trace__ai_lookup(const char *ai, size_t len)
{
	if (len < 2 || len > 4)
		return NULL;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (entry_matches(&table[i], ai, len))
			return &table[i];
	return NULL;
}

const trace__ai_entry *trace__ai_match(const char *s, size_t avail, size_t *ai_len)
{
	/* AIs are prefix-free, so at most one length matches. */
	for (size_t n = 2; n <= 4 && n <= avail; n++) {
		if (!trace__is_digits(s, n))
			return NULL;
		const trace__ai_entry *e = trace__ai_lookup(s, n);
		if (e) {
			*ai_len = n;
			return e;
		}
	}
	return NULL;
}

size_t trace__ai_predefined_length(const char *ai)
{
	/* GS1 General Specifications, "pre-defined length" table: by AI prefix. */
	static const struct { char p[3]; uint8_t len; } fixed[] = {
		{ "00", 18 }, { "01", 14 }, { "02", 14 }, { "03", 14 }, { "04", 16 },
		{ "11", 6 }, { "12", 6 }, { "13", 6 }, { "14", 6 }, { "15", 6 }, { "16", 6 },
		{ "17", 6 }, { "18", 6 }, { "19", 6 }, { "20", 2 },
		{ "31", 6 }, { "32", 6 }, { "33", 6 }, { "34", 6 }, { "35", 6 }, { "36", 6 },
		{ "41", 13 },
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (ai[0] == fixed[i].p[0] && ai[1] == fixed[i].p[1])
			return fixed[i].len;
	return 0;
}
