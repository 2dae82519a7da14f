#!/usr/bin/env python3
"""Writes the seed corpora of the core fuzz targets into fuzz/corpora/.

Valid seeds come from the built `trace` tool and the test keys in
fuzz/testkeys/; malformed seeds are variations of them, each aimed at one
rule of a parser.  Files named crash-* (reproducers) are never touched.
Cosignatures carry the current time, so re-running changes a few files.

    python3 fuzz/make-seeds.py BUILDDIR/tools/trace
"""
import base64
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "testkeys")
EM = "\u2014 ".encode()


def trace(*args, stdin=None):
    r = subprocess.run([TRACE, *args], input=stdin, capture_output=True, check=True)
    return r.stdout


def write(target, name, data):
    d = os.path.join(HERE, "corpora", "fuzz_" + target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def key(name):
    return os.path.join(KEYS, name + ".skey")


def vkey(name):
    return trace("key", "public", key(name)).strip()


def skey(name):
    return open(key(name), "rb").read().strip()


# --- RFC 6962 over SHA-256, for the Merkle seeds ---------------------------

def leaf(e):
    return hashlib.sha256(b"\0" + e).digest()


def node(a, b):
    return hashlib.sha256(b"\1" + a + b).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(ls):
    if len(ls) == 1:
        return ls[0]
    k = split(len(ls))
    return node(mth(ls[:k]), mth(ls[k:]))


def path(m, ls):
    if len(ls) == 1:
        return []
    k = split(len(ls))
    if m < k:
        return path(m, ls[:k]) + [mth(ls[k:])]
    return path(m - k, ls[k:]) + [mth(ls[:k])]


def subproof(m, ls, whole):
    n = len(ls)
    if m == n:
        return [] if whole else [mth(ls)]
    k = split(n)
    if m <= k:
        return subproof(m, ls[:k], whole) + [mth(ls[k:])]
    return subproof(m - k, ls[k:], False) + [mth(ls[:k])]


def raw(mode, a, b, x, y, proof, l1=32, l2=32, small=0):
    """fuzz_merkle verify input: parameters are read back from the end."""
    return (x + y + b"".join(proof) + bytes([small, l2, l1]) +
            struct.pack(">QQ", b, a) + bytes([mode]))


def main():
    tmp = tempfile.mkdtemp()
    logv, witv = vkey("log"), vkey("witness")
    otherv = vkey("other")

    # A raw log of 7 entries; proofs at several sizes.
    entries = [b"entry %d\n" % i for i in range(7)]
    files = []
    for i, e in enumerate(entries):
        files.append(os.path.join(tmp, "e%d" % i))
        open(files[-1], "wb").write(e)
    logdir = os.path.join(tmp, "log")
    trace("log", "init", logdir, "--origin", "fuzz.example/log", "--key", key("log"), "--raw")
    trace("log", "append", logdir, *files[:1])
    cp1 = trace("log", "checkpoint", logdir, "--key", key("log"))
    proof_1 = trace("log", "prove", logdir, "--index", "0")
    trace("log", "append", logdir, *files[1:])
    cp = trace("log", "checkpoint", logdir, "--key", key("log"))
    cps = trace("note", "cosign", "--key", key("witness"), stdin=cp)
    proofs = {i: trace("log", "prove", logdir, "--index", str(i)) for i in (0, 3, 6)}
    text, sigs = cp.split(b"\n\n", 1)
    cosigned_proof = proofs[3].split(b"\n\n")[0] + b"\n\n" + cps
    logsig = sigs.split(b"\n")[0]
    witsig = cps.split(b"\n\n", 1)[1].split(b"\n")[1]

    # --- fuzz_note ---------------------------------------------------------
    def note(text, *sig_lines):
        return text + b"\n\n" + b"".join(s + b"\n" for s in sig_lines)

    plain = trace("note", "sign", "--key", key("log"), stdin="hello, world\n".encode())
    utf8 = trace("note", "sign", "--key", key("log"), stdin="Grüße, 世界 😀\n".encode())
    other = trace("note", "sign", "--key", key("other"), stdin=b"signed by a key nobody knows\n")
    n = {
        "checkpoint": cp, "checkpoint-1": cp1, "cosigned": cps, "plain": plain, "utf8": utf8,
        "unknown-key": other,
        "spec-signed-note-example": "This is an example message.\n\n\u2014 example.com/foo "
        "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n".encode(),
        "witness-only": note(text, witsig),
        "unknown-and-log": note(text, other.split(b"\n\n")[1].strip(), logsig),
        "100-signatures": note(text, *[logsig] * 100),
        "bad-101-signatures": note(text, *[logsig] * 101),
        "bad-en-dash": cp.replace(EM, "\u2013 ".encode()),
        "bad-hyphen": cp.replace(EM, b"- "),
        "bad-no-space-after-dash": cp.replace(EM, EM[:-1]),
        "bad-tab": cp.replace(b"fuzz.example/log\n", b"fuzz.example/log\t\n", 1),
        "bad-crlf": cp.replace(b"\n", b"\r\n"),
        "bad-del": cp.replace(b"7\n", b"7\x7f\n", 1),
        "bad-nul": cp.replace(b"7\n", b"7\x00\n", 1),
        "bad-no-final-newline": cp[:-1],
        "bad-no-blank-line": cp.replace(b"\n\n", b"\n"),
        "bad-no-signatures": text + b"\n\n",
        "bad-base64-padding": cp.replace(b"QY=\n", b"QY\n"),
        "bad-base64-trailing-bits": cp.replace(b"QY=\n", b"QZ=\n"),
        "bad-short-signature": note(text, EM + b"fuzz.example/log AAAA"),
        "bad-name-with-plus": cp.replace(EM + b"fuzz.example/log", EM + b"fuzz+example/log"),
        "bad-no-name": note(text, EM + logsig.split(b" ")[2]),
        "bad-signature": cp.replace(b"Ei3B", b"Ei3C"),
        "bad-overlong-utf8": cp.replace(b"7\n", b"7\xc0\xaf\n", 1),
        "bad-surrogate": cp.replace(b"7\n", b"7\xed\xa0\x80\n", 1),
        "bad-truncated-utf8": b"\xe2\x80\n\n" + logsig + b"\n",
        "bad-cosig-timestamp": note(text, EM + b"fuzz.example/witness " +
                                    base64.b64encode(b"\x09\xda\x3b\x09" + b"\xff" * 8 + b"\0" * 64)),
        "bad-empty": b"",
    }
    for k, v in n.items():
        write("note", k, v)

    # --- fuzz_note_oom: text || mode || N (2 bytes) --------------------------
    oom = {"cosigned": cps, "checkpoint": cp, "plain": plain, "bad-no-blank-line": n["bad-no-blank-line"],
           "tlog-proof": cosigned_proof,
           "policy": f"log {logv.decode()}\nwitness w {witv.decode()}\ngroup g any w\nquorum g\n".encode()}
    for k, mode, at in (("cosigned", 0, 1), ("cosigned", 1, 5), ("checkpoint", 0, 3), ("plain", 1, 2),
                        ("bad-no-blank-line", 0, 1), ("tlog-proof", 0, 2), ("tlog-proof", 1, 4),
                        ("policy", 0, 3), ("policy", 1, 7)):
        write("note_oom", "%s-%s%d" % (k, "sticky-" if mode else "", at),
              oom[k] + bytes([mode]) + struct.pack(">H", at))

    # --- fuzz_checkpoint ---------------------------------------------------
    t = text + b"\n"
    c = {
        "checkpoint": t, "checkpoint-1": cp1.split(b"\n\n")[0] + b"\n",
        "extensions": t + b"ext one\next two\n",
        "size-zero": b"example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "size-max": b"example.com/log\n18446744073709551615\n" + t.split(b"\n")[2] + b"\n",
        "64-extensions": t + b"x\n" * 64,
        "bad-65-extensions": t + b"x\n" * 65,
        "bad-size-overflow": b"example.com/log\n18446744073709551616\n" + t.split(b"\n")[2] + b"\n",
        "bad-leading-zero": t.replace(b"\n7\n", b"\n07\n"),
        "bad-size-sign": t.replace(b"\n7\n", b"\n+7\n"),
        "bad-root-padding": t.replace(b"=\n", b"\n"),
        "bad-root-bits": t.replace(b"fk=\n", b"fl=\n"),
        "bad-root-65-bytes": b"o\n1\n" + base64.b64encode(b"\1" * 65) + b"\n",
        "bad-empty-line": t + b"\n",
        "bad-two-lines": b"example.com/log\n7\n",
        "bad-no-newline": t[:-1],
        "bad-control": t.replace(b"fuzz", b"fu\x01zz"),
        "bad-latin1": t.replace(b"fuzz", b"f\xfczz"),
    }
    for k, v in c.items():
        write("checkpoint", k, v)

    # --- fuzz_keys ---------------------------------------------------------
    ks = {
        "vkey-log": logv, "vkey-witness": witv, "vkey-other": otherv,
        "skey-log": skey("log"), "skey-witness": skey("witness"),
        "skey-newline": skey("log") + b"\n",
        "spec-vkey-example": b"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "bad-vkey-uppercase-id": logv.replace(b"122dc157", b"122DC157"),
        "bad-vkey-wrong-id": logv.replace(b"122dc157", b"122dc158"),
        "bad-vkey-short-id": logv.replace(b"122dc157", b"22dc157"),
        "bad-vkey-type-02": logv.split(b"+")[0] + b"+122dc157+Avq" + logv.split(b"+Afq")[1],
        "bad-vkey-short": logv[:-4],
        "bad-vkey-padding": logv + b"=",
        "bad-vkey-name-space": b"fuzz example+122dc157+" + logv.split(b"+")[2],
        "bad-vkey-empty-name": b"+122dc157+" + logv.split(b"+")[2],
        "bad-vkey-newline": logv + b"\n",
        "bad-skey-no-prefix": skey("log")[len(b"PRIVATE+KEY+"):],
        "bad-skey-wrong-id": skey("log").replace(b"122dc157", b"09da3b09"),
        "bad-skey-short": skey("log")[:-4],
        "bad-skey-two-newlines": skey("log") + b"\n\n",
        "bad-empty": b"",
    }
    for k, v in ks.items():
        write("keys", k, v)

    # --- fuzz_tlog_proof: entry || proof || entry length (2) || policy (1) --
    def tp(entry, proof, policy=0):
        return entry + proof + struct.pack(">H", len(entry)) + bytes([policy])

    tps = {
        "index-0": tp(entries[0], proofs[0]), "index-3": tp(entries[3], proofs[3]),
        "index-6": tp(entries[6], proofs[6]), "size-1": tp(entries[0], proof_1),
        "witnessed": tp(entries[3], cosigned_proof, 1),
        "witness-missing": tp(entries[3], proofs[3], 1),
        "extra": tp(entries[3], proofs[3].replace(b"@v1\n", b"@v1\nextra aGVsbG8=\n")),
        "extra-empty": tp(entries[3], proofs[3].replace(b"@v1\n", b"@v1\nextra \n")),
        "wrong-entry": tp(entries[2], proofs[3]),
        "wrong-index": tp(entries[3], proofs[3].replace(b"index 3\n", b"index 2\n")),
        "bad-index-leading-zero": tp(entries[3], proofs[3].replace(b"index 3\n", b"index 03\n")),
        "bad-index-too-big": tp(entries[3], proofs[3].replace(b"index 3\n", b"index 18446744073709551616\n")),
        "bad-header": tp(entries[3], proofs[3].replace(b"@v1", b"@v2")),
        "bad-path-padding": tp(entries[3], proofs[3].replace(b"=\n", b"\n", 1)),
        "bad-path-mixed-lengths": tp(entries[3], proofs[3].replace(b"=\n", b"=\nAAAA\n", 1)),
        "bad-65-hashes": tp(entries[3], proofs[3].replace(b"index 3\n", b"index 3\n" + b"AAAA\n" * 65)),
        "bad-no-blank-line": tp(entries[3], proofs[3].replace(b"\n\n", b"\n", 1)),
        "bad-no-checkpoint": tp(entries[3], proofs[3].split(b"\n\n")[0] + b"\n\n"),
        "bad-extra-padding": tp(entries[3], proofs[3].replace(b"@v1\n", b"@v1\nextra aGVsbG8\n")),
        "bad-crlf": tp(entries[3], proofs[3].replace(b"\n", b"\r\n")),
        "bad-empty": b"",
    }
    for k, v in tps.items():
        write("tlog_proof", k, v)

    # --- fuzz_policy -----------------------------------------------------------
    lv, wv, ov = logv.decode(), witv.decode(), otherv.decode()
    w2 = trace("key", "generate", "--name", "w2.example", "--out", os.path.join(tmp, "w2"),
               "--witness").strip().decode()
    pol = {
        "log-only": f"log {lv}\nquorum none\n",
        "witnessed": f"log {lv}\nwitness w {wv}\nquorum w\n",
        "groups": f"# two groups\nlog {lv} https://log.example/\n\nwitness w1 {wv}\n"
                  f"witness w2 {w2} https://w2.example/\ngroup g1 any w1 w2\ngroup g2 all w1\n"
                  f"group top 2 g1 g2\nquorum top\n",
        "threshold-1": f"log {lv}\nwitness a {wv}\ngroup g 1 a\nquorum g\n",
        "two-logs-tabs": f"log\t{ov}\nlog {lv}\t\nquorum\tnone",
        "wrong-origin": f"log {ov}\nquorum none\n",
        "bad-dup-log": f"log {lv}\nlog {lv}\nquorum none\n",
        "bad-dup-witness": f"log {lv}\nwitness a {wv}\nwitness b {wv}\nquorum a\n",
        "bad-witness-as-log": f"log {wv}\nquorum none\n",
        "bad-log-as-witness": f"log {lv}\nwitness a {ov}\nquorum a\n",
        "bad-undefined-member": f"log {lv}\ngroup g any nobody\nquorum g\n",
        "bad-member-twice": f"log {lv}\nwitness a {wv}\ngroup g any a a\nquorum g\n",
        "bad-threshold-0": f"log {lv}\nwitness a {wv}\ngroup g 0 a\nquorum g\n",
        "bad-threshold-too-big": f"log {lv}\nwitness a {wv}\ngroup g 2 a\nquorum g\n",
        "bad-threshold-leading-zero": f"log {lv}\nwitness a {wv}\ngroup g 01 a\nquorum g\n",
        "bad-two-quorums": f"log {lv}\nquorum none\nquorum none\n",
        "bad-no-quorum": f"log {lv}\n",
        "bad-quorum-before-definition": f"log {lv}\nquorum w\nwitness w {wv}\n",
        "bad-name-none": f"log {lv}\nwitness none {wv}\nquorum none\n",
        "bad-unknown-keyword": f"log {lv}\nmonitor x\nquorum none\n",
        "bad-control": f"log {lv}\r\nquorum none\n",
        "bad-vkey": f"log {lv[:-1]}\nquorum none\n",
        "bad-empty": "",
    }
    for k, v in pol.items():
        write("policy", k, v)

    # --- fuzz_merkle: verify_raw and round-trip inputs -------------------------
    ls = [leaf(b"m%d" % i) for i in range(13)]
    mk = {}
    for m, size in ((0, 1), (5, 13), (12, 13), (7, 8)):
        mk["inclusion-%d-%d" % (m, size)] = raw(0, m, size, ls[m], mth(ls[:size]), path(m, ls[:size]))
    for m, size in ((1, 13), (4, 13), (7, 13), (13, 13), (3, 8)):
        mk["consistency-%d-%d" % (m, size)] = raw(1, m, size, mth(ls[:m]), mth(ls[:size]),
                                                   subproof(m, ls[:size], True))
    mk["bad-inclusion-short-proof"] = raw(0, 5, 13, ls[5], mth(ls), path(5, ls)[:-1])
    mk["bad-inclusion-index-eq-size"] = raw(0, 13, 13, ls[5], mth(ls), path(5, ls))
    mk["bad-inclusion-huge"] = raw(0, 2**63, 2**64 - 1, ls[0], mth(ls), path(5, ls))
    mk["bad-inclusion-hash-31"] = raw(0, 5, 13, ls[5][:31], mth(ls), path(5, ls), l1=0x80 | 31)
    mk["bad-consistency-from-0"] = raw(1, 0, 13, mth(ls[:1]), mth(ls), [])
    mk["bad-consistency-huge"] = raw(1, 2**64 - 2, 2**64 - 1, mth(ls[:1]), mth(ls), subproof(7, ls, True))
    mk["bad-consistency-equal-nonempty"] = raw(1, 13, 13, mth(ls), mth(ls), [ls[0]])
    for seed in (b"\x02", b"\x00\x07\x02", b"\x12\x34\xff\x05\x40\x02", b"\xff\xff\x11\xff\x80\x02"):
        mk["round-trip-" + seed.hex()] = seed
    for k, v in mk.items():
        write("merkle", k, v)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    TRACE = os.path.abspath(sys.argv[1])
    main()
