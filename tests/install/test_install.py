#!/usr/bin/python3
"""`meson install` into a staging directory, then use what was installed.

Usage: test_install.py BUILDDIR PREFIX LIBDIR INCLUDEDIR BINDIR MANDIR PROG_C CC...

Checks what a packager and a user rely on: the headers, the .pc file, the
shared library, the static archive, the tool and its man page land under
the prefix; a program compiled with `pkg-config --cflags --libs` runs
against the installed shared library (not the build tree's); the same
program linked against libtrace.a with `pkg-config --static --libs` needs
no libtrace.so at run time; and the installed tool starts without any
LD_LIBRARY_PATH.
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(cmd, env=None, cwd=None):
    r = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        fail("%s exited %d:\n%s" % (shlex.join(cmd), r.returncode, r.stdout))
    return r.stdout


def under(root, path):
    return os.path.join(root, path.lstrip("/"))


def needed(path):
    out = run(["readelf", "-d", path])
    return [l.split("[", 1)[1].rstrip("]") for l in out.splitlines() if "(NEEDED)" in l], out


def loaded_from(out):
    first = out.splitlines()[0] if out else ""
    if " from " not in first:
        fail("the program printed no library path:\n" + out)
    return first.split(" from ", 1)[1]


def main():
    build, prefix, libdir, includedir, bindir, mandir, prog_c = sys.argv[1:8]
    cc = sys.argv[8:]
    rel = lambda d: d if os.path.isabs(d) else os.path.join(prefix, d)
    libdir, includedir, bindir, mandir = map(rel, (libdir, includedir, bindir, mandir))

    tmp = tempfile.mkdtemp(prefix="libtrace-install-")
    try:
        stage = os.path.join(tmp, "stage")
        run(["meson", "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", stage])

        lib = under(stage, libdir)
        for path in [under(stage, includedir) + "/trace/trace.h", lib + "/pkgconfig/libtrace.pc",
                     lib + "/libtrace.so.1", lib + "/libtrace.a", under(stage, bindir) + "/trace",
                     under(stage, mandir) + "/man1/trace.1"]:
            if not os.path.exists(path):
                fail("not installed: " + path[len(stage):])
        for path in [under(stage, includedir) + "/trace/../util", under(stage, includedir) + "/log_internal.h"]:
            if os.path.exists(path):
                fail("an internal header was installed: " + path[len(stage):])

        # pkg-config reads the staged .pc; the sysroot maps its /usr/local
        # paths into the staging directory, as for a DESTDIR package build.
        env = dict(os.environ, PKG_CONFIG_PATH=lib + "/pkgconfig", PKG_CONFIG_SYSROOT_DIR=stage)
        env.pop("LD_LIBRARY_PATH", None)
        pc = lambda *a: shlex.split(run(["pkg-config"] + list(a) + ["libtrace"], env=env))
        cflags = pc("--cflags")
        if not any(f.startswith("-I" + stage) for f in cflags):
            fail("pkg-config --cflags does not point at the installed headers: %s" % cflags)

        strict = ["-std=c11", "-Wall", "-Wextra", "-Werror"]
        shared = os.path.join(tmp, "prog-shared")
        run(cc + strict + [prog_c, "-o", shared] + cflags + pc("--libs") + ["-ldl"])
        libs, _ = needed(shared)
        if "libtrace.so.1" not in libs:
            fail("the shared program does not need libtrace.so.1: %s" % libs)
        out = run([shared, os.path.join(tmp, "log-shared")], env=dict(env, LD_LIBRARY_PATH=lib))
        if os.path.dirname(os.path.realpath(loaded_from(out))) != os.path.realpath(lib):
            fail("the shared program did not load the installed library:\n" + out)

        # Static: libtrace.a in place of -ltrace, everything else as
        # `pkg-config --static` lists it (Debian ships no libqrencode.a, so
        # the system libraries stay shared).
        static_libs = pc("--static", "--libs")
        if "-ltrace" not in static_libs:
            fail("pkg-config --static --libs has no -ltrace: %s" % static_libs)
        static_libs = [lib + "/libtrace.a" if f == "-ltrace" else f for f in static_libs]
        static = os.path.join(tmp, "prog-static")
        run(cc + strict + [prog_c, "-o", static] + cflags + static_libs + ["-ldl"])
        libs, _ = needed(static)
        if any(l.startswith("libtrace") for l in libs):
            fail("the static program still needs %s" % libs)
        out = run([static, os.path.join(tmp, "log-static")], env=env)
        if os.path.basename(loaded_from(out)) != "prog-static":
            fail("the static program did not run on its own copy:\n" + out)

        # The tool, with no LD_LIBRARY_PATH: its RUNPATH finds the library
        # (under /usr, where it has none, the system's path does).
        tool = under(stage, bindir) + "/trace"
        if prefix != "/usr":
            _, dyn = needed(tool)
            out = run([tool, "--version"], env=env)
            if not out.startswith("trace (libtrace) "):
                fail("trace --version printed %r" % out)
            ldd = run(["ldd", tool], env=env)
            line = [l for l in ldd.splitlines() if "libtrace.so.1 =>" in l]
            if not line or os.path.dirname(os.path.realpath(line[0].split("=>")[1].split()[0])) != os.path.realpath(lib):
                fail("the installed tool does not load the installed library:\n" + ldd + dyn)
        man = run(["man", "-l", "-P", "cat", under(stage, mandir) + "/man1/trace.1"],
                  env=dict(env, MANWIDTH="80", MAN_DISABLE_SECCOMP="1"))
        if "trace ledger init" not in man:
            fail("the installed man page does not render:\n" + man[:400])
        print("installed, built against and ran: shared, static, tool, man page")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
