#!/usr/bin/env python3
"""Make TorchSharp's libLibTorchSharp.so load on a libstdc++ older than GCC 13.

Only needed where the system libstdc++ lacks GLIBCXX_3.4.32 (Debian 12): there the loader
refuses libLibTorchSharp.so for ONE symbol, std::ios_base_library_init(). We
  1. mark the GLIBCXX_3.4.32 version reference weak (VER_FLG_WEAK in .gnu.version_r), so a
     missing version is no longer fatal, and
  2. add a tiny shim library that defines the symbol (patchelf --add-needed, rpath $ORIGIN).
Idempotent; does nothing where the system libstdc++ already has the version.
Usage: patch.py NATIVE_DIR SHIM_SOURCE
"""
import ctypes.util, os, struct, subprocess, sys

VERSION = b"GLIBCXX_3.4.32"
VER_FLG_WEAK = 0x2
SHIM = "libstreamscoring_glibcxx_shim.so"


def system_has_version():
    for path in ("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"):
        if os.path.exists(path):
            with open(path, "rb") as f:
                return VERSION in f.read()
    return True  # unknown layout: do not touch the library


def weaken(path):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2:
            sys.exit(f"{path}: not a 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        SHT_GNU_verneed = 0x6FFFFFFE
        changed = False
        for name, stype, flags, addr, off, size, link, info, align, entsize in sections:
            if stype != SHT_GNU_verneed:
                continue
            stroff = sections[link][4]
            vn = off
            for _ in range(info):
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, vn)
                va = vn + aux
                for _ in range(cnt):
                    _, vflags, _, vname, vnext = struct.unpack_from("<IHHII", data, va)
                    end = data.index(b"\0", stroff + vname)
                    if bytes(data[stroff + vname:end]) == VERSION and not vflags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, va + 4, vflags | VER_FLG_WEAK)
                        changed = True
                    va += vnext
                vn += nxt
        if changed:
            f.seek(0)
            f.write(data)
        return changed


def main():
    native_dir, shim_source = sys.argv[1], sys.argv[2]
    target = os.path.join(native_dir, "libLibTorchSharp.so")
    if not os.path.exists(target) or system_has_version():
        return
    shim = os.path.join(native_dir, SHIM)
    if not os.path.exists(shim):
        subprocess.run(["g++", "-shared", "-fPIC", "-O2", "-o", shim, shim_source], check=True)
    weaken(target)
    needed = subprocess.run(["patchelf", "--print-needed", target], check=True, capture_output=True, text=True).stdout.split()
    if SHIM not in needed:
        subprocess.run(["patchelf", "--add-needed", SHIM, target], check=True)
        rpath = subprocess.run(["patchelf", "--print-rpath", target], check=True, capture_output=True, text=True).stdout.strip()
        if "$ORIGIN" not in rpath.split(":"):
            subprocess.run(["patchelf", "--set-rpath", "$ORIGIN" + (":" + rpath if rpath else ""), target], check=True)
    print(f"patched {target} for a libstdc++ without {VERSION.decode()}")


if __name__ == "__main__":
    main()
