#!/usr/bin/python3
"""docs/trace.1 describes every command and option of the trace tool.

Usage: check_manpage.py TRACE_TOOL MAN_PAGE TOOL_SOURCE...

Commands come from `trace --help`, options from the "--name" literals of
the tool's sources, so a new command or option without its man-page line
fails here.
"""
import re
import subprocess
import sys

tool, page, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(page, encoding="utf-8").read()
# Plain text of the roff source: no font escapes, "\-" is "-".
plain = re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-")

usage = subprocess.run([tool, "--help"], stdout=subprocess.PIPE, text=True, check=True).stdout
commands = re.findall(r"^  (\S+) ", usage.split("commands:", 1)[1], re.M)
if len(commands) < 10:
    sys.exit("FAIL: found only %s in `trace --help`:\n%s" % (commands, usage))
options = set()
for src in sources:
    options |= set(re.findall(r'"(--[a-z][a-z0-9-]*)"', open(src, encoding="utf-8").read()))

missing = ["command `trace %s`" % c for c in commands if not re.search(r"^\.B trace %s\b" % re.escape(c), plain, re.M)]
missing += ["option `%s`" % o for o in sorted(options) if not re.search(re.escape(o) + r"(?![a-z0-9-])", plain)]
if missing:
    sys.exit("FAIL: %s does not describe:\n  %s" % (page, "\n  ".join(missing)))
print("%s describes %d commands and %d options" % (page, len(commands), len(options)))
