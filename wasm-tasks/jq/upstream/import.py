#!/usr/bin/env python3
"""Turns jq's own test suite (tests/*.test of jq 1.8.2) into a Cleanroom task, at set-up time.

jq's tests are third-party files (MIT), so they are not committed: this script fetches the
same pinned PyPI sdist the reference is built from (jq==1.13.0, sha256-checked), reads the
.test files inside its bundled jq-1.8.2.tar.gz and writes a generated task folder, by
default wasm-tasks/jq-upstream/ (it carries its own .gitignore, so git never sees it):

    python3 wasm-tasks/jq/upstream/import.py            # write wasm-tasks/jq-upstream/
    cleanroom record wasm-tasks/jq-upstream             # expectations from the reference
    python3 wasm-tasks/jq/upstream/import.py --check    # the reference vs jq's own answers
    cleanroom eval wasm-tasks/jq-upstream --all         # candidates against the recording

Each upstream test becomes one case that runs the jq command line the way jq's test runner
runs the filter: `jq -c -- PROGRAM` with the test's input line on stdin (plus `-L modules`
and jq's test modules as case files when the program imports modules, and PAGER=less for
man.test as jq's mantest script sets it). Tests marked %%FAIL are compile errors: their case
has no input. The expectations come from `cleanroom record`, like every case; jq's own
expected values are kept beside the cases in upstream-expected.json, and --check compares
the recording with them the way jq's runner does (JSON values, not bytes).
"""
import argparse
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
import tarfile
import urllib.request

SDIST = "jq-1.13.0.tar.gz"
SDIST_URL = ("https://files.pythonhosted.org/packages/67/67/"
             "bd53dc762c2e7728b7b32bdbe59ecb74ae6bc6b7609e5063e6e44553b44f/jq-1.13.0.tar.gz")
SDIST_SHA256 = "e62bdddeab3b8a0a404581a7bb6f1e8c4cc6082280870031f746074f4cac52c0"
JQ_TARBALL = "jq-1.13.0/deps/jq-1.8.2.tar.gz"
JQ_SHA256 = "71b8d6e8f5fe81f6c6d0d110e3892251f6ce76ed095abd315e26e6e1193af3af"
# The suites jq's `make check` runs through --run-tests, in its order.
SUITES = ["jq", "onig", "man", "manonig", "base64", "uri", "optional"]
SUITE_ENV = {"man": {"PAGER": "less"}}
MODULE_USE = re.compile(r'\b(import|include)\s+"|modulemeta|get_search_list')

HERE = os.path.dirname(os.path.abspath(__file__))
JQ_TASK = os.path.dirname(HERE)


def downloads_dir():
    if os.environ.get("CLEANROOM_DOWNLOADS"):
        return os.environ["CLEANROOM_DOWNLOADS"]
    cache = os.environ.get("CLEANROOM_CACHE_DIR")
    if not cache:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        cache = os.path.join(base, "cleanroom")
    return os.path.join(cache, "downloads")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fetch_sdist():
    """The sdist's bytes, from Cleanroom's download folder (shared with the reference build)."""
    folder = downloads_dir()
    path = os.path.join(folder, SDIST)
    if os.path.isfile(path):
        data = open(path, "rb").read()
        if sha256(data) == SDIST_SHA256:
            return data
    print(f"downloading {SDIST_URL}", file=sys.stderr)
    with urllib.request.urlopen(SDIST_URL, timeout=120) as response:
        data = response.read()
    if sha256(data) != SDIST_SHA256:
        sys.exit(f"sha256 mismatch for {SDIST_URL}: got {sha256(data)}, want {SDIST_SHA256}")
    os.makedirs(folder, exist_ok=True)
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)
    return data


def jq_test_files():
    """{relative path below tests/: bytes} from jq-1.8.2.tar.gz inside the sdist."""
    with tarfile.open(fileobj=io.BytesIO(fetch_sdist()), mode="r:gz") as sdist:
        inner = sdist.extractfile(JQ_TARBALL).read()
    if sha256(inner) != JQ_SHA256:
        sys.exit(f"{JQ_TARBALL} has sha256 {sha256(inner)}, want {JQ_SHA256}")
    files = {}
    with tarfile.open(fileobj=io.BytesIO(inner), mode="r:gz") as jq:
        for member in jq.getmembers():
            parts = member.name.split("/", 2)
            if member.isfile() and len(parts) == 3 and parts[1] == "tests":
                files[parts[2]] = jq.extractfile(member).read()
    return files


def skipline(line):
    """As jq_test.c: blank lines and comments separate tests."""
    stripped = line.lstrip(" \t")
    return stripped == "" or stripped.startswith("#")


def parse_tests(text):
    """The tests of one .test file, read exactly as jq_test.c's run_jq_tests reads them."""
    lines = text.split("\n")
    # fgets() semantics: each line keeps its content; a final empty string is EOF.
    if lines and lines[-1] == "":
        lines.pop()
    tests, i, fail, check_msg = [], 0, False, False
    while i < len(lines):
        line = lines[i]
        i += 1
        if skipline(line):
            continue
        if line in ("%%FAIL", "%%FAIL IGNORE MSG"):
            fail, check_msg = True, line == "%%FAIL"
            continue
        test = {"line": i, "program": line}
        if fail:
            body = []
            while i < len(lines) and not skipline(lines[i]):
                body.append(lines[i])
                i += 1
            test.update(kind="fail", check_msg=check_msg, messages=body)
        else:
            test.update(kind="values", input=lines[i] if i < len(lines) else "")
            i += 1
            body = []
            while i < len(lines) and not skipline(lines[i]):
                body.append(lines[i])
                i += 1
            test["expected"] = body
        fail = check_msg = False
        tests.append(test)
    return tests


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def case_toml(suite, test, modules):
    uses_modules = bool(MODULE_USE.search(test["program"]))
    args = ["-c"] + (["-L", "modules"] if uses_modules else []) + ["--", test["program"]]
    out = ["[[case]]", f'name = "line-{test["line"]:04d}"', 'visibility = "public"',
           "args = [" + ", ".join(toml_string(a) for a in args) + "]"]
    env = SUITE_ENV.get(suite)
    if env:
        out.append("env = { " + ", ".join(f"{k} = {toml_string(v)}" for k, v in env.items()) + " }")
    if test["kind"] == "values":
        out.append(f"stdin = {toml_string(test['input'] + chr(10))}")
    if uses_modules:
        out += ["", "[case.files]"]
        for path, data in sorted(modules.items()):
            out.append(f"{toml_string('modules/' + path)} = {toml_string(data.decode())}")
    return "\n".join(out) + "\n"


TASK_TOML = """\
# Generated by wasm-tasks/jq/upstream/import.py from jq 1.8.2's own tests/*.test
# (jq's test suite, MIT licence). Not committed: regenerate it with that script.
id = "jq-upstream"
program = "jq"
summary = "jq 1.8.2 against jq's own test suite (generated at set-up from the pinned sdist)."

[reference]
command = "build/reference.sh"
needs = ["wasi-c"]
build_time = "about 1 min on 2 cores"

[limits]
timeout_ms = 10000
memory_mib = 256

[candidates.reference-build]
command = "build/reference.sh"
needs = ["wasi-c"]
build_time = "about 1 min on 2 cores"
on_request = true

[candidates.byte-length]
command = "build/wrong-length.sh"
needs = ["wasi-c"]
build_time = "about 1 min on 2 cores"
on_request = true
"""


def generate(out):
    files = jq_test_files()
    modules = {p[len("modules/"):]: d for p, d in files.items()
               if p.startswith("modules/") and not p.endswith("/")}
    if os.path.exists(out):
        if not os.path.isfile(os.path.join(out, "upstream-expected.json")):
            sys.exit(f"{out} exists and was not made by this script; not touching it")
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "tests"))
    # The same build folder as the jq task, so the reference is the same cached build.
    shutil.copytree(os.path.join(JQ_TASK, "build"), os.path.join(out, "build"))
    with open(os.path.join(out, ".gitignore"), "w") as f:
        f.write("# generated by wasm-tasks/jq/upstream/import.py\n*\n")
    with open(os.path.join(out, "task.toml"), "w") as f:
        f.write(TASK_TOML)
    expected, counts = {}, {}
    for suite in SUITES:
        tests = parse_tests(files[f"{suite}.test"].decode())
        counts[suite] = len(tests)
        parts = [f"# jq 1.8.2 tests/{suite}.test, one case per test (generated; see task.toml)\n"]
        for test in tests:
            parts.append(case_toml(suite, test, modules))
            expected[f"{suite}/line-{test['line']:04d}"] = test
        with open(os.path.join(out, "tests", f"{suite}.toml"), "w") as f:
            f.write("\n".join(parts))
    with open(os.path.join(out, "upstream-expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
    total = sum(counts.values())
    print(f"wrote {out}: {total} cases (" +
          ", ".join(f"{s} {n}" for s, n in counts.items()) + ")")
    print(f"next: cleanroom record {out}  (then: {sys.argv[0]} --check)")


# ---- --check: the recording against jq's expected values, as jq_test.c compares them


class Bad(Exception):
    pass


def parse_json_values(text):
    """Every JSON value of a jq -c output (one per line)."""
    values = []
    for line in text.split("\n"):
        if line:
            values.append(json.loads(line, parse_constant=lambda c: float(c.lower().replace("infinity", "inf"))))
    return values


def same(a, b):
    """jv_equal, approximately: numbers by value as doubles, containers deeply, keys as sets."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        fa, fb = float(a), float(b)
        return fa == fb or (math.isnan(fa) and math.isnan(fb))
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return False


def verdict(test, expect):
    """None when the recording agrees with jq's expectation, else a reason."""
    if test["kind"] == "fail":
        if expect["exit"] != 3:
            return f"compiled (exit {expect['exit']}), should fail to compile"
        if test["check_msg"]:
            # jq's runner keeps the last message that starts with "jq: error" (a message
            # runs until the next line starting "jq: ") and wants exactly the test's lines.
            messages = []
            for line in expect.get("stderr", "").split("\n"):
                if line.startswith("jq: "):
                    messages.append(line)
                elif messages:
                    messages[-1] += "\n" + line
            errors = [m for m in messages if m.startswith("jq: error")]
            want = "\n".join(test["messages"])
            if not errors or errors[-1].rstrip("\n") != want:
                return f"error message differs: {expect.get('stderr', '')[:200]!r}"
        return None
    try:
        got = parse_json_values(expect.get("stdout", ""))
        want = [json.loads(line) for line in test["expected"]]
    except ValueError as err:
        return f"output is not JSON values: {err}"
    # jq's runner ignores a runtime error after the expected results (the CLI exits 5).
    for i, w in enumerate(want):
        if i >= len(got):
            return f"insufficient results ({len(got)} of {len(want)}); stderr {expect.get('stderr', '')[:160]!r}"
        if not same(w, got[i]):
            return f"expected {json.dumps(w)[:120]}, got {json.dumps(got[i])[:120]}"
    if len(got) > len(want):
        return f"superfluous result {json.dumps(got[len(want)])[:120]}"
    return None


def check(out):
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        sys.exit("--check needs Python 3.11 or newer (tomllib)")
    expected = json.load(open(os.path.join(out, "upstream-expected.json")))
    per_suite, failures, unrecorded = {}, [], []
    for suite in SUITES:
        with open(os.path.join(out, "tests", f"{suite}.toml"), "rb") as f:
            cases = tomllib.load(f).get("case", [])
        passed = 0
        for case in cases:
            case_id = f"{suite}/{case['name']}"
            test = expected[case_id]
            if "expect" not in case:
                unrecorded.append(case_id)
                continue
            reason = verdict(test, case["expect"])
            if reason is None:
                passed += 1
            else:
                failures.append((case_id, test["program"], reason))
        per_suite[suite] = (passed, len(cases))
    for case_id, program, reason in failures:
        print(f"differs  {case_id}  {program[:70]}\n         {reason}")
    for case_id in unrecorded:
        print(f"no expectation  {case_id}  {expected[case_id]['program'][:70]}")
    total = sum(n for _, n in per_suite.values())
    passed = sum(p for p, _ in per_suite.values())
    print("; ".join(f"{s} {p}/{n}" for s, (p, n) in per_suite.items()))
    print(f"{passed} passed, {total - passed} failed")
    return 0 if passed == total else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(JQ_TASK), "jq-upstream"),
                        help="the task folder to write (default: wasm-tasks/jq-upstream)")
    parser.add_argument("--check", action="store_true",
                        help="compare the recorded expectations with jq's own expected values")
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.out))
    generate(args.out)


if __name__ == "__main__":
    main()
