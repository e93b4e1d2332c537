#!/bin/sh
# Sets up Cleanroom's C-to-WASI toolchain in OUT_DIR: a sysroot made from Debian's
# wasi-libc plus our compat layer (compat/), and OUT_DIR/env.sh exporting CC, AR, RANLIB,
# CFLAGS, LDFLAGS, WASI_SJLJ_CFLAGS and CLEANROOM_WASI_HOST. See docs/c-toolchain.md.
#
#   sh toolchains/wasi-c/setup.sh OUT_DIR
#
# Idempotent: when OUT_DIR already holds a toolchain made from these very files with the same
# Debian packages, it says so and exits at once. Exit 3: Debian packages are missing and
# cannot be installed here (not root, or no apt-get); the message names them.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: sh setup.sh OUT_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
# CC holds the sysroot path and build scripts expand $CC unquoted: no blanks allowed.
case $out in
    *[[:space:]]*)
        echo "wasi-c: OUT_DIR must not contain blanks: $out" >&2
        exit 2
        ;;
esac

# The Debian packages and one file each that proves it is installed. Package names carry the
# LLVM major version (22: the first Debian LLVM whose wasm backend emits the standard
# exception-handling instructions that wasmtime runs).
PACKAGES="clang-22 lld-22 llvm-22 libclang-rt-22-dev-wasm32 wasi-libc"
package_file() {
    case $1 in
        clang-22) echo /usr/bin/clang-22 ;;
        lld-22) echo /usr/bin/wasm-ld-22 ;;
        llvm-22) echo /usr/bin/llvm-ar-22 ;;
        libclang-rt-22-dev-wasm32) echo /usr/lib/llvm-22/lib/clang/22/lib/wasi/libclang_rt.builtins-wasm32.a ;;
        wasi-libc) echo /usr/lib/wasm32-wasi/libc.a ;;
    esac
}
missing_packages() {
    for package in $PACKAGES; do
        [ -e "$(package_file "$package")" ] || printf '%s ' "$package"
    done
}

missing=$(missing_packages)
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "wasi-c: installing Debian packages: $missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086
        if ! apt-get install -y --no-install-recommends $missing >&2; then
            apt-get update >&2
            # shellcheck disable=SC2086
            apt-get install -y --no-install-recommends $missing >&2 || true
        fi
        missing=$(missing_packages)
    fi
    if [ -n "$missing" ]; then
        echo "wasi-c: missing Debian packages: $missing" >&2
        echo "wasi-c: install them with: apt-get install $missing" >&2
        exit 3
    fi
fi

versions=$(dpkg-query -W -f='${Package}=${Version}\n' $PACKAGES 2>/dev/null || true)
# The stamp: every file of this folder and the package versions. Same stamp, same toolchain.
stamp=$({
    cd "$here" && find . -type f ! -name '*~' | LC_ALL=C sort | xargs sha256sum
    echo "$versions"
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] && [ -f "$out/env.sh" ]; then
    echo "wasi-c: ready in $out" >&2
    exit 0
fi

echo "wasi-c: building the sysroot and compat layer in $out" >&2
echo "$versions" | sed 's/^/wasi-c: using /' >&2
rm -rf "$out/sysroot" "$out/build" "$out/env.sh" "$out/stamp"
triple=wasm32-wasip1
include="$out/sysroot/include/$triple"
lib="$out/sysroot/lib/$triple"
mkdir -p "$out/sysroot/include" "$out/sysroot/lib" "$out/build"

# Debian's wasi-libc, copied so that the sysroot is self-contained, then our headers.
cp -R /usr/include/wasm32-wasi "$include"
cp -R /usr/lib/wasm32-wasi "$lib"
cp -R "$here/compat/include/." "$include/"
# wasi-libc hides the prototypes of functions it lacks; declare ours where C expects them.
for pair in stdio.h:stdio.h stdlib.h:stdlib.h unistd.h:unistd.h sys/stat.h:sys_stat.h signal.h:signal.h; do
    header=${pair%%:*}
    printf '\n#include <__wasi_compat/%s>\n' "${pair#*:}" >> "$include/$header"
done

# CC: the target, the sysroot, the defines that unlock wasi-libc's emulations, setjmp/longjmp
# through Wasm exceptions (costs nothing in code that does not call setjmp), the stack first
# in memory (an overflow traps instead of overwriting data) with 8 MiB, and the libraries.
# Everything is in CC so that `$CC *.c -o prog.wasm` alone builds a program.
sjlj="-mllvm -wasm-enable-sjlj -mexception-handling -mllvm -wasm-use-legacy-eh=false"
defines="-D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_MMAN"
libs="-lwasi-compat -lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-getpid -lwasi-emulated-mman"
link="--no-wasm-opt -Wl,--stack-first -Wl,-z,stack-size=8388608"
cc="clang-22 --target=$triple --sysroot=$out/sysroot -Qunused-arguments $sjlj $defines $link $libs"

for source in "$here"/compat/src/*.c; do
    name=$(basename "$source" .c)
    # shellcheck disable=SC2086
    $cc -O2 -Wall -c "$source" -o "$out/build/$name.o"
done
llvm-ar-22 rcs "$lib/libwasi-compat.a" "$out/build"/*.o
rm -rf "$out/build"

cat > "$out/env.sh" <<EOF
# Cleanroom's C-to-WASI toolchain (made by toolchains/wasi-c/setup.sh). Source it: . env.sh
export CLEANROOM_WASI_C_SYSROOT='$out/sysroot'
export CC='$cc'
export CPP='$cc -E'
export AR='llvm-ar-22'
export RANLIB='llvm-ranlib-22'
export NM='llvm-nm-22'
export STRIP='true'
export CFLAGS='-O2'
export LDFLAGS=''
export WASI_SJLJ_CFLAGS='$sjlj'
export CLEANROOM_WASI_HOST='wasm32-unknown-wasi'
EOF

# A program that uses the compat layer must link, or the toolchain is not usable.
cat > "$out/check.c" <<'EOF'
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
static jmp_buf env;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init(void) { puts("once"); }
int main(void) {
    pthread_once(&once, init);
    if (setjmp(env) == 0) longjmp(env, 7);
    return popen("true", "r") == NULL ? 0 : 1;
}
EOF
# shellcheck disable=SC2086
$cc -O2 "$out/check.c" -o "$out/check.wasm"
rm -f "$out/check.c" "$out/check.wasm"

echo "$stamp" > "$out/stamp"
echo "wasi-c: ready in $out" >&2
