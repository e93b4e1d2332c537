#!/bin/sh
# An intentionally wrong candidate: the WASI build, but hexadecimal digits print in lowercase.
BC_VARIANT=lowercase-hex
export BC_VARIANT
exec sh ./wasi.sh
