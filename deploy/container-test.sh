#!/usr/bin/env bash
# Container test: builds the image from deploy/Dockerfile with podman and
# checks what an operator relies on: `ask` answers offline with citations
# and without rebuilding the store, `serve` with an unreachable Discord
# stays alive (/healthz 200) but not ready (/readyz 503 with the reason),
# `serve` without a token stops at once, the image's own HEALTHCHECK works,
# the user is not root, and the image is under 40 MB.
#
# There is no Docker engine or registry on CI machines: this follows
# ../shared/notes/containers.md (podman with runc, cgroupfs, a local
# stand-in for the golang builder image). Where podman cannot be had (not
# root, no apt-get, apt-get failing or slower than APT_UPDATE_TIMEOUT /
# APT_INSTALL_TIMEOUT seconds) or cannot build and run a container that
# holds nothing of the project's, it says why and exits 0, so the unit
# tests stay the gate there. Anything that fails once podman works is the
# project's fault and fails the test.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=localhost/leviathan:test
GO_STANDIN=localhost/golang:local
MAX_BYTES=$((40 * 1000 * 1000))
start=$SECONDS
last=$SECONDS
containers=()
tmp=$(mktemp -d)

cleanup() {
	local c
	for c in "${containers[@]}"; do
		podman --runtime runc rm -f -t 0 "$c" >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
	# The builder stage's images are large and only a layer cache; the Go
	# build cache lives in a cache mount and survives this.
	podman --runtime runc image prune -f --filter label=org.leviathan.stage=build >/dev/null 2>&1 || true
}
trap cleanup EXIT
# .ci/test bounds this script with timeout(1): on its SIGTERM, still clean up.
trap 'exit 143' TERM INT

skip() {
	echo "SKIP container test: $*"
	exit 0
}
fail() {
	echo "FAIL container test: $*" >&2
	exit 1
}
step() {
	printf '   (%ds)\n== %s\n' $((SECONDS - last)) "$*"
	last=$SECONDS
}
pm() { podman --runtime runc "$@"; }

echo "== container test: setup"

# 1. podman, runc and a static busybox (for the stand-in builder's /bin/sh).
# Each apt-get call is bounded: a slow or unreachable mirror must end in a
# SKIP, not in CI's time limit. A failed update is not the end: the package
# lists already on the machine may do.
APT_UPDATE_TIMEOUT=${APT_UPDATE_TIMEOUT:-300}
APT_INSTALL_TIMEOUT=${APT_INSTALL_TIMEOUT:-600}
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || ! command -v timeout >/dev/null; then
		skip "podman, runc or /bin/busybox is missing, and installing them needs root, apt-get and timeout"
	fi
	echo "installing podman, runc and busybox-static"
	apt=(env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=60)
	if ! timeout --kill-after=10s "$APT_UPDATE_TIMEOUT" "${apt[@]}" update >"$tmp/apt.log" 2>&1; then
		tail -n 5 "$tmp/apt.log"
		echo "apt-get update failed or took over ${APT_UPDATE_TIMEOUT}s; trying the package lists already here"
	fi
	if ! timeout --kill-after=10s "$APT_INSTALL_TIMEOUT" "${apt[@]}" install -y podman runc busybox-static \
		>"$tmp/apt.log" 2>&1; then
		tail -n 5 "$tmp/apt.log"
		skip "couldn't install podman, runc and busybox-static with apt-get (failed or took over ${APT_INSTALL_TIMEOUT}s)"
	fi
	command -v podman >/dev/null && command -v runc >/dev/null && [ -x /bin/busybox ] ||
		skip "apt-get installed the packages, but podman, runc or /bin/busybox is still missing"
fi
command -v go >/dev/null || skip "no Go toolchain to make the stand-in builder image from"

# 2. Podman's defaults fail in these sandboxes (setrlimit RLIMIT_NOFILE, then
# crun and hybrid cgroups): no default ulimits, cgroupfs, and runc on every call.
if [ "$(id -u)" -eq 0 ]; then
	conf=/etc/containers/containers.conf
else
	conf=${XDG_CONFIG_HOME:-$HOME/.config}/containers/containers.conf
fi
if ! grep -qs '^default_ulimits *= *\[\]' "$conf" || ! grep -qs '^cgroup_manager *= *"cgroupfs"' "$conf"; then
	mkdir -p "$(dirname "$conf")"
	if [ -s "$conf" ]; then
		cp "$conf" "$conf.before-leviathan"
		echo "replacing $conf (the old one is kept as $conf.before-leviathan)"
	fi
	printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\n' >"$conf"
fi
timeout 120 podman --runtime runc info >"$tmp/info.log" 2>&1 || { tail -n 5 "$tmp/info.log"; skip "podman does not run here"; }

# 3. The stand-in for golang:1.26, made from this machine's toolchain, kept
# between runs and remade when the toolchain changes.
step "builder image $GO_STANDIN"
gover=$(go env GOVERSION)
if [ "$(pm image inspect --format '{{index .Labels "go.version"}}' "$GO_STANDIN" 2>/dev/null || true)" != "$gover" ]; then
	ctx="$tmp/golang"
	mkdir -p "$ctx/bin" "$ctx/usr/local" "$ctx/etc/ssl/certs" "$ctx/tmp"
	cp /bin/busybox "$ctx/bin/"
	for a in sh ls cat mkdir cp rm env tail; do ln -s busybox "$ctx/bin/$a"; done
	cp -a "$(go env GOROOT)" "$ctx/usr/local/go"
	cp /etc/ssl/certs/ca-certificates.crt "$ctx/etc/ssl/certs/"
	printf 'FROM scratch\nCOPY . /\nENV PATH=/usr/local/go/bin:/bin GOPATH=/go GOCACHE=/gocache CGO_ENABLED=0\nLABEL go.version=%s\n' \
		"$gover" >"$tmp/golang.Containerfile"
	# Nothing of the project's is in this image: a failure here is the
	# machine's podman (storage driver, kernel), not the project's.
	pm build -q -t "$GO_STANDIN" -f "$tmp/golang.Containerfile" "$ctx" >"$tmp/standin.log" 2>&1 ||
		{ tail -n 10 "$tmp/standin.log"; skip "podman cannot build an image here (the stand-in builder failed)"; }
	echo "made $GO_STANDIN ($gover)"
else
	echo "reusing $GO_STANDIN ($gover)"
fi
# Likewise: a container that runs nothing of the project's, in the two
# network modes used below. If that fails, podman cannot run containers on
# this machine.
for net in none host; do
	timeout 120 podman --runtime runc run --rm --network "$net" "$GO_STANDIN" /bin/sh -c 'exit 0' >"$tmp/smoke.log" 2>&1 ||
		{ tail -n 10 "$tmp/smoke.log"; skip "podman cannot run a container here (--network $net)"; }
done

# 4. The image. The host's module cache is offered first as a file:// proxy
# so a warm machine downloads nothing; the network (host network, the
# host's GOPROXY) is the fallback for anything missing from it.
step "image build"
modcache=$(go env GOMODCACHE)
goproxy=$(go env GOPROXY)
if [ -d "$modcache/cache/download" ]; then
	goproxy="file:///hostmod,$goproxy"
	modvol=(-v "$modcache/cache/download:/hostmod:ro")
else
	modvol=()
fi
build_start=$SECONDS
pm build --format docker --network host "${modvol[@]}" \
	--build-arg GO_IMAGE="$GO_STANDIN" \
	--build-arg GOPROXY="$goproxy" \
	--build-arg GOSUMDB="$(go env GOSUMDB)" \
	--build-arg VERSION="$(git describe --always --dirty 2>/dev/null || echo dev)" \
	-t "$IMAGE" -f deploy/Dockerfile . >"$tmp/build.log" 2>&1 ||
	{ tail -n 30 "$tmp/build.log"; fail "image build failed"; }
build_secs=$((SECONDS - build_start))
echo "built $IMAGE in ${build_secs}s"

# 5. What the image declares.
step "image metadata"
user=$(pm image inspect --format '{{.Config.User}}' "$IMAGE")
uid=${user%%:*}
case "$uid" in
"" | 0 | root) fail "the image runs as root (User=\"$user\")" ;;
*[!0-9]*) fail "the image user \"$user\" is not numeric (Kubernetes' runAsNonRoot cannot check a name)" ;;
esac
echo "user $user"
size=$(pm image inspect --format '{{.Size}}' "$IMAGE")
echo "size $size bytes ($((size / 1000 / 1000)) MB)"
[ "$size" -lt "$MAX_BYTES" ] || fail "image is $size bytes, over the $MAX_BYTES limit"
hc=$(pm image inspect --format '{{.Config.Healthcheck}}' "$IMAGE")
case "$hc" in
*healthcheck*) echo "healthcheck $hc" ;;
*) fail "the image has no HEALTHCHECK running 'leviathan healthcheck' (got \"$hc\")" ;;
esac

# 6. ask, with no network at all and a read-only root: the store built at
# image build time must be reused, not rebuilt.
step "ask --json offline"
pm run --rm --no-healthcheck --network none --read-only -e LEVIATHAN_LOG_LEVEL=debug "$IMAGE" ask --json "Was ist DOGE?" \
	>"$tmp/ask.json" 2>"$tmp/ask.log" || { cat "$tmp/ask.log"; fail "ask failed"; }
flat=$(tr -d ' \n\t\r' <"$tmp/ask.json")
case "$flat" in
*'"citations":[{'*) ;;
*) cat "$tmp/ask.json"; fail "ask --json gave no citations" ;;
esac
case "$flat" in
*'"answer":""'* | *'"answer":null'*) cat "$tmp/ask.json"; fail "ask --json gave an empty answer" ;;
*'"answer":"'*) ;;
*) cat "$tmp/ask.json"; fail "ask --json has no answer field" ;;
esac
if grep -qi 'building passage store' "$tmp/ask.log"; then
	cat "$tmp/ask.log"
	fail "ask rebuilt the passage store: the image's prebuilt store was not used"
fi
echo "answer: $(head -c 300 "$tmp/ask.json" | tr '\n' ' ')..."

# 7. serve without a token stops at once with a clear message.
step "serve without DISCORD_TOKEN"
set +e
pm run --rm --no-healthcheck --network none "$IMAGE" serve >"$tmp/notoken.log" 2>&1
code=$?
set -e
[ "$code" -ne 0 ] || fail "serve without a token exited 0"
grep -q DISCORD_TOKEN "$tmp/notoken.log" || { cat "$tmp/notoken.log"; fail "serve without a token did not name DISCORD_TOKEN"; }
echo "exit $code: $(head -n 1 "$tmp/notoken.log")"

# 8. serve with a fake token and an unreachable Discord: alive, not ready,
# and saying why. Host network with a free loopback port, so nothing is
# published beyond 127.0.0.1.
step "serve with an unreachable Discord"
port=""
for _ in $(seq 50); do
	p=$((20000 + RANDOM % 20000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || fail "no free port found"

# http_get PATH: prints the status code and body of a GET on the bot's port,
# with bash alone (the host may have no curl).
http_get() {
	local line
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
	IFS= read -r line <&3 || { exec 3<&-; return 1; }
	status=$(echo "$line" | cut -d' ' -f2)
	body=$(sed '1,/^\r\{0,1\}$/d' <&3)
	exec 3<&-
}

c=leviathan-ct-$$
# A fake token distinctive enough to find if it ever reaches a log line.
token="fake.token-$$-must-not-be-logged"
containers+=("$c")
# The image's HEALTHCHECK stays, without podman's systemd timer (there is
# no systemd here); it is run by hand below.
pm run -d --name "$c" --network host --read-only --health-interval disable \
	-e DISCORD_TOKEN="$token" -e DISCORD_API_URL=http://127.0.0.1:9 -e LEVIATHAN_HTTP_ADDR="127.0.0.1:$port" \
	"$IMAGE" >/dev/null 2>"$tmp/run.log" || { cat "$tmp/run.log"; fail "serve did not start"; }
status=""
up_start=$(date +%s%N)
for _ in $(seq 300); do
	if http_get /healthz 2>/dev/null && [ -n "$status" ]; then break; fi
	[ "$(pm inspect -f '{{.State.Running}}' "$c")" = true ] || { pm logs "$c"; fail "serve exited"; }
	sleep 0.1
done
[ "$status" = 200 ] || { pm logs "$c" | tail -n 20; fail "/healthz answered \"$status\", want 200"; }
echo "/healthz $status $body (answering $((($(date +%s%N) - up_start) / 1000000)) ms after podman run returned)"
http_get /readyz || fail "/readyz did not answer"
[ "$status" = 503 ] || { pm logs "$c" | tail -n 20; fail "/readyz answered $status, want 503 while Discord is unreachable"; }
[ -n "$body" ] || fail "/readyz gave no reason"
echo "/readyz $status $body"
http_get /metrics || fail "/metrics did not answer"
case "$body" in
*leviathan_questions_total* | *leviathan_discord_reconnects_total*) echo "/metrics $status (leviathan series present)" ;;
*) fail "/metrics lacks leviathan series" ;;
esac
# The image's own HEALTHCHECK, run as the runtime would.
if pm healthcheck run "$c" >"$tmp/hc.log" 2>&1; then
	echo "HEALTHCHECK passes"
elif grep -qi 'unhealthy' "$tmp/hc.log"; then
	cat "$tmp/hc.log"
	fail "the image's HEALTHCHECK says unhealthy while /healthz answers 200"
else
	# Where podman cannot run health checks (no systemd), run the command.
	pm exec "$c" /leviathan healthcheck || fail "leviathan healthcheck failed inside the container"
fi
[ "$(pm inspect -f '{{.State.Running}}' "$c")" = true ] || fail "serve stopped instead of retrying"
pid=$(pm inspect -f '{{.State.Pid}}' "$c")
if [ -r "/proc/$pid/status" ]; then
	echo "serve's resident memory while retrying: $(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")"
fi
if pm logs "$c" 2>&1 | grep -qF "$token"; then
	fail "the Discord token appears in the log"
fi

step "SIGTERM"
stop_start=$SECONDS
# (podman without systemd complains about health check timers on stderr.)
pm stop -t 30 "$c" >/dev/null 2>"$tmp/stop.log" || { cat "$tmp/stop.log"; fail "podman stop failed"; }
code=$(pm inspect -f '{{.State.ExitCode}}' "$c")
echo "stopped in $((SECONDS - stop_start))s with exit code $code"
[ "$code" != 137 ] || fail "serve ignored SIGTERM and was killed"

printf '   (%ds)\n' $((SECONDS - last))
echo "PASS container test: image $((size / 1000 / 1000)) MB ($size bytes), build ${build_secs}s, total $((SECONDS - start))s"
