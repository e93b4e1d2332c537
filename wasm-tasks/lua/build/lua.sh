#!/bin/sh
# Lua 5.4.8 for WASI: the official sources bundled in PyPI's lupa 2.8 sdist
# (third-party/lua54), built with Cleanroom's C toolchain (needs wasi-c). Lua's error
# handling uses setjmp/longjmp, which the toolchain maps to Wasm exceptions.
#
# LUA_VARIANT=rep-off-by-one (wrong.sh) builds the intentionally wrong candidate.
set -eu
. "$CLEANROOM_WASI_C/env.sh"

url=https://files.pythonhosted.org/packages/c3/a6/0f869fbb07c393f15473b1eefefb7b5bec162fb7481803d040ed4dc46002/lupa-2.8.tar.gz
sha256=d8022641b9ec8ecf2c5ecbe9f47e5a70e0b87c4b5ae921b92cb02a638e0acd08
archive="$CLEANROOM_DOWNLOADS/lupa-2.8.tar.gz"
if [ ! -f "$archive" ] || ! echo "$sha256  $archive" | sha256sum -c --status; then
    echo "fetching lupa-2.8.tar.gz from PyPI" >&2
    curl -sSfL --retry 3 -o "$archive.part" "$url"
    echo "$sha256  $archive.part" | sha256sum -c --status ||
        { echo "lupa-2.8.tar.gz: SHA-256 mismatch (want $sha256)" >&2; rm -f "$archive.part"; exit 1; }
    mv "$archive.part" "$archive"
fi

cd "$CLEANROOM_SCRATCH"
tar xzf "$archive" lupa-2.8/third-party/lua54
cd lupa-2.8/third-party/lua54
grep -q 'define LUA_VERSION_RELEASE	"8"' lua.h || { echo "lua: not Lua 5.4.8" >&2; exit 1; }
if [ "${LUA_VARIANT:-}" = rep-off-by-one ]; then
    # The wrong candidate: string.rep(s, 1) returns "" (a one-character change).
    sed -i 's/if (n <= 0)$/if (n <= 1)/' lstrlib.c
    grep -q 'if (n <= 1)$' lstrlib.c
fi
# Every source but the test library (ltests.c) and the amalgamation (onelua.c).
# LUA_USE_POSIX: stdin is a terminal only when isatty says so (not always, as in ISO mode),
# so `lua < script` runs the script; popen and mkstemp exist and fail at run time.
sources=$(ls *.c | grep -v -e '^ltests.c$' -e '^onelua.c$')
# shellcheck disable=SC2086
$CC $CFLAGS -DLUA_USE_POSIX -w -o lua.wasm $sources $LDFLAGS -lm
cp lua.wasm "$CLEANROOM_OUT"
