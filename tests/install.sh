#!/bin/sh
# tests/install.sh MAKE SRCDIR: make install into a scratch DESTDIR puts
# exactly the binary and the manual (and the wget link with WGET_LINK=1)
# under PREFIX, and make uninstall takes them all away again.
set -eu
make=$1 src=$2
d=$(mktemp -d /tmp/ufetch-install.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail() { echo "install.sh: $*" >&2; exit 1; }
files() { (cd "$d" && find . \( -type f -o -type l \) | sort | tr '\n' ' '); }

$make -s -f "$src/Makefile" install DESTDIR="$d" PREFIX=/usr >/dev/null
got=$(files)
[ "$got" = "./usr/bin/ufetch ./usr/share/man/man1/ufetch.1 " ] ||
    fail "installed: $got"
[ -x "$d/usr/bin/ufetch" ] || fail "ufetch is not executable"
"$d/usr/bin/ufetch" -V >/dev/null || fail "the installed ufetch does not run"
cmp -s "$d/usr/share/man/man1/ufetch.1" "$src/man/ufetch.1" ||
    fail "the manual differs"
$make -s -f "$src/Makefile" uninstall DESTDIR="$d" PREFIX=/usr >/dev/null
[ -z "$(files)" ] || fail "left after uninstall: $(files)"

$make -s -f "$src/Makefile" install DESTDIR="$d" BINDIR=/opt/b \
    MANDIR=/opt/m WGET_LINK=1 >/dev/null
got=$(files)
[ "$got" = "./opt/b/ufetch ./opt/b/wget ./opt/m/man1/ufetch.1 " ] ||
    fail "installed with BINDIR, MANDIR, WGET_LINK: $got"
[ "$(readlink "$d/opt/b/wget")" = ufetch ] || fail "wget is not our link"
$make -s -f "$src/Makefile" uninstall DESTDIR="$d" BINDIR=/opt/b \
    MANDIR=/opt/m >/dev/null
[ -z "$(files)" ] || fail "left after uninstall: $(files)"
echo "install.sh: install and uninstall put and remove exactly" \
    "ufetch, ufetch.1 (and the wget link)"
