#!/bin/sh
# tests/flags.sh MAKE SRCDIR: the builds users make honour their CFLAGS,
# CPPFLAGS and LDFLAGS (the static musl build too, after its own -Oz),
# never make warnings errors, and the static build does not take the
# dynamic build's default -O2 -g when the user gave no CFLAGS.
set -eu
make=$1 src=$2
fail() { echo "flags.sh: $*" >&2; exit 1; }
# The commands make would run, rebuilding everything, without running
# them, one a line.
cmds() {
	$make -s -n -B -f "$src/Makefile" SANITIZE= "$@" 2>/dev/null |
	    sed -e ':a' -e '/\\$/N' -e 's/\\\n//' -e 'ta'
}

static=$(cmds build/static/ufetch CFLAGS=-DUF_MARK_C CPPFLAGS=-DUF_MARK_P \
    LDFLAGS=-Wl,--build-id=none | grep -e '-static' || true)
[ -n "$static" ] || fail "no static link command"
case $static in
*-Oz*-DUF_MARK_C*) ;; *) fail "static build without CFLAGS after -Oz" ;;
esac
case $static in *-DUF_MARK_P*) ;; *) fail "static build without CPPFLAGS" ;; esac
case $static in
*-Wl,--build-id=none*) ;; *) fail "static build without LDFLAGS" ;;
esac
static=$(cmds build/static/ufetch | grep -e '-static')
case $static in *-O2*|*-Werror*) fail "static build: $static" ;; esac
dynamic=$(CFLAGS=-DUF_MARK_E cmds build/dynamic/ufetch)
case $dynamic in *-DUF_MARK_E*) ;; *) fail "CFLAGS from the environment" ;; esac
case $dynamic in *-Werror*) fail "dynamic build with -Werror" ;; esac
echo "flags.sh: the static and dynamic builds take CFLAGS, CPPFLAGS" \
    "and LDFLAGS, and no -Werror"
