#!/bin/sh
# GNU bc 1.07.1 for WASI, from Debian's source package bc 1.07.1-3 (the source of the native
# reference) with Debian's patches, cross-built with Cleanroom's C toolchain (needs wasi-c).
#
# bc compiles its math library (libmath.b) with a bootstrap bc, `fbc`, at build time. In a
# cross build fbc is a wasm module too; we run it with Node's WASI (`node`, Node >= 20), which
# suffices because bc uses no exceptions.
#
# Environment (set by cleanroom): CLEANROOM_OUT, CLEANROOM_SCRATCH, CLEANROOM_DOWNLOADS,
# CLEANROOM_JOBS, CLEANROOM_WASI_C. BC_VARIANT=lowercase-hex (wrong.sh) makes the wrong
# candidate.
set -eu
here=$(pwd)
. "$here/fetch.sh"
. "$CLEANROOM_WASI_C/env.sh"
command -v node >/dev/null 2>&1 || { echo "bc: node (Node.js >= 20) is needed to run the bootstrap fbc" >&2; exit 3; }

orig=$(fetch b/bc bc_1.07.1.orig.tar.gz 62adfca89b0a1c0164c2cdca59ca210c1d44c3ffc46daf9931cf4942664cb02a)
debian=$(fetch b/bc bc_1.07.1-3.debian.tar.xz 6df0a810e2f1baad5d54ff93dba7ef1cb168ab5546983156f44dd554850576bc)

cd "$CLEANROOM_SCRATCH"
tar xzf "$orig"
tar xJf "$debian"
cd bc-1.07.1
# Debian's patches that change the program (the others touch only docs or the Makefile.am,
# whose change would need automake and changes nothing built here).
for patch in 01_typo_in_bc.diff 05_notice_read_write_errors.diff; do
    patch -s -p1 < "../debian/patches/$patch"
done
# The generated parser and scanner are shipped and patched alongside their sources; keep
# make from regenerating them (which would need bison and flex).
touch bc/bc.c bc/bc.h bc/scan.c
if [ "${BC_VARIANT:-}" = lowercase-hex ]; then
    # The intentionally wrong candidate: digits above 9 print in lowercase.
    sed -i 's/"0123456789ABCDEF"/"0123456789abcdef"/' lib/number.c
    grep -q '"0123456789abcdef"' lib/number.c
fi

# Debian's CFLAGS (debian/rules): POSIX names, DOT_IS_LAST, DONTEXIT.
./configure --host="$CLEANROOM_WASI_HOST" --without-readline --without-libedit \
    CFLAGS="$CFLAGS -w -D_POSIX_SOURCE -DDOT_IS_LAST -DDONTEXIT" > configure.log 2>&1 ||
    { tail -n 30 configure.log >&2; exit 1; }
make -s -C lib -j"$CLEANROOM_JOBS" >&2

# The bootstrap: build fbc (bc with an empty library) as wasm, run it on libmath.b.
cd bc
fbc_objects="main.o bc.o scan.o execute.o load.o storage.o util.o warranty.o"
# shellcheck disable=SC2086
make -s -j"$CLEANROOM_JOBS" $fbc_objects >&2
echo '{0}' > libmath.h   # newer than everything it depends on, so make keeps it
make -s global.o >&2
# shellcheck disable=SC2086
$CC $CFLAGS -o fbc.wasm $fbc_objects global.o ../lib/libbc.a $LDFLAGS
rm -f global.o
cat > run-fbc.mjs <<'JS'
import { WASI } from "node:wasi";
import { readFileSync } from "node:fs";
const wasi = new WASI({ version: "preview1", args: ["fbc", "-c", "libmath.b"],
  preopens: { ".": "." }, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync("fbc.wasm"));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
JS
node --no-warnings run-fbc.mjs < /dev/null > libmath.raw
# What bc's fix-libmath_h does with ed (not always installed): quote each line as a C string,
# drop the last line, end the initialiser with 0}.
awk '{ line[NR] = $0 }
     END { for (i = 1; i < NR; i++) {
             l = (i == 1 ? "{\"" : "\"") line[i] "\",";
             if (i == NR - 1) sub(/,$/, ",0}", l);
             print l } }' libmath.raw > libmath.h
grep -q '^"' libmath.h || { echo "bc: the bootstrap produced no library:" >&2; head libmath.h >&2; exit 1; }
make -s -j"$CLEANROOM_JOBS" bc >&2
cp bc "$CLEANROOM_OUT"
