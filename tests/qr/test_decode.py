#!/usr/bin/python3
"""Every renderer's output read back by real decoders (issue 3, item 6).

QR: zbarimg (zbar-tools).  SVG is rasterised with rsvg-convert (librsvg2-bin),
PDF with pdftoppm (poppler-utils), terminal text by this script (it only maps
half blocks to pixels).  DataMatrix: dmtxread (dmtx-utils).  GS1 symbols must
come back as GS1: zbar reports the FNC1 form (GS between elements) with the
GS1 modifier, dmtxread -G 29 prints FNC1 as GS, FNC1 first included.

Usage: test_decode.py QR_TOOL TRACE_TOOL
Exits 77 (skipped) only if a decoder or rasteriser is not installed.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

QR_TOOL, TRACE = sys.argv[1], sys.argv[2]
NEEDED = ["zbarimg", "dmtxread", "rsvg-convert", "pdftoppm"]
missing = [b for b in NEEDED if shutil.which(b) is None]
if missing:
    print("SKIP: decoders not installed: %s (apt-get install -y zbar-tools dmtx-utils "
          "librsvg2-bin poppler-utils)" % " ".join(missing))
    sys.exit(77)

GS = "\x1d"
WORK = pathlib.Path(tempfile.mkdtemp(prefix="trace-qr-decode-"))
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(*args, ok=True):
    r = subprocess.run([str(a) for a in args], capture_output=True)
    if ok and r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (args[:3], r.returncode, r.stderr.decode(errors="replace")))
    return r


counter = [0]


def tmp(suffix):
    counter[0] += 1
    return WORK / ("f%d%s" % (counter[0], suffix))


def payload_file(text):
    p = tmp(".txt")
    p.write_bytes(text.encode())
    return p


def zbar(image):
    """Symbols in an image, as the exact bytes zbarimg --raw prints (one line each)."""
    r = run("zbarimg", "--nodbus", "--raw", "-q", image, ok=False)
    if r.returncode not in (0, 4):  # 4: no symbol found
        raise RuntimeError("zbarimg failed: " + r.stderr.decode(errors="replace"))
    return r.stdout.split(b"\n")[:-1]


def zbar_modifiers(image):
    """The modifiers zbarimg reports per symbol ('GS1' for FNC1 in first position)."""
    r = run("zbarimg", "--nodbus", "--xml", "-q", image, ok=False)
    if not r.stdout.strip():
        return []
    ns = "{http://zbar.sourceforge.net/2008/barcode}"
    return [sym.get("modifiers", "") for sym in ET.fromstring(r.stdout).iter(ns + "symbol")]


def svg_to_png(svg, zoom):
    png = tmp(".png")
    run("rsvg-convert", "-z", zoom, "-b", "white", "-o", png, svg)
    return png


def text_to_pgm(text_file, invert):
    """Maps the half-block text back to pixels, 4 per module."""
    rows = text_file.read_text(encoding="utf-8").split("\n")[:-1]
    ink_is_dark = invert
    grid = []
    for line in rows:
        top, bottom = [], []
        for ch in line:
            t = ch in "\u2580\u2588"
            b = ch in "\u2584\u2588"
            top.append(t if ink_is_dark else not t)
            bottom.append(b if ink_is_dark else not b)
        grid += [top, bottom]
    width = max(len(r) for r in grid)
    scale, pad = 4, 4
    w, h = (width + 2 * pad) * scale, (len(grid) + 2 * pad) * scale
    pix = bytearray([255]) * (w * h)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    o = ((y + pad) * scale + dy) * w + (x + pad) * scale
                    pix[o:o + scale] = b"\0" * scale
    pgm = tmp(".pgm")
    pgm.write_bytes(b"P5\n%d %d\n255\n" % (w, h) + bytes(pix))
    return pgm


def expect_qr(images, want, gs1, what):
    """Each image holds exactly the one symbol @want, a GS1 one iff @gs1."""
    for img in images:
        got = zbar(img)
        check(got == [want.encode()], "%s (%s): decoded %r, expected %r" % (what, img.suffix, got, want))
        mods = zbar_modifiers(img)
        check(len(mods) == 1 and ("GS1" in mods[0]) == gs1,
              "%s: modifiers %r, GS1 expected: %s" % (what, mods, gs1))


def qr_all_renderers(text, want=None, gs1=False, mode=0, ecc=1, module=4, what=None):
    """PNG, SVG (rasterised), text and inverted text of one payload all decode to @want."""
    want = text if want is None else want
    what = what or repr(text[:40])
    pf = payload_file(text)
    png, svg, txt, txti = tmp(".png"), tmp(".svg"), tmp(".txt"), tmp(".txt")
    args = ["--mode", mode, "--ecc", ecc, "--module", module]
    run(QR_TOOL, "png", png, *args, pf)
    run(QR_TOOL, "svg", svg, *args, pf)
    run(QR_TOOL, "text", txt, *args, pf)
    run(QR_TOOL, "text", txti, *args, "--invert", pf)
    expect_qr([png, svg_to_png(svg, 1), text_to_pgm(txt, False), text_to_pgm(txti, True)],
              want, gs1, what)


# ---- QR corpus ----

DIGITAL_LINKS = [
    "https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=201225",
    "https://id.gs1.org/01/09506000134352/10/LOT2025A/21/SN000123456789?17=271231",
    "https://example.cn/01/06901234567892/10/LOT-2025%2F01/21/SN0001?17=271231",
    "https://id.gs1.org/00/106141411234567897?02=09506000134352&37=12&10=L1",
]
ELEMENT_STRINGS = {
    "(01)09506000134352(17)201225(10)ABC123(21)XYZ":
        "0109506000134352172012251" + "0ABC123" + GS + "21XYZ",
    "(01)06901234567892(17)271231(10)LOT-2025/01(21)SN0001":
        "01069012345678921727123110LOT-2025/01" + GS + "21SN0001",
    "(00)106141411234567897(02)09506000134352(37)12(10)L1":
        "00106141411234567897020950600013435237" + "12" + GS + "10L1",
    # '%' goes through the alphanumeric FNC1 rules ('%%'), lowercase through byte mode
    "(01)09506000134352(10)AB%12(21)X-1": "010950600013435210AB%12" + GS + "21X-1",
    "(01)09506000134352(10)abc(21)x1y": "010950600013435210abc" + GS + "21x1y",
    "(01)09506000134352(3103)000500(15)251231": "01095060001343523103000500" + "15251231",
}
NMPA = ["81234560000123456789", "86979432105001234567"]
CHINESE = ["一物一码：乳制品批次 2025-01，追溯到牧场", "北京市海淀区 药品追溯码 81234560000123456789",
           "追溯🍼 ok"]

for uri in DIGITAL_LINKS:
    qr_all_renderers(uri)
for text, fnc1 in ELEMENT_STRINGS.items():
    qr_all_renderers(text, want=fnc1, gs1=True, mode=3)
# The FNC1 form itself is accepted too
qr_all_renderers(ELEMENT_STRINGS["(01)06901234567892(17)271231(10)LOT-2025/01(21)SN0001"],
                 gs1=True, mode=3, what="FNC1-form input")
for code in NMPA:
    qr_all_renderers(code)
    qr_all_renderers(code, mode=1, what="NMPA in byte mode")
for text in CHINESE:
    qr_all_renderers(text)
    qr_all_renderers(text, mode=1, ecc=3, what="Chinese, byte mode, ECC H")
qr_all_renderers("HTTPS://ID.GS1.ORG/01/09506000134352/21/ABC-123", mode=2, what="alphanumeric mode")

# Near each level's version-40 byte capacity, and one byte over it.
CAPACITY = {0: 2953, 1: 2331, 2: 1663, 3: 1273}
for ecc, cap in CAPACITY.items():
    text = "".join(chr(0x21 + (i * 37 + ecc) % 94) for i in range(cap - 2))
    pf = payload_file(text)
    png, svg = tmp(".png"), tmp(".svg")
    out = run(QR_TOOL, "png", png, "--mode", 1, "--ecc", ecc, "--module", 3, pf).stdout.split()
    check(out[1] == b"40", "ECC %d near capacity: version %r, expected 40" % (ecc, out))
    run(QR_TOOL, "svg", svg, "--mode", 1, "--ecc", ecc, "--module", 3, pf)
    expect_qr([png, svg_to_png(svg, 1)], text, False, "ECC %d, %d bytes" % (ecc, len(text)))
    over = payload_file(text + "xyz")
    r = run(QR_TOOL, "png", tmp(".png"), "--mode", 1, "--ecc", ecc, over, ok=False)
    check(r.returncode != 0 and b"do not fit" in r.stderr, "ECC %d over capacity accepted: %r" % (ecc, r.stderr))

# A fixed version is honoured, and too small a version is refused.
pf = payload_file(DIGITAL_LINKS[0])
png = tmp(".png")
out = run(QR_TOOL, "png", png, "--version", 12, pf).stdout.split()
check(out == [b"65", b"12"], "fixed version 12: got %r" % out)
expect_qr([png], DIGITAL_LINKS[0], False, "fixed version 12")
r = run(QR_TOOL, "png", tmp(".png"), "--version", 2, pf, ok=False)
check(r.returncode != 0 and b"version" in r.stderr, "version 2 accepted for 63 bytes: %r" % r.stderr)

# Batch rendering on several threads gives decodable PNGs in input order.
batch = DIGITAL_LINKS + NMPA + CHINESE
base = tmp("")
run(QR_TOOL, "batch-png", base, "--threads", 3, *[payload_file(t) for t in batch])
for i, text in enumerate(batch):
    expect_qr([pathlib.Path("%s.%d.png" % (base, i))], text, False, "batch item %d" % i)

# ---- DataMatrix ----


def dmtx(image, gs1):
    args = ["dmtxread", "-N1"] + (["-G", "29"] if gs1 else []) + [image]
    return run(*args, ok=False).stdout


def dm_codewords(image):
    return run("dmtxread", "-N1", "-c", image, ok=False).stdout.split()


def expect_dm(text, want, gs1, mode, what):
    pf = payload_file(text)
    png, svg = tmp(".png"), tmp(".svg")
    run(QR_TOOL, "dm-png", png, "--mode", mode, "--module", 6, pf)
    run(QR_TOOL, "dm-svg", svg, "--mode", mode, "--module", 6, pf)
    for img in (png, svg_to_png(svg, 1)):
        got = dmtx(img, gs1)
        check(got == want.encode(), "DataMatrix %s (%s): read %r, expected %r" % (what, img.suffix, got, want))
        first = dm_codewords(img)[:1]
        check((first == [b"d:232"]) == gs1, "DataMatrix %s: first codeword %r (FNC1 is 232)" % (what, first))


for text, fnc1 in ELEMENT_STRINGS.items():
    # dmtxread -G 29 shows every FNC1 as GS, the one in first position included
    expect_dm(text, GS + fnc1, True, 3, text)
for text in DIGITAL_LINKS[:2] + NMPA + CHINESE[:1]:
    expect_dm(text, text, False, 0, repr(text[:30]))

# ---- label sheets ----

SHEET = DIGITAL_LINKS + list(ELEMENT_STRINGS)[:3] + NMPA + CHINESE[:2]


def sheet_expectation():
    return sorted(ELEMENT_STRINGS.get(t, t).encode() for t in SHEET)


def build_sheet(kind, out, per_row):
    """Labels through the CLI: element strings become GS1 QR, the label text is the line."""
    lines = tmp(".txt")
    lines.write_text("\n".join(SHEET) + "\n", encoding="utf-8")
    run(TRACE, "labels", "--in", lines, "--" + kind, out, "--per-row", per_row)


svg = tmp(".svg")
build_sheet("svg", svg, 3)
got = sorted(zbar(svg_to_png(svg, 3)))
check(got == sheet_expectation(), "SVG sheet: decoded %r" % got)
check(svg.read_text(encoding="utf-8").count("一物一码") == 1, "SVG sheet lacks the Chinese label text")

pdf = tmp(".pdf")
build_sheet("pdf", pdf, 3)
prefix = tmp("")
run("pdftoppm", "-r", 200, "-png", pdf, prefix)
pages = sorted(WORK.glob(prefix.name + "*.png"))
got = sorted(d for p in pages for d in zbar(p))
check(got == sheet_expectation(), "PDF sheet: decoded %r" % got)
info = run("pdfinfo", pdf).stdout.decode() if shutil.which("pdfinfo") else "Pages: %d" % len(pages)
check("Pages:" in info, "pdfinfo cannot read the sheet")
if shutil.which("pdftotext"):
    text = run("pdftotext", pdf, "-").stdout.decode(errors="replace").replace("\n", "")
    check("SN0001" in text and "81234560000123456789" in text, "PDF text not extractable: %r" % text[:200])

# More labels than one page holds: pages are added, every code still reads.
many = [payload_file("https://id.gs1.org/01/09506000134352/21/S%05d" % i) for i in range(45)]
pdf = tmp(".pdf")
run(QR_TOOL, "labels-pdf", pdf, "--per-row", 5, *many)
prefix = tmp("")
run("pdftoppm", "-r", 150, "-png", pdf, prefix)
pages = sorted(WORK.glob(prefix.name + "*.png"))
check(len(pages) >= 2, "45 labels at 5 per row fit on %d page(s)" % len(pages))
got = sorted(d for p in pages for d in zbar(p))
want = sorted(("https://id.gs1.org/01/09506000134352/21/S%05d" % i).encode() for i in range(45))
check(got == want, "multi-page PDF: %d of 45 codes read" % len(set(got) & set(want)))

# ---- the CLI's own outputs ----

png, svg = tmp(".png"), tmp(".svg")
run(TRACE, "qr", DIGITAL_LINKS[0], "--png", png, "--ecc", "Q", "--module", 5)
run(TRACE, "qr", "(01)09506000134352(17)201225(10)ABC123(21)XYZ", "--svg", svg)
expect_qr([png], DIGITAL_LINKS[0], False, "trace qr --png")
expect_qr([svg_to_png(svg, 1)], ELEMENT_STRINGS["(01)09506000134352(17)201225(10)ABC123(21)XYZ"], True,
          "trace qr element string --svg")
r = run(TRACE, "qr", DIGITAL_LINKS[0], "--text")
txt = tmp(".txt")
txt.write_bytes(r.stdout)
expect_qr([text_to_pgm(txt, False)], DIGITAL_LINKS[0], False, "trace qr --text")
dm = tmp(".png")
run(TRACE, "datamatrix", "(01)09506000134352(17)201225(10)ABC123(21)XYZ", "--png", dm, "--module", 5)
check(dmtx(dm, True) == (GS + ELEMENT_STRINGS["(01)09506000134352(17)201225(10)ABC123(21)XYZ"]).encode(),
      "trace datamatrix element string")
r = run(TRACE, "qr", "(01)123", "--png", tmp(".png"), ok=False)
check(r.returncode == 2 and b"(01)" in r.stderr, "bad element string: exit %d, %r" % (r.returncode, r.stderr))
r = run(TRACE, "qr", "x", "--png", "a", "--svg", "b", ok=False)
check(r.returncode == 2, "two outputs accepted")

shutil.rmtree(WORK)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
