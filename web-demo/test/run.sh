#!/bin/sh
# The web demo's browser test, end to end (what CI runs): Debian's Chromium (installed
# with apt-get when missing and root), playwright-core (npm ci when node_modules is
# missing), judge.wasm and the task bundles (build.sh), the CLI's JSON report of the
# same tasks, a filesystem-probe bundle, then `node --test`.
# CLEANROOM: the cleanroom command (default: cargo run --release --quiet --).
# Output (screenshots, reports, timings): $CLEANROOM_WEB_OUTPUT (default target/web-demo-test).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(dirname "$here")
out=${CLEANROOM_WEB_OUTPUT:-$root/target/web-demo-test}
chromium=${CHROMIUM:-/usr/lib/chromium/chromium}
cleanroom=${CLEANROOM:-cargo run --release --quiet --manifest-path $root/Cargo.toml --}
mkdir -p "$out"
started=$(date +%s)

if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "web-demo test: Chromium is missing; install it with: sudo apt-get install chromium" >&2
        exit 3
    fi
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && npm ci --no-audit --no-fund)
fi

CLEANROOM="$cleanroom" sh "$here/build.sh"

# The CLI's verdicts for the same tasks and candidates (one report per task), and the
# CLI's time per candidate (a whole `eval --only NAME` command, modules cached) to
# compare with the browser's.
cd "$root"
: > "$out/cli-times.txt"
for task in wordfreq dice; do
    $cleanroom eval "wasm-tasks/$task" --json "$out/cli-$task.json" --quiet >/dev/null
    for candidate in $(ls "$root/wasm-tasks/$task/candidates"); do
        t0=$(date +%s%N)
        $cleanroom eval "wasm-tasks/$task" --only "$candidate" --quiet >/dev/null
        t1=$(date +%s%N)
        echo "$task/$candidate $(( (t1 - t0) / 1000000 )) ms" >> "$out/cli-times.txt"
    done
done

# The filesystem probe (tests/guests/fsprobe) as a task: recorded by the CLI's in-memory
# filesystem, then replayed live in the browser against those expectations.
probe="$out/probe-task"
rm -rf "$probe" "$out/probe-bundle"
mkdir -p "$probe/tests"
cp -r "$root/tests/guests/fsprobe" "$probe/reference"
rm -rf "$probe/reference/target"
cat > "$probe/task.toml" <<'TOML'
id = "fsprobe"
program = "fsprobe"
summary = "Cleanroom's filesystem conformance probe: every WASI filesystem call, printed."

[reference]
cargo = "reference"
TOML
cat > "$probe/tests/probe.toml" <<'TOML'
[[case]]
name = "probe"

[case.files]
"input.txt" = "given\n"
"sub/nested.txt" = "nested\n"
TOML
# And tests/fixtures/time_and_random.wat (clocks, an hour-long sleep, random words).
clock="$out/clock-task"
rm -rf "$clock"
mkdir -p "$clock/tests"
cp "$root/tests/fixtures/time_and_random.wat" "$clock/ref.wat"
cat > "$clock/task.toml" <<'TOML'
id = "clockprobe"
program = "clockprobe"
summary = "Reads both clocks, sleeps an hour in virtual time, draws 16 random bytes."

[reference]
wasm = "ref.wat"
TOML
printf '[[case]]\nname = "one"\n\n[[case]]\nname = "two"\n' > "$clock/tests/cases.toml"
# And the sandbox's edge-case fixtures as candidates (traps, stack overflow, output
# flood, endless loop, disk quota, memory bomb, malformed WASI call, unknown import,
# not a module), each judged by the CLI and by the browser.
fixtures="$out/fixtures-task"
rm -rf "$fixtures"
mkdir -p "$fixtures/tests" "$fixtures/candidates"
cp "$root/tests/fixtures/time_and_random.wat" "$fixtures/ref.wat"
for name in recursion divide_by_zero flood bad_pointer unknown_import loop disk_fill memory_bomb; do
    cp "$root/tests/fixtures/$name.wat" "$fixtures/candidates/"
done
cp "$root/tests/fixtures/not_a_module.txt" "$fixtures/candidates/not_a_module.wasm"
cat > "$fixtures/task.toml" <<'TOML'
id = "fixtures"
program = "fixtures"
summary = "The sandbox's edge-case fixtures, judged against a reference that prints clocks and random words."

[reference]
wasm = "ref.wat"

[limits]
timeout_ms = 500
output_bytes = 4096
memory_mib = 16
disk_mib = 1
TOML
printf '[[case]]\nname = "one"\n' > "$fixtures/tests/cases.toml"

for task in "$probe" "$clock" "$fixtures"; do
    $cleanroom record "$task" >/dev/null
    $cleanroom export-web "$task" --out "$out/probe-bundle" >/dev/null
done
$cleanroom eval "$fixtures" --json "$out/cli-fixtures.json" --quiet >/dev/null

CLEANROOM_WEB_OUTPUT="$out" CHROMIUM="$chromium" node --test "$here"/test/*.test.mjs
echo "web-demo test: $(( $(date +%s) - started )) s in all; output in $out" >&2
