#!/usr/bin/env bash
# S3 source benchmark, side by side in one run: `modelmanifest fetch --source s3://…` from s3rver on loopback (the
# object put by the AWS CLI) against the same bytes through the plain http source from `python3 -m http.server` on
# loopback. Each fetch is the whole CLI process into an empty cache (sha256-verified, fsynced, renamed).
# Prints the median wall time, throughput and peak RSS of a few runs of each, and the S3/HTTP throughput ratio.
# Not a test: prints figures.
#   eng/bench-s3.sh [bytes] [runs]     (defaults: 1 GiB, 3 runs)
# Needs ~ 3 x bytes free in /tmp, eng/install-prerequisites.sh run (s3rver, awscli); everything is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES=${1:-1073741824}
RUNS=${2:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
S3RVER=$PWD/artifacts/test-tools/node_modules/.bin/s3rver
[ -x "$S3RVER" ] || { echo "$S3RVER is missing: run eng/install-prerequisites.sh" >&2; exit 1; }

WORK=$(mktemp -d /tmp/mm-bench-s3.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nodeReuse:false src/ModelManifest.Cli >/dev/null
CLI=(dotnet src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli.dll)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; exit 1; }

echo "== preparing $BYTES random bytes"
mkdir -p "$WORK/www/bench" "$WORK/s3data"
head -c "$BYTES" /dev/urandom >"$WORK/www/bench/bench.bin"
SHA=$(openssl dgst -sha256 -r "$WORK/www/bench/bench.bin" | cut -d' ' -f1)
cat >"$WORK/bench.models.json" <<JSON
{
  "schemaVersion": "1.1",
  "models": [{ "id": "bench-s3", "version": "1.0.0", "assets": [{ "id": "bench", "role": "weights" }] }],
  "assets": [{ "id": "bench", "fileName": "bench.bin", "size": $BYTES, "sha256": "$SHA" }]
}
JSON

S3_PORT=$(free_port)
"$S3RVER" -d "$WORK/s3data" -a 127.0.0.1 -p "$S3_PORT" --silent --configure-bucket models >/dev/null 2>&1 &
PIDS+=($!)
HTTP_PORT=$(free_port)
python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$WORK/www" >/dev/null 2>&1 &
PIDS+=($!)
wait_port "$S3_PORT"
wait_port "$HTTP_PORT"

# The AWS environment of the s3 source (the SDK's default chain), kept away from the machine's own AWS files.
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \
  AWS_CONFIG_FILE=$WORK/no-config AWS_SHARED_CREDENTIALS_FILE=$WORK/no-credentials AWS_EC2_METADATA_DISABLED=true
echo "== putting the object with the AWS CLI"
/usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 cp --only-show-errors "$WORK/www/bench/bench.bin" s3://models/bench/bench.bin
curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/bench/bench.bin"   # warm the page cache of the served file

# measure <label> <command...>: RUNS runs into an empty cache, then "label  median-s  MB/s  peak-rss-MB"; sets MEDIAN.
measure() {
  local label=$1; shift
  : >"$WORK/times"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/cache"
    /usr/bin/time -f "%e %M" -o "$WORK/time1" "$@" >"$WORK/last.log" 2>&1 || { cat "$WORK/last.log"; exit 1; }
    cat "$WORK/time1" >>"$WORK/times"
  done
  MEDIAN=$(sort -n "$WORK/times" | awk '{ t[NR]=$1 } END { print t[int((NR+1)/2)] }')
  sort -n "$WORK/times" | awk -v label="$label" -v bytes="$BYTES" '{ t[NR]=$1; if ($2>rss) rss=$2 } END { m=t[int((NR+1)/2)]; printf "%-46s median %6.2f s  %7.1f MB/s   (runs: %d)   peak RSS %5.0f MB\n", label, m, bytes/1e6/m, NR, rss/1024 }'
}

echo "== $BYTES bytes on loopback ($RUNS runs each; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
measure "fetch --source http:// (python3 http.server)" "${CLI[@]}" fetch -m "$WORK/bench.models.json" -s "http://127.0.0.1:$HTTP_PORT/" --cache "$WORK/cache"
HTTP_MEDIAN=$MEDIAN
measure "fetch --source s3://models/bench (s3rver)" "${CLI[@]}" fetch -m "$WORK/bench.models.json" -s s3://models/bench --cache "$WORK/cache"
S3_MEDIAN=$MEDIAN
awk -v h="$HTTP_MEDIAN" -v s="$S3_MEDIAN" 'BEGIN { printf "s3 throughput / http throughput: %.2f\n", h/s }'
# Each server's own ceiling for one stream, no hashing, no disk write: the HTTP file and the S3 object (s3rver does not
# check signatures, so a plain GET of the object's path-style URL stands for a signed one) read by curl to /dev/null.
measure "curl -o /dev/null from python3 http.server" curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/bench/bench.bin"
measure "curl -o /dev/null from s3rver" curl -sf -o /dev/null "http://127.0.0.1:$S3_PORT/models/bench/bench.bin"
