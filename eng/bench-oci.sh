#!/usr/bin/env bash
# OCI source benchmark, side by side in one run: `modelmanifest fetch` of one asset from a CNCF Distribution registry
# on loopback (oci://, filesystem storage) against the same bytes through the plain HTTP source, from the same registry
# (the blob URL as the manifest's per-asset URL) and from nginx on loopback. Every run is the whole CLI process into an
# empty cache (sha256-verified, fsynced, renamed); runs interleave, and each row says how much CPU the server used,
# which on two cores is taken from the client. Also times the push
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

. eng/bench-lib.sh
publish_cli

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

LOCATION="oci://127.0.0.1:$REGISTRY_PORT/bench/big"
echo "== push of $BYTES bytes to CNCF Distribution on loopback (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
once "push --to oci:// (upload)" "${CLI[@]}" push "$WORK/www/big" --to "$LOCATION" --cache "$WORK/push-cache"
once "push --to oci:// again (idempotent)" "${CLI[@]}" push "$WORK/www/big" --to "$LOCATION" --cache "$WORK/push-cache"
rm -rf "$WORK/push-cache"
curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/big/big.bin" # warm the page cache of the served file

# The same bytes from the same registry through the plain HTTP source: the manifest's per-asset URL is the blob URL.
# Against the oci:// row this is the OCI source's own cost (the manifest read, the blob by digest); against the nginx
# row it is what the server costs (Distribution copies the blob through user space, nginx uses sendfile).
mkdir -p "$WORK/hint"
sed "s|\"sha256\": \"$SHA\"|\"sha256\": \"$SHA\", \"urls\": [\"http://127.0.0.1:$REGISTRY_PORT/v2/bench/big/blobs/sha256:$SHA\"]|" \
  "$WORK/www/big/big.models.json" >"$WORK/hint/big.models.json"
FETCH="${CLI[*]} fetch --cache $WORK/cache"

echo "== fetch of $BYTES bytes on loopback, same CLI, empty cache ($RUNS interleaved runs each; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
row "fetch --source http:// (nginx)" "$NGINX_PID" "$FETCH -m $WORK/www/big/big.models.json --source http://127.0.0.1:$HTTP_PORT/"
row "fetch --source oci:// (docker-registry)" "$REGISTRY_PID" "$FETCH -m $WORK/www/big/big.models.json --source $LOCATION:1.0.0"
row "fetch, plain HTTP source, the registry's blob URL" "$REGISTRY_PID" "$FETCH -m $WORK/hint/big.models.json"
measure_rows
echo "${MEDIANS[@]}" | awk '{ printf "oci:// / plain HTTP source, same registry: %.2f;  oci:// / plain HTTP source from nginx: %.2f\n", $3/$2, $1/$2 }'
# Each server's own ceiling for one stream: the blob read by curl to /dev/null (no hashing, no disk write).
row "curl -o /dev/null from nginx" "$NGINX_PID" "curl -sf -o /dev/null http://127.0.0.1:$HTTP_PORT/big/big.bin"
row "curl -o /dev/null from docker-registry" "$REGISTRY_PID" "curl -sf -o /dev/null http://127.0.0.1:$REGISTRY_PORT/v2/bench/big/blobs/sha256:$SHA"
measure_rows
