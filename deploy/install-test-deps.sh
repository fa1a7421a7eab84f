#!/usr/bin/env bash
# Installs the Debian packages that tests read real data from, where it can:
#   bash deploy/install-test-deps.sh PACKAGE...
# For example trans-de-en (the Ding German-English dictionary that
# retrieval's dictionary tests load from /usr/share/trans/de-en) and
# debian-paketmanagement-buch (a German book the content tests read). Those
# tests skip, saying why, where the data is missing, so this script never
# fails the run: not root, no apt-get, a slow or unreachable mirror each end
# in a SKIP line and exit 0. Each apt-get call is bounded
# (TEST_DEPS_TIMEOUT seconds).
set -uo pipefail

TIMEOUT=${TEST_DEPS_TIMEOUT:-180}

echo "== test data: Debian packages $*"
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
missing=()
for pkg in "$@"; do
	if command -v dpkg-query >/dev/null && installed "$pkg"; then
		echo "already installed: $pkg"
	else
		missing+=("$pkg")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || ! command -v timeout >/dev/null; then
	echo "SKIP: installing ${missing[*]} needs root, apt-get and timeout; the tests that read them will skip"
	exit 0
fi
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=60)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The package lists already here may do; update only when they do not.
if ! timeout --kill-after=10s "$TIMEOUT" "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
	timeout --kill-after=10s "$TIMEOUT" "${apt[@]}" update >"$log" 2>&1 || true
	if ! timeout --kill-after=10s "$TIMEOUT" "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
		tail -n 5 "$log"
		echo "SKIP: couldn't install ${missing[*]} (failed or took over ${TIMEOUT}s); the tests that read them will skip"
		exit 0
	fi
fi
for pkg in "${missing[@]}"; do
	if installed "$pkg"; then
		echo "installed: $pkg"
	else
		echo "SKIP: $pkg is still not installed; the tests that read it will skip"
	fi
done
exit 0
