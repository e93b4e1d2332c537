#!/bin/sh
# The one true awk (Brian Kernighan's awk, version 20220912) for WASI, from Debian's source
# package original-awk 2022-09-12-1 (its patches touch only the manual page), built with
# Cleanroom's C toolchain (needs wasi-c). awk recovers from errors with setjmp/longjmp, which
# the toolchain maps to Wasm exceptions.
#
# Build tools on the host: bison (the grammar; installed with apt-get when missing and root)
# and the host C compiler `cc` for maketab, a generator that runs at build time.
# AWK_VARIANT=substr-off-by-one (wrong.sh) builds the intentionally wrong candidate.
set -eu
. "$CLEANROOM_WASI_C/env.sh"

if ! command -v bison >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "awk: installing the Debian package bison" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bison >&2 ||
            { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bison >&2; }
    else
        echo "awk: bison is missing; install it: apt-get install bison" >&2
        exit 3
    fi
fi
command -v cc >/dev/null 2>&1 || { echo "awk: a host C compiler (cc) is needed for maketab" >&2; exit 3; }

name=original-awk_2022-09-12.orig.tar.gz
sha256=25e0846d5a4a20e90304bee282b068f65966406178a1e737fa0ac6744aef71d9
archive="$CLEANROOM_DOWNLOADS/$name"
if [ ! -f "$archive" ] || ! echo "$sha256  $archive" | sha256sum -c --status; then
    echo "fetching $name from Debian" >&2
    curl -sSfL --retry 3 -o "$archive.part" "https://deb.debian.org/debian/pool/main/o/original-awk/$name"
    echo "$sha256  $archive.part" | sha256sum -c --status ||
        { echo "$name: SHA-256 mismatch (want $sha256)" >&2; rm -f "$archive.part"; exit 1; }
    mv "$archive.part" "$archive"
fi

cd "$CLEANROOM_SCRATCH"
tar xzf "$archive"
cd original-awk-2022-09-12
if [ "${AWK_VARIANT:-}" = substr-off-by-one ]; then
    # The wrong candidate: substr(s, m) starts one character late when m > 1.
    sed -i 's/^\tm = (int) getfval(y);$/\tm = (int) getfval(y); if (m > 1) m++;/' run.c
    grep -q 'if (m > 1) m++;' run.c
fi
bison -d awkgram.y >&2
cc -O2 maketab.c -o maketab
./maketab awkgram.tab.h > proctab.c
# shellcheck disable=SC2086
$CC $CFLAGS -w -o awk.wasm awkgram.tab.c b.c main.c parse.c proctab.c tran.c lib.c run.c lex.c $LDFLAGS -lm
cp awk.wasm "$CLEANROOM_OUT"
