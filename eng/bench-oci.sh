#!/usr/bin/env bash
# OCI source benchmark, side by side in one run: `modelmanifest fetch` of one asset from a CNCF Distribution registry
# on loopback (oci://, filesystem storage) against the same bytes through the plain HTTP source from nginx on loopback.
# Both runs are the whole CLI process into an empty cache (sha256-verified, fsynced, renamed). Also times the push
# that fills the registry (`modelmanifest push --to oci://…`) and a second, idempotent push. Not a test: prints figures.
#   eng/bench-oci.sh [bytes] [runs]        (defaults: 1 GiB, 3 runs)
# Needs ~ 4 x bytes free in /tmp, /usr/bin/docker-registry and nginx (eng/install-prerequisites.sh; nginx-light is
# installed when missing); everything is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES=${1:-1073741824}
RUNS=${2:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1

if ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi

WORK=$(mktemp -d /tmp/mm-bench-oci.XXXXXX)
NGINX_PID=
REGISTRY_PID=
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nodeReuse:false src/ModelManifest.Cli >/dev/null
CLI=(dotnet src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli.dll)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
REGISTRY_PORT=$(free_port)

echo "== preparing $BYTES random bytes"
mkdir -p "$WORK/www/big"
head -c "$BYTES" /dev/urandom >"$WORK/www/big/big.bin"
SHA=$(openssl dgst -sha256 -r "$WORK/www/big/big.bin" | cut -d' ' -f1)
cat >"$WORK/www/big/big.models.json" <<JSON
{
  "schemaVersion": "1.1",
  "models": [{ "id": "bench-big", "version": "1.0.0", "assets": [{ "id": "big", "role": "weights" }] }],
  "assets": [{ "id": "big", "fileName": "big.bin", "size": $BYTES, "sha256": "$SHA" }]
}
JSON

mkdir -p "$WORK/nginx" "$WORK/registry"
cat >"$WORK/nginx/nginx.conf" <<CONF
user root;
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  types { application/octet-stream bin; }
  server { listen 127.0.0.1:$HTTP_PORT; root $WORK/www; }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!

cat >"$WORK/registry/config.yml" <<CONF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/registry/storage
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  secret: bench
CONF
/usr/bin/docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && curl -s -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/" && break
  sleep 0.1
done

# once <label> <command...>: wall time and peak RSS of one run.
once() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time1" "$@" >"$WORK/last.log" 2>&1 || { cat "$WORK/last.log"; exit 1; }
  awk -v label="$label" '{ printf "%-44s %6.2f s   peak RSS %5.0f MB\n", label, $1, $2/1024 }' "$WORK/time1"
}

# measure <label> <command...>: RUNS runs into an empty cache, then "label  median-s  MB/s  peak-rss-MB".
measure() {
  local label=$1; shift
  : >"$WORK/times"
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/cache"
    /usr/bin/time -f "%e %M" -o "$WORK/time1" "$@" >"$WORK/last.log" 2>&1 || { cat "$WORK/last.log"; exit 1; }
    cat "$WORK/time1" >>"$WORK/times"
  done
  sort -n "$WORK/times" | awk -v label="$label" -v bytes="$BYTES" '{ t[NR]=$1; if ($2>rss) rss=$2 } END { m=t[int((NR+1)/2)]; printf "%-44s median %6.2f s  %7.1f MB/s   (runs: %d)   peak RSS %5.0f MB\n", label, m, bytes/1e6/m, NR, rss/1024 }'
}

LOCATION="oci://127.0.0.1:$REGISTRY_PORT/bench/big"
echo "== push of $BYTES bytes to CNCF Distribution on loopback (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
once "push --to oci:// (upload)" "${CLI[@]}" push "$WORK/www/big" --to "$LOCATION" --cache "$WORK/push-cache"
once "push --to oci:// again (idempotent)" "${CLI[@]}" push "$WORK/www/big" --to "$LOCATION" --cache "$WORK/push-cache"
rm -rf "$WORK/push-cache"
curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/big/big.bin" # warm the page cache of the served file

echo "== fetch of $BYTES bytes on loopback, same CLI, empty cache ($RUNS runs each; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
measure "fetch --source http:// (nginx)" "${CLI[@]}" fetch -m "$WORK/www/big/big.models.json" --cache "$WORK/cache" --source "http://127.0.0.1:$HTTP_PORT/"
measure "fetch --source oci:// (docker-registry)" "${CLI[@]}" fetch -m "$WORK/www/big/big.models.json" --cache "$WORK/cache" --source "$LOCATION:1.0.0"
# Each server's own ceiling for one stream: the blob read by curl to /dev/null (no hashing, no disk write).
measure "curl -o /dev/null from nginx" curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/big/big.bin"
measure "curl -o /dev/null from docker-registry" curl -sf -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/bench/big/blobs/sha256:$SHA"
