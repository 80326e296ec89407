#!/usr/bin/env bash
# S3 source benchmark, side by side in one run: `modelmanifest fetch --source s3://…` from s3rver on loopback (the
# object put by the AWS CLI) against the same bytes through the plain http source, from the same s3rver (the object's
# URL as the manifest's per-asset URL) and from `python3 -m http.server` on loopback. Each fetch is the whole CLI
# process into an empty cache (sha256-verified, fsynced, renamed); runs interleave (eng/bench-lib.sh).
# Prints the median wall time, throughput, peak RSS and server CPU of each row, and the S3/HTTP throughput ratios.
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

. eng/bench-lib.sh
publish_cli

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

# The same object from the same s3rver through the plain HTTP source: its path-style URL as the manifest's per-asset
# URL (s3rver does not check signatures, so a plain GET stands for a signed one).
mkdir -p "$WORK/hint"
sed "s|\"sha256\": \"$SHA\"|\"sha256\": \"$SHA\", \"urls\": [\"http://127.0.0.1:$S3_PORT/models/bench/bench.bin\"]|" \
  "$WORK/bench.models.json" >"$WORK/hint/bench.models.json"
FETCH="${CLI[*]} fetch --cache $WORK/cache"

echo "== $BYTES bytes on loopback ($RUNS interleaved runs each; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
row "fetch --source http:// (python3 http.server)" "${PIDS[1]}" "$FETCH -m $WORK/bench.models.json -s http://127.0.0.1:$HTTP_PORT/"
row "fetch --source s3://models/bench (s3rver)" "${PIDS[0]}" "$FETCH -m $WORK/bench.models.json -s s3://models/bench"
row "fetch, plain HTTP source, the object's URL (s3rver)" "${PIDS[0]}" "$FETCH -m $WORK/hint/bench.models.json"
measure_rows
echo "${MEDIANS[@]}" | awk '{ printf "s3:// / plain HTTP source, same s3rver: %.2f;  s3:// / plain HTTP source from http.server: %.2f\n", $3/$2, $1/$2 }'
# Each server's own ceiling for one stream, no hashing, no disk write: the HTTP file and the S3 object read by curl to
# /dev/null.
row "curl -o /dev/null from python3 http.server" "${PIDS[1]}" "curl -s -o /dev/null http://127.0.0.1:$HTTP_PORT/bench/bench.bin"
row "curl -o /dev/null from s3rver" "${PIDS[0]}" "curl -sf -o /dev/null http://127.0.0.1:$S3_PORT/models/bench/bench.bin"
measure_rows
