#!/bin/sh
# The reference: Debian's native GNU bc 1.07.1 (package `bc`), copied as it is. Installs the
# package with apt-get when it is missing and we are root.
set -eu
bc=/usr/bin/bc
want="bc 1.07.1"
if [ ! -x "$bc" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bc: installing the Debian package bc" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y --no-install-recommends bc >&2 ||
            { apt-get update >&2 && apt-get install -y --no-install-recommends bc >&2; }
    else
        echo "bc: $bc is missing; install the Debian package: apt-get install bc" >&2
        exit 3
    fi
fi
version=$("$bc" --version | head -n 1)
if [ "$version" != "$want" ]; then
    echo "bc: $bc is \"$version\", the reference must be \"$want\" (Debian 12's bc)" >&2
    exit 1
fi
cp "$bc" "$CLEANROOM_OUT"
chmod 755 "$CLEANROOM_OUT"
echo "bc: reference is $bc ($version, $(dpkg-query -W -f='${Version}' bc 2>/dev/null || echo 'version unknown'))" >&2
