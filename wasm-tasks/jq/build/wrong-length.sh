# A deliberately wrong candidate: jq 1.8.2 with one line changed so that `length` of a
# string counts UTF-8 bytes instead of codepoints. See build-jq.sh.
set -eu
JQ_VARIANT=byte-length exec sh ./build-jq.sh
