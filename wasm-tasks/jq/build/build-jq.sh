# Builds jq 1.8.2 (the C jq, with its bundled oniguruma) as a WASI command module.
# Shared by reference.sh and the declared wrong candidate; run with `sh`, not directly.
#
# Source: the PyPI sdist jq==1.13.0 (the Python binding), which bundles
# deps/jq-1.8.2.tar.gz, jq's own release tarball. Both are checked by sha256.
# Environment (the build contract, docs/task-format.md): CLEANROOM_OUT, CLEANROOM_SCRATCH,
# CLEANROOM_DOWNLOADS, CLEANROOM_JOBS, CLEANROOM_WASI_C; JQ_VARIANT selects a patch
# ("" for the reference).
set -eu

HERE=$(pwd)
SDIST=jq-1.13.0.tar.gz
SDIST_URL=https://files.pythonhosted.org/packages/67/67/bd53dc762c2e7728b7b32bdbe59ecb74ae6bc6b7609e5063e6e44553b44f/jq-1.13.0.tar.gz
SDIST_SHA256=e62bdddeab3b8a0a404581a7bb6f1e8c4cc6082280870031f746074f4cac52c0
JQ_SHA256=71b8d6e8f5fe81f6c6d0d110e3892251f6ce76ed095abd315e26e6e1193af3af
# jq's deepest tests (10,000 nested arrays) recurse through the parser and printer.
STACK_BYTES=33554432

: "${CLEANROOM_OUT:?}" "${CLEANROOM_SCRATCH:?}" "${CLEANROOM_WASI_C:?this build needs the wasi-c toolchain}"
DOWNLOADS=${CLEANROOM_DOWNLOADS:-$CLEANROOM_SCRATCH/downloads}
JOBS=${CLEANROOM_JOBS:-2}
VARIANT=${JQ_VARIANT:-}
mkdir -p "$DOWNLOADS"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

fetch() { # url file sha256
    if [ -f "$2" ] && [ "$(sha256_of "$2")" = "$3" ]; then return 0; fi
    echo "downloading $1" >&2
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 -o "$2.part" "$1"
    else
        python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2.part"
    fi
    got=$(sha256_of "$2.part")
    if [ "$got" != "$3" ]; then
        echo "sha256 mismatch for $1: got $got, want $3" >&2
        rm -f "$2.part"
        exit 1
    fi
    mv "$2.part" "$2"
}

fetch "$SDIST_URL" "$DOWNLOADS/$SDIST" "$SDIST_SHA256"

cd "$CLEANROOM_SCRATCH"
tar xzf "$DOWNLOADS/$SDIST" jq-1.13.0/deps/jq-1.8.2.tar.gz
if [ "$(sha256_of jq-1.13.0/deps/jq-1.8.2.tar.gz)" != "$JQ_SHA256" ]; then
    echo "the sdist's bundled jq-1.8.2.tar.gz has an unexpected sha256" >&2
    exit 1
fi
tar xzf jq-1.13.0/deps/jq-1.8.2.tar.gz
cd jq-1.8.2

case "$VARIANT" in
    "") ;;
    byte-length)
        # A realistic bug: `length` of a string counts UTF-8 bytes, not codepoints.
        sed -i 's/return jv_number(jv_string_length_codepoints(input));/return jv_number(jv_string_length_bytes(input));/' src/builtin.c
        grep -q 'jv_number(jv_string_length_bytes(input))' src/builtin.c ;;
    *) echo "unknown JQ_VARIANT $VARIANT" >&2; exit 1 ;;
esac

. "$CLEANROOM_WASI_C/env.sh"

# Workaround for the toolchain's realpath stub (see realpath.c): our own, renamed into jq.
$CC ${CFLAGS:-} -c "$HERE/realpath.c" -o "$CLEANROOM_SCRATCH/realpath.o"
$AR rcs "$CLEANROOM_SCRATCH/libjqrealpath.a" "$CLEANROOM_SCRATCH/realpath.o"

./configure --host="${CLEANROOM_WASI_HOST:-wasm32-unknown-wasi}" \
    --with-oniguruma=builtin --disable-docs --disable-shared --enable-static \
    --disable-maintainer-mode --disable-valgrind \
    CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="${CFLAGS:-} -O2 -Drealpath=cleanroom_realpath" \
    LIBS="-L$CLEANROOM_SCRATCH -ljqrealpath" \
    LDFLAGS="${LDFLAGS:-} -Wl,--stack-first -Wl,-z,stack-size=$STACK_BYTES" \
    >configure.log 2>&1 || { tail -40 configure.log >&2; cat config.log | tail -60 >&2; exit 1; }
make -j"$JOBS" >make.log 2>&1 || { tail -60 make.log >&2; exit 1; }

cp jq "$CLEANROOM_OUT"
