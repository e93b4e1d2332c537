#!/bin/sh
# Debian's native build of the same awk (package original-awk 2022-09-12-1), copied as it is:
# a declared candidate that compares the WASI reference with the native program.
set -eu
awk=/usr/bin/original-awk
if [ ! -x "$awk" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "awk: installing the Debian package original-awk" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y --no-install-recommends original-awk >&2 ||
            { apt-get update >&2 && apt-get install -y --no-install-recommends original-awk >&2; }
    else
        echo "awk: $awk is missing; install the Debian package: apt-get install original-awk" >&2
        exit 3
    fi
fi
version=$("$awk" --version)
if [ "$version" != "awk version 20220912" ]; then
    echo "awk: $awk is \"$version\", expected \"awk version 20220912\"" >&2
    exit 1
fi
cp "$awk" "$CLEANROOM_OUT"
chmod 755 "$CLEANROOM_OUT"
