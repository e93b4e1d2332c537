# A deliberately wrong candidate: SQLite with one line changed so that avg() drops the
# fractional part of its result. See build-sqlite.sh.
set -eu
SQLITE_VARIANT=avg-integer exec sh ./build-sqlite.sh
