#!/bin/sh
# An intentionally wrong candidate: Lua 5.4.8 where string.rep(s, 1) returns "".
LUA_VARIANT=rep-off-by-one
export LUA_VARIANT
exec sh ./lua.sh
