#!/usr/bin/env bash
# Hugging Face source benchmark, side by side in one run: one asset through `modelmanifest fetch --source hf://…` against a
# hub-style server (nginx on 127.0.0.1 answering `resolve/` with the hub's 302 + X-Linked-Etag/X-Linked-Size to a "CDN"
# on 127.0.0.2, the token dropped on the way), against the same bytes through the plain HTTP source from the same nginx;
# then the same asset found in a Hugging Face cache laid out on disk (linked in and verified, no network).
# Every run: empty cache, sha256-verified, fsynced. Prints the median wall time and peak RSS of a few runs of each.
#   eng/bench-hf.sh [bytes] [runs]     (defaults: 1 GiB, 3 runs)
# Needs ~ 3 x bytes free in /tmp and nginx (installed from Debian when missing); everything is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. eng/bench-nginx.sh
BYTES=${1:-1073741824}
RUNS=${2:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1

if ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi

WORK=$(mktemp -d /tmp/mm-bench-hf.XXXXXX)
NGINX_PID=
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nodeReuse:false src/ModelManifest.Cli >/dev/null
CLI=(dotnet src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli.dll)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
CDN_PORT=$(free_port)
COMMIT=0123456789abcdef0123456789abcdef01234567

echo "== preparing $BYTES random bytes"
mkdir -p "$WORK/www/plain/bench" "$WORK/www/cdn" "$WORK/hf-empty"
head -c "$BYTES" /dev/urandom >"$WORK/www/plain/bench/bench.bin"
SHA=$(openssl dgst -sha256 -r "$WORK/www/plain/bench/bench.bin" | cut -d' ' -f1)
ln "$WORK/www/plain/bench/bench.bin" "$WORK/www/cdn/$SHA"
cat >"$WORK/bench.models.json" <<JSON
{
  "schemaVersion": "1.1",
  "models": [{ "id": "bench", "version": "1.0.0", "assets": [{ "id": "bench" }] }],
  "assets": [{ "id": "bench", "fileName": "bench.bin", "size": $BYTES, "sha256": "$SHA" }]
}
JSON
# A Hugging Face cache as huggingface_hub lays it out: blobs/<sha256>, snapshots/<commit>/<file> -> ../../blobs/<sha256>.
HF_REPO="$WORK/hf-cache/models--acme--bench"
mkdir -p "$HF_REPO/blobs" "$HF_REPO/snapshots/$COMMIT" "$HF_REPO/refs"
ln "$WORK/www/plain/bench/bench.bin" "$HF_REPO/blobs/$SHA"
ln -s "../../blobs/$SHA" "$HF_REPO/snapshots/$COMMIT/bench.bin"
printf '%s' "$COMMIT" >"$HF_REPO/refs/main"

mkdir -p "$WORK/nginx"
{ nginx_preamble "$WORK"; cat <<CONF
  server {
    listen 127.0.0.1:$PORT;
    root $WORK/www;
    # The hub: an LFS file's resolve URL is a 302 to the CDN carrying the file's commit, sha256 and size.
    location /acme/bench/resolve/ {
      add_header X-Repo-Commit $COMMIT always;
      add_header X-Linked-Etag '"$SHA"' always;
      add_header X-Linked-Size $BYTES always;
      add_header ETag '"$SHA"' always;
      return 302 http://127.0.0.2:$CDN_PORT/cdn/$SHA?X-Amz-Signature=bench;
    }
  }
  server { listen 127.0.0.2:$CDN_PORT; root $WORK/www; }
}
CONF
} >"$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
curl -s -o /dev/null "http://127.0.0.1:$PORT/plain/bench/bench.bin" # warm the page cache

measure() { # label command... : RUNS runs with an empty cache, then "label  median-s  MB/s  peak-rss-MB"
  local label=$1; shift
  : >"$WORK/times"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/cache"
    /usr/bin/time -f "%e %M" -o "$WORK/time1" "$@" >"$WORK/last.log" 2>&1 || { cat "$WORK/last.log"; exit 1; }
    cat "$WORK/time1" >>"$WORK/times"
  done
  sort -n "$WORK/times" | awk -v label="$label" -v bytes="$BYTES" '{ t[NR]=$1; if ($2>rss) rss=$2 } END { m=t[int((NR+1)/2)]; printf "%-52s median %6.2f s  %7.1f MB/s   (runs: %d)   peak RSS %5.0f MB\n", label, m, bytes/1048576/m, NR, rss/1024 }'
}

export HF_HUB_CACHE="$WORK/hf-empty" OLLAMA_MODELS="$WORK/no-ollama" HF_TOKEN=bench-token-not-for-the-cdn
unset HF_HUB_OFFLINE MODELMANIFEST_OFFLINE MODELMANIFEST_LOCAL_CACHES
echo "== $BYTES bytes on loopback ($RUNS runs each; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
measure "fetch --source http:// (plain HTTP source)" "${CLI[@]}" fetch -m "$WORK/bench.models.json" -s "http://127.0.0.1:$PORT/plain/" --cache "$WORK/cache"
measure "fetch --source hf://acme/bench (HEAD, 302 to CDN)" env HF_ENDPOINT="http://127.0.0.1:$PORT" "${CLI[@]}" fetch -m "$WORK/bench.models.json" -s hf://acme/bench --cache "$WORK/cache"
measure "fetch from the Hugging Face cache (link + verify)" env HF_HUB_CACHE="$WORK/hf-cache" "${CLI[@]}" fetch -m "$WORK/bench.models.json" --cache "$WORK/cache"
grep -q "from Hugging Face cache" "$WORK/last.log" || { echo "the last run was not served by the Hugging Face cache:"; cat "$WORK/last.log"; exit 1; }
