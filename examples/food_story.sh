#!/bin/sh
# One product, one code, end to end: a dairy issues codes and prints QR
# labels, records commissioning, packing and shipping as EPCIS events in its
# signed ledger, a shop scans and sells, a cold-chain problem leads to a
# recall, and a regulator checks everything offline.
# Usage: examples/food_story.sh PATH_TO_TRACE   (run from an empty directory)
set -eu
trace=$1
step() { printf '\n== %s\n' "$*"; }
origin=dairy.example.cn/ledger/plant-1

step "The dairy creates its key and its event ledger"
vkey=$("$trace" key generate --name $origin --out dairy.key)
"$trace" ledger init dairy --origin $origin --key dairy.key

step "It issues 6 non-guessable codes for yoghurt lot Y1 (never issued twice), recorded as an event"
"$trace" code issue --gtin 09506000134352 --lot Y1 --count 6 --ledger dairy --out codes.txt \
	--time 2026-11-23T06:00:00+08:00
cat codes.txt
first=$(head -n 1 codes.txt)
"$trace" code parse "$first"; echo

step "It prints QR labels: one PNG, and a sheet as PDF"
"$trace" qr "$first" --png label.png --ecc M --module 4
"$trace" labels --in codes.txt --pdf labels.pdf --per-row 3
ls -l label.png labels.pdf | awk '{print $5, $9}'
"$trace" qr "$first" --text --ecc L | head -n 6

step "It records what happens as EPCIS 2.0 events: commission, pack, ship"
list=$(sed 's/.*/"&"/' codes.txt | paste -sd, -)
case1=https://id.gs1.org/00/095060001000000012
cat > events.json <<JSON
{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
 "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-23T08:00:00Z",
 "epcisBody": {"eventList": [
  {"type": "TransformationEvent", "eventTime": "2026-11-23T07:00:00+08:00", "eventTimeZoneOffset": "+08:00",
   "bizStep": "commissioning",
   "inputQuantityList": [{"epcClass": "https://id.gs1.org/01/09506000134369/10/RAW-1101", "quantity": 600, "uom": "KGM"}],
   "outputQuantityList": [{"epcClass": "https://id.gs1.org/01/09506000134352/10/Y1", "quantity": 6}]},
  {"type": "ObjectEvent", "eventTime": "2026-11-23T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
   "action": "ADD", "bizStep": "commissioning", "disposition": "active", "epcList": [$list],
   "ilmd": {"cbvmda:lotNumber": "Y1"}},
  {"type": "AggregationEvent", "eventTime": "2026-11-23T09:00:00+08:00", "eventTimeZoneOffset": "+08:00",
   "action": "ADD", "bizStep": "packing", "parentID": "$case1", "childEPCs": [$list]},
  {"type": "ObjectEvent", "eventTime": "2026-11-23T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
   "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit", "epcList": ["$case1"],
   "destinationList": [{"type": "location", "destination": "urn:epc:id:sgln:9506000.10002.0"}],
   "sensorElementList": [{"sensorReport": [{"type": "Temperature", "minValue": 2.0, "maxValue": 9.5, "uom": "CEL"}]}]}
 ]}}
JSON
"$trace" event add dairy --json events.json

step "A shop receives the case and sells one cup; a copied label sells it again"
cat > shop.json <<JSON
[{"type": "ObjectEvent", "eventTime": "2026-11-23T14:00:00+08:00", "eventTimeZoneOffset": "+08:00",
  "action": "OBSERVE", "bizStep": "receiving", "epcList": ["$case1"]},
 {"type": "ObjectEvent", "eventTime": "2026-11-23T16:00:00+08:00", "eventTimeZoneOffset": "+08:00",
  "action": "OBSERVE", "bizStep": "retail_selling", "epcList": ["$first"]},
 {"type": "ObjectEvent", "eventTime": "2026-11-23T16:30:00+08:00", "eventTimeZoneOffset": "+08:00",
  "action": "OBSERVE", "bizStep": "retail_selling", "epcList": ["$first"]}]
JSON
"$trace" event add dairy --json shop.json
"$trace" status dairy "$first"

step "History of one cup, including what happened to its case while it was inside"
"$trace" history dairy "$first"

step "The shipment saw 9.5 °C: trace back to the raw milk, forward to every cup"
"$trace" trace back dairy "$first"
"$trace" trace forward dairy https://id.gs1.org/01/09506000134369/10/RAW-1101

step "Recall the lot: every cup is marked at once"
"$trace" recall dairy https://id.gs1.org/01/09506000134352/10/Y1 --reason "cold-chain excursion 9.5 C"
"$trace" status dairy "$(sed -n 2p codes.txt)" --json

step "The dairy publishes the signed recall list; a shop checks a cup offline"
"$trace" recall dairy --list --key dairy.key > recall-list.note
cat recall-list.note
"$trace" note verify --vkey "$vkey" recall-list.note > /dev/null
cup=$("$trace" code parse "$(sed -n 3p codes.txt)" | sed -n 's/.*"canonical": *"\([^"]*\)".*/\1/p')
if grep -qx "$cup" recall-list.note; then echo "shop: $cup is recalled: do not sell"; fi

step "Which events shipped anything, and what happened that morning"
"$trace" events dairy --step shipping
"$trace" events dairy --from 2026-11-23T08:00:00+08:00 --to 2026-11-23T12:00:00+08:00

step "The dairy signs a checkpoint; a regulator verifies one event offline"
"$trace" log checkpoint dairy --key dairy.key >/dev/null
"$trace" log prove dairy --index 4 > shipping.tlog-proof
"$trace" event show dairy 4 --cbor > shipping.cbor
"$trace" event show dairy 4
"$trace" proof verify --vkey "$vkey" --entry shipping.cbor shipping.tlog-proof
"$trace" log verify dairy
"$trace" reindex dairy
