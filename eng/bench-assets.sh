#!/usr/bin/env bash
# Asset engine benchmarks, side by side with curl and cp, in one run. Not a test: prints figures.
#   eng/bench-assets.sh [download-bytes] [local-bytes]     (defaults: 2 GiB and 4 GiB)
# Needs ~ 3 x download-bytes + 3 x local-bytes free in /tmp; everything is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
DL_BYTES=${1:-2147483648}
LOCAL_BYTES=${2:-4294967296}
WORK=$(mktemp -d /tmp/mm-bench.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nodeReuse:false tests/Benchmarks/ModelManifest.Assets.Benchmarks >/dev/null
# The loopback server is the demo's (Kestrel static files with Range), shared by every script.
dotnet build -c Release -nodeReuse:false samples/DemoHost >/dev/null
BENCH=(dotnet tests/Benchmarks/ModelManifest.Assets.Benchmarks/bin/Release/net10.0/ModelManifest.Assets.Bench.dll)
mkdir -p "$WORK/served" "$WORK/local"

echo "== preparing files ($DL_BYTES and $LOCAL_BYTES bytes)"
DL_SHA=$("${BENCH[@]}" make "$WORK/served/dl.bin" "$DL_BYTES")
LOCAL_SHA=$("${BENCH[@]}" make "$WORK/local/local.bin" "$LOCAL_BYTES")

dotnet samples/DemoHost/bin/Release/net10.0/DemoHost.dll serve "$WORK/served" "$WORK/port" >/dev/null &
SERVER_PID=$!
while [ ! -s "$WORK/port" ]; do sleep 0.1; done
URL="$(cat "$WORK/port")/dl.bin"
curl -s -o /dev/null "$URL"   # warm the server and the page cache of the served file

echo "== download $DL_BYTES bytes over loopback"
/usr/bin/time -f "curl-o-seconds %e, peak-rss-kb %M" curl -s -o "$WORK/curl.bin" "$URL"
rm -f "$WORK/curl.bin"
/usr/bin/time -f "curl-o+sha256sum-seconds %e" sh -c "curl -s -o '$WORK/curl.bin' '$URL' && sha256sum '$WORK/curl.bin' >/dev/null"
rm -f "$WORK/curl.bin"
/usr/bin/time -f "engine-process-seconds %e (incl. runtime start), peak-rss-kb %M" "${BENCH[@]}" download "$WORK/cache" "$URL" "$DL_BYTES" "$DL_SHA"
# The same without the fsync before the rename (curl -o does not fsync either).
"${BENCH[@]}" download "$WORK/cache-nofsync" "$URL" "$DL_BYTES" "$DL_SHA" no-fsync
rm -rf "$WORK/cache-nofsync"

echo "== local $LOCAL_BYTES-byte blob: is-cached, verify, materialize"
"${BENCH[@]}" local "$WORK/cache" "$WORK/local/local.bin" "$LOCAL_BYTES" "$LOCAL_SHA" "$WORK/target"
/usr/bin/time -f "cp-seconds %e" cp "$WORK/local/local.bin" "$WORK/cp.bin"
