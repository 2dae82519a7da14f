#!/bin/sh
# libtrace end to end, as a producer and a regulator would run it: first a
# raw log anchoring documents, then the one-product-one-code food story.
# Usage: examples/demo.sh PATH_TO_TRACE
set -eu
trace=${1:-trace}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/libtrace-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
step() { printf '\n== %s\n' "$*"; }

step "A dairy plant creates its signing key (kept outside the ledger directory)"
vkey=$("$trace" key generate --name dairy.example.cn/ledger/plant-1 --out plant.key)
echo "verifier key: $vkey"

step "It creates its ledger; only the verifier key is stored there"
"$trace" log init ledger --origin dairy.example.cn/ledger/plant-1 --key plant.key --raw

step "It appends documents: an inspection report, a certificate, a lot record"
printf 'inspection report: raw milk lot RM-2026-1101, antibiotics negative\n' > report.txt
printf 'certificate: plant-1 HACCP, valid to 2027-06-30\n' > certificate.txt
printf 'lot YG-2026-1123: 10,000 cups of yoghurt from RM-2026-1101\n' > lot.txt
"$trace" log append ledger report.txt certificate.txt lot.txt

step "It signs a checkpoint: one Ed25519 signature covers every entry"
"$trace" log checkpoint ledger --key plant.key | tee checkpoint.txt

step "The regulator checks the checkpoint and cosigns it as a witness"
wvkey=$("$trace" key generate --name samr.example.cn/witness --out regulator.key --witness)
"$trace" note verify --vkey "$vkey" checkpoint.txt >/dev/null
"$trace" note cosign --key regulator.key checkpoint.txt > cosigned.txt
"$trace" log add-cosignatures ledger cosigned.txt --witness "$wvkey"   # the plant keeps only verified witness lines
echo "cosigned by samr.example.cn/witness"

step "The plant hands a buyer an offline proof that the lot record is in its ledger"
"$trace" log prove ledger --index 2 | tee lot.tlog-proof

step "Anyone verifies it offline, against a policy: the plant's key and the regulator's cosignature"
printf 'log %s\nwitness samr %s\nquorum samr\n' "$vkey" "$wvkey" > policy.txt
"$trace" proof verify --policy policy.txt --entry lot.txt lot.tlog-proof

step "A forged lot record does not verify (exit status 1)"
printf 'lot YG-2026-1123: 20,000 cups of yoghurt from RM-2026-1101\n' > forged.txt
if "$trace" proof verify --policy policy.txt --entry forged.txt lot.tlog-proof; then
	echo "forgery accepted: this is a bug" >&2
	exit 1
fi

step "More entries later; the new checkpoint is provably consistent with the old one"
printf 'shipment SH-88: 40 cases of YG-2026-1123 to Shop 17\n' > shipment.txt
"$trace" log append ledger shipment.txt
"$trace" log checkpoint ledger --key plant.key > checkpoint2.txt
"$trace" log consistency ledger --from 3 --to 4

step "Full audit: every leaf, tile and checkpoint recomputed and checked"
"$trace" log verify ledger

step "Published as static C2SP tlog-tiles files, for any transparency-log client"
"$trace" log export ledger public
(cd public && find . -type f | sort)

mkdir food && cd food
"$here/food_story.sh" "$trace"

echo
echo "demo finished: raw log with a witness, then codes, QR labels, EPCIS events, queries, recall and offline proofs"
