#!/bin/sh
# Builds jaq 3.1.2 — an independent Rust implementation of jq — for wasm32-wasip1, as a
# declared candidate of the jq task (see docs/studies/jaq-vs-jq.md).
#
# `cargo install jaq@3.1.2` cannot be used as is: its default feature pulls mimalloc (C
# code), and it asks rustyline for "with-file-history", which needs fd-lock, a crate
# without WASI support. The file history only serves jaq's interactive REPL, so this
# script unpacks the published crate, drops that one feature, and builds without default
# features. The crate comes through cargo's own registry client and is checked against
# its pinned SHA-256.
set -eu

VERSION=3.1.2
SHA256=f686343ddd30a3cb6028299b080fb135480532e74b5f6628362c11fdb52f7d22

: "${CLEANROOM_OUT:?}" "${CLEANROOM_SCRATCH:?}"
JOBS="${CLEANROOM_JOBS:-2}"
CARGO="${CARGO:-cargo}"
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"

# 1. Fetch the published crate with cargo (a throwaway manifest that depends on it).
fetch="$CLEANROOM_SCRATCH/fetch"
mkdir -p "$fetch/src"
cat > "$fetch/Cargo.toml" <<TOML
[package]
name = "fetch-jaq"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
jaq = "=$VERSION"
TOML
echo 'fn main() {}' > "$fetch/src/main.rs"
(cd "$fetch" && "$CARGO" fetch --quiet)

crate=""
for candidate in "$CARGO_HOME"/registry/cache/*/jaq-$VERSION.crate; do
    [ -f "$candidate" ] && crate="$candidate"
done
[ -n "$crate" ] || { echo "cargo fetch left no jaq-$VERSION.crate" >&2; exit 1; }
if command -v sha256sum >/dev/null 2>&1; then
    actual=$(sha256sum "$crate" | cut -d' ' -f1)
else
    actual=$(shasum -a 256 "$crate" | cut -d' ' -f1)
fi
[ "$actual" = "$SHA256" ] || { echo "jaq-$VERSION.crate: SHA-256 $actual, expected $SHA256" >&2; exit 1; }

# 2. Unpack and drop rustyline's file history (fd-lock does not build for WASI).
tar -xzf "$crate" -C "$CLEANROOM_SCRATCH"
src="$CLEANROOM_SCRATCH/jaq-$VERSION"
sed '/^features = \["with-file-history"\]$/d' "$src/Cargo.toml" > "$src/Cargo.toml.patched"
mv "$src/Cargo.toml.patched" "$src/Cargo.toml"
if grep -q 'with-file-history' "$src/Cargo.toml"; then
    echo "could not remove rustyline's with-file-history feature" >&2
    exit 1
fi

# 3. Build. The published Cargo.lock pins every version; cargo only prunes fd-lock from it.
# Like the C reference (linked with a 32 MiB stack), jaq gets a 32 MiB stack: Rust's
# default 1 MiB for wasm32 overflows on the deeply nested inputs a native jaq handles.
(
    cd "$src"
    unset CARGO_BUILD_TARGET
    RUSTFLAGS="-C link-arg=-zstack-size=33554432"
    export RUSTFLAGS
    CARGO_TARGET_DIR="$CLEANROOM_SCRATCH/target" \
    CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=debuginfo \
    "$CARGO" build --release --target wasm32-wasip1 --no-default-features --bin jaq -j "$JOBS"
)
cp "$CLEANROOM_SCRATCH/target/wasm32-wasip1/release/jaq.wasm" "$CLEANROOM_OUT"
