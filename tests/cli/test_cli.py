"""The trace command line: exact spellings, exit statuses, and outputs
checked by independent code (hashlib, Python's cryptography) rather than
by libtrace itself."""
import base64
import hashlib
import os
import pathlib
import subprocess

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TRACE = os.environ["TRACE_TOOL"]
VECTORS = pathlib.Path(os.environ.get("TRACE_VECTORS", "/nonexistent"))


def trace(*args, input=None, check=True):
    r = subprocess.run([TRACE, *map(str, args)], input=input, capture_output=True)
    if check and r.returncode != 0:
        raise AssertionError(f"trace {args} exited {r.returncode}: {r.stderr.decode()}")
    return r


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def mth(leaves):
    """RFC 6962 Merkle tree hash, written independently of libtrace."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def parse_vkey(vkey):
    name, key_id, b64 = vkey.split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 1
    want = hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4]
    assert want.hex() == key_id
    return name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_note(note, vkey):
    """Checks a signed note's Ed25519 signature line with `cryptography`."""
    name, key_id, pub = parse_vkey(vkey)
    text, sigs = note.rsplit(b"\n\n", 1)
    text += b"\n"
    for line in sigs.decode().splitlines():
        dash, signer, b64 = line.split(" ")
        assert dash == "\u2014"
        raw = base64.b64decode(b64)
        if signer == name and raw[:4] == key_id:
            pub.verify(raw[4:], text)  # raises on a bad signature
            return text
    raise AssertionError("no signature by the log key")


@pytest.fixture
def ledger(tmp_path):
    key = tmp_path / "log.key"
    vkey = trace("key", "generate", "--name", "example.com/cli", "--out", key).stdout.decode().strip()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert trace("key", "public", key).stdout.decode().strip() == vkey
    trace("log", "init", tmp_path / "L", "--origin", "example.com/cli", "--key", key, "--raw")
    entries = []
    for i in range(13):
        f = tmp_path / f"e{i}"
        f.write_bytes(b"entry %d\n" % i * (i + 1))
        entries.append(f)
    out = trace("log", "append", tmp_path / "L", *entries).stdout.decode().split()
    assert out == [str(i) for i in range(13)]
    return tmp_path, key, vkey, entries


def test_checkpoint_is_independently_verifiable(ledger):
    tmp, key, vkey, entries = ledger
    note = trace("log", "checkpoint", tmp / "L", "--key", key).stdout
    text = verify_note(note, vkey)
    origin, size, root = text.decode().splitlines()
    assert origin == "example.com/cli" and size == "13"
    assert base64.b64decode(root) == mth([leaf_hash(e.read_bytes()) for e in entries])
    # Deterministic: signing the same size again gives the same bytes.
    assert trace("log", "checkpoint", tmp / "L", "--key", key).stdout == note


def test_prove_and_verify(ledger):
    tmp, key, vkey, entries = ledger
    trace("log", "checkpoint", tmp / "L", "--key", key)
    proof = tmp / "p.tlog-proof"
    proof.write_bytes(trace("log", "prove", tmp / "L", "--index", 5).stdout)
    lines = proof.read_text().splitlines()
    assert lines[0] == "c2sp.org/tlog-proof@v1" and lines[1] == "index 5"
    ok = trace("proof", "verify", "--vkey", vkey, "--entry", entries[5], proof, check=False)
    assert ok.returncode == 0, ok.stderr
    wrong = trace("proof", "verify", "--vkey", vkey, "--entry", entries[6], proof, check=False)
    assert wrong.returncode == 1 and b"mismatch" in wrong.stderr
    # A proof line changed by one character is a failed verification, not a crash.
    bad = tmp / "bad.tlog-proof"
    text = proof.read_text().splitlines(keepends=True)
    text[2] = ("B" if text[2][0] != "B" else "C") + text[2][1:]
    bad.write_text("".join(text))
    assert trace("proof", "verify", "--vkey", vkey, "--entry", entries[5], bad, check=False).returncode == 1
    # Another log's key does not verify it.
    other = trace("key", "generate", "--name", "example.com/cli", "--out", tmp / "other.key").stdout.decode().strip()
    assert trace("proof", "verify", "--vkey", other, "--entry", entries[5], proof, check=False).returncode == 1
    # Garbage is bad input (2), not a verification failure.
    junk = tmp / "junk"
    junk.write_text("not a proof\n")
    assert trace("proof", "verify", "--vkey", vkey, "--entry", entries[5], junk, check=False).returncode == 2


def test_consistency_lines(ledger):
    tmp, key, vkey, entries = ledger
    lines = trace("log", "consistency", tmp / "L", "--from", 5).stdout.decode().split()
    assert lines and all(len(base64.b64decode(x)) == 32 for x in lines)
    assert trace("log", "consistency", tmp / "L", "--from", 0, check=False).returncode == 2
    assert trace("log", "consistency", tmp / "L", "--from", 5, "--to", 99, check=False).returncode == 2


def test_audit_and_usage(ledger):
    tmp, key, vkey, entries = ledger
    assert b"13 entries" in trace("log", "verify", tmp / "L").stdout
    assert trace("log", "verify", check=False).returncode == 2
    assert trace("log", "frobnicate", check=False).returncode == 2
    assert trace("nonsense", check=False).returncode == 2
    assert trace("log", "prove", tmp / "L", "--index", "x", check=False).returncode == 2
    r = trace("log", "init", tmp / "L", "--origin", "example.com/cli", "--key", key, "--raw", check=False)
    assert r.returncode == 2 and b"already holds a log" in r.stderr
    r = trace("log", "append", tmp / "nowhere", entries[0], check=False)
    assert r.returncode == 2 and b"holds no log" in r.stderr


def test_note_sign_verify(tmp_path):
    key = tmp_path / "k"
    vkey = trace("key", "generate", "--name", "example.com/n", "--out", key).stdout.decode().strip()
    note = trace("note", "sign", "--key", key, input="hello\nworld\n".encode()).stdout
    assert verify_note(note, vkey) == b"hello\nworld\n"
    assert trace("note", "verify", "--vkey", vkey, input=note).stdout == b"hello\nworld\n"
    tampered = note.replace(b"world", b"World")
    assert trace("note", "verify", "--vkey", vkey, input=tampered, check=False).returncode == 1
    assert trace("note", "verify", "--vkey", vkey, input=b"no signature\n", check=False).returncode == 2
    assert trace("note", "sign", "--key", key, input=b"no newline", check=False).returncode == 2


def test_spec_example_note():
    vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    note = ("This is an example message.\n\n\u2014 example.com/foo "
            "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")
    assert trace("note", "verify", "--vkey", vkey, input=note.encode()).stdout == b"This is an example message.\n"


def test_witness_cosignature(ledger):
    tmp, key, vkey, entries = ledger
    note = trace("log", "checkpoint", tmp / "L", "--key", key).stdout
    wkey = tmp / "w.key"
    wvkey = trace("key", "generate", "--name", "regulator.example/w1", "--out", wkey, "--witness").stdout.decode().strip()
    cosigned = trace("note", "cosign", "--key", wkey, input=note).stdout
    assert cosigned.startswith(note)
    # The cosignature's signed message, rebuilt here from the tlog-cosignature spec.
    name, key_id, b64 = wvkey.split("+", 2)
    raw_key = base64.b64decode(b64)
    assert raw_key[0] == 4
    line = cosigned.decode().splitlines()[-1]
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4].hex() == key_id and len(raw) == 76
    ts = int.from_bytes(raw[4:12], "big")
    text = note.rsplit(b"\n\n", 1)[0] + b"\n"
    Ed25519PublicKey.from_public_bytes(raw_key[1:]).verify(raw[12:], b"cosignature/v1\ntime %d\n" % ts + text)
    f = tmp / "cosigned"
    f.write_bytes(cosigned)
    # Without witness keys, lines are stored as received (the policy checks them later).
    trace("log", "add-cosignatures", tmp / "L", f)
    # With witness keys given, only their verified cosignatures are stored.
    other = trace("key", "generate", "--name", "regulator.example/w2", "--out", tmp / "w2.key",
                  "--witness").stdout.decode().strip()
    r = trace("log", "add-cosignatures", tmp / "L", f, "--witness", other, check=False)
    assert r.returncode == 1 and b"no cosignature from any of the 1 given witnesses" in r.stderr
    forged = cosigned[:-10] + (b"B" if cosigned[-10:-9] == b"A" else b"A") + cosigned[-9:]
    fg = tmp / "forged"
    fg.write_bytes(forged)
    r = trace("log", "add-cosignatures", tmp / "L", fg, "--witness", wvkey, "--witness", other, check=False)
    assert r.returncode == 1 and b"regulator.example/w1" in r.stderr
    r = trace("log", "add-cosignatures", tmp / "L", f, "--witness", check=False)
    assert r.returncode == 2 and b"usage" in r.stderr
    r = trace("log", "add-cosignatures", tmp / "L", f, "--witness", vkey, check=False)
    assert r.returncode != 0 and b"the log's own key" in r.stderr
    trace("log", "add-cosignatures", tmp / "L", f, "--witness", wvkey, "--witness", other)
    assert trace("log", "prove", tmp / "L", "--index", 3).stdout.count("\u2014 regulator.example/w1 ".encode()) == 1
    policy = tmp / "policy"
    policy.write_text(f"log {vkey}\nwitness R {wvkey}\nquorum R\n")
    proof = tmp / "p"
    proof.write_bytes(trace("log", "prove", tmp / "L", "--index", 3).stdout)
    trace("proof", "verify", "--policy", policy, "--entry", entries[3], proof)
    assert trace("log", "verify", tmp / "L").returncode == 0


@pytest.mark.skipif(not (VECTORS / "rekor2").is_dir(), reason="third-party vectors not present")
def test_rekor_v2_proof():
    """A real Rekor v2 entry and proof: the checkpoint's unknown witnesses are ignored."""
    vkey = "log2025-alpha3.rekor.sigstage.dev+d3d3a70c+AZQ93VXPMmj9uZj7U/7CefQ9yy8RgYFv6mKzOseipjqp"
    r = trace("proof", "verify", "--vkey", vkey, "--entry", VECTORS / "rekor2" / "entry",
              VECTORS / "rekor2" / "proof.tlog-proof")
    assert b"entry 4026478" in r.stdout
    r = trace("proof", "verify", "--vkey", vkey, "--entry", VECTORS / "rekor2" / "proof.tlog-proof",
              VECTORS / "rekor2" / "proof.tlog-proof", check=False)
    assert r.returncode == 1


def tile_path(kind, n, width=256):
    """The tlog-tiles path of tile or bundle n, written from the C2SP text."""
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    path = "tile/%s/" % kind + "/".join(["x" + g for g in groups[:-1]] + groups[-1:])
    return path + (".p/%d" % width if width < 256 else "")


def test_tile_path_encoding():
    assert tile_path("0", 1234067) == "tile/0/x001/x234/067"
    assert tile_path("entries", 273, 112) == "tile/entries/273.p/112"


def test_export_is_tlog_tiles(tmp_path):
    """The size-70,000 example of C2SP tlog-tiles, checked file by file."""
    key = tmp_path / "k"
    vkey = trace("key", "generate", "--name", "example.com/tiles", "--out", key).stdout.decode().strip()
    log = tmp_path / "L"
    trace("log", "init", log, "--origin", "example.com/tiles", "--key", key, "--raw")
    data = [b"e%d" % i * (1 + i % 3) for i in range(70000)]
    d = tmp_path / "entries"
    d.mkdir()
    for start in range(0, len(data), 2000):
        files = []
        for i in range(start, min(start + 2000, len(data))):
            f = d / str(i)
            f.write_bytes(data[i])
            files.append(f)
        trace("log", "append", log, *files)
    out = tmp_path / "out"
    r = trace("log", "export", log, out, check=False)
    assert r.returncode != 0 and b"no signed checkpoint" in r.stderr
    note = trace("log", "checkpoint", log, "--key", key).stdout
    trace("log", "export", log, out)

    leaves = [leaf_hash(e) for e in data]
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    want = ["checkpoint"]
    want += [tile_path("0", n) for n in range(273)] + [tile_path("0", 273, 112)]
    want += [tile_path("1", 0), tile_path("1", 1, 17), tile_path("2", 0, 1)]
    want += [tile_path("entries", n) for n in range(273)] + [tile_path("entries", 273, 112)]
    assert files == sorted(want)

    assert (out / "checkpoint").read_bytes() == note
    origin, size, root = verify_note(note, vkey).decode().splitlines()
    assert size == "70000" and base64.b64decode(root) == mth(leaves)
    for n in range(274):
        w = 256 if n < 273 else 112
        tile = (out / tile_path("0", n, w)).read_bytes()
        assert tile == b"".join(leaves[n * 256:n * 256 + w])
        bundle = (out / tile_path("entries", n, w)).read_bytes()
        got, pos = [], 0
        while pos < len(bundle):
            length = int.from_bytes(bundle[pos:pos + 2], "big")
            got.append(bundle[pos + 2:pos + 2 + length])
            pos += 2 + length
        assert got == data[n * 256:n * 256 + w]
    level1 = [mth(leaves[i * 256:(i + 1) * 256]) for i in range(273)]
    assert (out / tile_path("1", 0)).read_bytes() == b"".join(level1[:256])
    assert (out / tile_path("1", 1, 17)).read_bytes() == b"".join(level1[256:273])
    assert (out / tile_path("2", 0, 1)).read_bytes() == mth(leaves[:65536])
    # A second export rewrites only the partial tiles and the checkpoint,
    # and repairs full files a crash left short.
    r = trace("log", "export", log, out)
    assert b"5 files written" in r.stdout
    for rel in (tile_path("0", 7), tile_path("entries", 7)):
        with open(out / rel, "r+b") as f:
            f.truncate(100)
    r = trace("log", "export", log, out)
    assert b"7 files written" in r.stdout
    assert (out / tile_path("0", 7)).read_bytes() == b"".join(leaves[7 * 256:8 * 256])
    assert len((out / tile_path("entries", 7)).read_bytes()) == sum(2 + len(e) for e in data[7 * 256:8 * 256])
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(want)  # no temp files left
