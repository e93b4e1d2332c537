#!/bin/sh
# Builds what the page loads: judge.wasm (the CLI's comparison code, crates/judge-wasm,
# for wasm32-unknown-unknown) and the bundled tasks (cleanroom export-web → tasks/).
# Usage: sh web-demo/build.sh [TASK_DIR...]   (default: wasm-tasks/wordfreq wasm-tasks/dice)
# CLEANROOM: the cleanroom command to use (default: cargo run --release --quiet --).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${CARGO_TARGET_DIR:-$root/target}

if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
cargo build --quiet --manifest-path "$root/Cargo.toml" -p cleanroom-judge-wasm \
    --target wasm32-unknown-unknown --profile web
cp "$target/wasm32-unknown-unknown/web/cleanroom_judge_wasm.wasm" "$here/judge.wasm"

if [ "$#" -eq 0 ]; then
    set -- "$root/wasm-tasks/wordfreq" "$root/wasm-tasks/dice"
fi
cd "$root"
${CLEANROOM:-cargo run --release --quiet --} export-web "$@" --out "$here/tasks"
echo "built $here/judge.wasm and $here/tasks/; serve $here with any static file server" >&2
