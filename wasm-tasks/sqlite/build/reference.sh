# The reference: the SQLite 3.52.0 shell as released. See build-sqlite.sh.
set -eu
SQLITE_VARIANT= exec sh ./build-sqlite.sh
