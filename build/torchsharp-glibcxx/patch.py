#!/usr/bin/env python3
"""Make TorchSharp's libLibTorchSharp.so load on a libstdc++ older than GCC 13.

Only needed where the system libstdc++ lacks GLIBCXX_3.4.32 (Debian 12, GCC 12): there the
loader refuses libLibTorchSharp.so for ONE symbol, std::ios_base_library_init(). GCC 13's
<iostream> emits only `.globl _ZSt21ios_base_library_initv` for it (a version dependency, so
that the program runs against a libstdc++ that initialises the standard streams itself); no
instruction calls it and no relocation names it. Hence marking the GLIBCXX_3.4.32 version
reference weak (VER_FLG_WEAK in .gnu.version_r) is all the loader needs: glibc ignores a
missing weak version, and a symbol that no relocation names is never looked up. The standard
streams are still initialised: libc10.so and libtorch_cpu.so, which load first, run
std::ios_base::Init::Init() in their own constructors.

This is done in pure Python on the ELF file, so a fresh machine needs no patchelf or g++.
The script checks the claim above on the file itself: if any relocation names a symbol bound
to the missing version (a future TorchSharp), it falls back to linking a shim library that
defines the symbol (needs g++ and patchelf; SHIM_SOURCE) and says so if they are missing.

Idempotent; does nothing where the system libstdc++ already has the version.
Usage: patch.py NATIVE_DIR [SHIM_SOURCE]
"""
import os, shutil, struct, subprocess, sys

VERSION = b"GLIBCXX_3.4.32"
VER_FLG_WEAK = 0x2
SHT_RELA, SHT_REL, SHT_DYNSYM = 4, 9, 11
SHT_GNU_versym, SHT_GNU_verneed = 0x6FFFFFFF, 0x6FFFFFFE
SHIM = "libstreamscoring_glibcxx_shim.so"
LIBSTDCXX = ("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6")


def system_has_version():
    for path in LIBSTDCXX:
        if os.path.exists(path):
            with open(path, "rb") as f:
                return VERSION in f.read()
    return True  # unknown layout: do not touch the library


class Elf:
    """The few section-level facts of a 64-bit little-endian ELF file that the patch needs."""

    def __init__(self, data, path):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit(f"{path}: not a 64-bit little-endian ELF file")
        self.data = data
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        # (type, offset, size, link, info, entsize) per section header
        self.sections = [struct.unpack_from("<4xI16xQQII8xQ", data, shoff + i * shentsize) for i in range(shnum)]

    def of_type(self, stype):
        return [s for s in self.sections if s[0] == stype]

    def string(self, section_index, offset):
        start = self.sections[section_index][1] + offset
        return bytes(self.data[start:self.data.index(b"\0", start)])

    def version_refs(self, name):
        """(offset of the Vernaux entry, its flags, its version index) for each reference to `name`."""
        for _, off, _, link, info, _ in self.of_type(SHT_GNU_verneed):
            vn = off
            for _ in range(info):
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", self.data, vn)
                va = vn + aux
                for _ in range(cnt):
                    _, flags, other, vname, vnext = struct.unpack_from("<IHHII", self.data, va)
                    if self.string(link, vname) == name:
                        yield va, flags, other & 0x7FFF
                    va += vnext
                vn += nxt

    def symbols_with_version(self, index):
        """Indexes of the .dynsym entries whose .gnu.version entry is `index`."""
        for _, off, size, _, _, _ in self.of_type(SHT_GNU_versym):
            for i in range(size // 2):
                if struct.unpack_from("<H", self.data, off + 2 * i)[0] & 0x7FFF == index:
                    yield i

    def relocated_symbols(self):
        """Indexes of the dynamic symbols that some relocation names (what the loader looks up)."""
        dynsym = [i for i, s in enumerate(self.sections) if s[0] == SHT_DYNSYM]
        found = set()
        for stype, off, size, link, _, entsize in self.sections:
            if stype not in (SHT_RELA, SHT_REL) or link not in dynsym:
                continue
            entsize = entsize or (24 if stype == SHT_RELA else 16)
            for r in range(off, off + size, entsize):
                info, = struct.unpack_from("<Q", self.data, r + 8)
                found.add(info >> 32)
        return found


def replace_file(path, data):
    """Writes DATA as a new file that takes PATH's place. Never writes into PATH's inode: the build
    hard-links NuGet's files into bin/ (Directory.Build.props), so an in-place write would patch the
    package cache that every other project and checkout reads."""
    tmp = path + ".patching"
    with open(tmp, "wb") as f:
        f.write(data)
    shutil.copymode(path, tmp)
    os.replace(tmp, path)


def own_copy(path):
    """Gives PATH an inode of its own before a tool that edits in place (patchelf) touches it."""
    if os.stat(path).st_nlink > 1:
        with open(path, "rb") as f:
            replace_file(path, f.read())


def weaken(path):
    """Marks the VERSION reference weak; returns (whether the file changed, whether a relocation
    still names one of that version's symbols)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    elf = Elf(data, path)
    refs = list(elf.version_refs(VERSION))
    changed = False
    for va, flags, _ in refs:
        if not flags & VER_FLG_WEAK:
            struct.pack_into("<H", data, va + 4, flags | VER_FLG_WEAK)
            changed = True
    if changed:
        replace_file(path, data)
    versioned = {s for _, _, index in refs for s in elf.symbols_with_version(index)}
    return changed, bool(versioned & elf.relocated_symbols())


def add_shim(native_dir, target, shim_source):
    missing = [tool for tool in ("g++", "patchelf") if shutil.which(tool) is None]
    if missing or not shim_source:
        sys.exit(f"error: {target} calls a {VERSION.decode()} symbol that this libstdc++ lacks; "
                 f"run 'sudo apt-get install -y g++ patchelf' and build again")
    shim = os.path.join(native_dir, SHIM)
    if not os.path.exists(shim):
        subprocess.run(["g++", "-shared", "-fPIC", "-O2", "-o", shim, shim_source], check=True)
    own_copy(target)
    needed = subprocess.run(["patchelf", "--print-needed", target], check=True, capture_output=True, text=True).stdout.split()
    if SHIM not in needed:
        subprocess.run(["patchelf", "--add-needed", SHIM, target], check=True)
        rpath = subprocess.run(["patchelf", "--print-rpath", target], check=True, capture_output=True, text=True).stdout.strip()
        if "$ORIGIN" not in rpath.split(":"):
            subprocess.run(["patchelf", "--set-rpath", "$ORIGIN" + (":" + rpath if rpath else ""), target], check=True)


def main():
    native_dir = sys.argv[1]
    shim_source = sys.argv[2] if len(sys.argv) > 2 else None
    target = os.path.join(native_dir, "libLibTorchSharp.so")
    if not os.path.exists(target) or system_has_version():
        return
    changed, needs_symbol = weaken(target)
    if needs_symbol:
        add_shim(native_dir, target, shim_source)
        print(f"patched {target}: weak {VERSION.decode()} reference and a shim library")
    elif changed:
        print(f"patched {target}: its {VERSION.decode()} reference is weak (no relocation uses it)")


if __name__ == "__main__":
    main()
