#!/bin/sh
# An intentionally wrong candidate: onetrue awk where substr(s, m) with m > 1 starts one
# character late.
AWK_VARIANT=substr-off-by-one
export AWK_VARIANT
exec sh ./awk.sh
