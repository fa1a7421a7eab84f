#!/usr/bin/env bash
# Installs what the content package's real-text tests read, where it can:
# Debian's package debian-paketmanagement-buch, a German book (about
# 138,000 words, CC BY-SA 4.0) as EPUB under
# /usr/share/doc/debian-paketmanagement-buch/. The tests skip, saying why,
# where it is missing, so this script never fails the run: not root, no
# apt-get, a slow or unreachable mirror each end in a SKIP line and exit 0.
# Each apt-get call is bounded (TEST_DEPS_TIMEOUT seconds).
set -uo pipefail

BOOK=/usr/share/doc/debian-paketmanagement-buch/debian-paketmanagement.epub
TIMEOUT=${TEST_DEPS_TIMEOUT:-180}

echo "== test data: the Debian book"
if [ -f "$BOOK" ]; then
	echo "already installed: $BOOK"
	exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || ! command -v timeout >/dev/null; then
	echo "SKIP: installing debian-paketmanagement-buch needs root, apt-get and timeout; its tests will skip"
	exit 0
fi
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=60)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The package lists already here may do; update only when they do not.
if ! timeout --kill-after=10s "$TIMEOUT" "${apt[@]}" install -y --no-install-recommends debian-paketmanagement-buch >"$log" 2>&1; then
	timeout --kill-after=10s "$TIMEOUT" "${apt[@]}" update >"$log" 2>&1 || true
	if ! timeout --kill-after=10s "$TIMEOUT" "${apt[@]}" install -y --no-install-recommends debian-paketmanagement-buch >"$log" 2>&1; then
		tail -n 5 "$log"
		echo "SKIP: couldn't install debian-paketmanagement-buch (failed or took over ${TIMEOUT}s); its tests will skip"
		exit 0
	fi
fi
if [ -f "$BOOK" ]; then
	echo "installed: $BOOK"
else
	echo "SKIP: debian-paketmanagement-buch is installed but $BOOK is missing (does /etc/dpkg/dpkg.cfg.d exclude /usr/share/doc?); its tests will skip"
fi
exit 0
