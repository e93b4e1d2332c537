# The reference: jq 1.8.2 as released. See build-jq.sh.
set -eu
JQ_VARIANT= exec sh ./build-jq.sh
