#!/usr/bin/env bash
# Transfer benchmark, side by side in one run: the whole `modelmanifest fetch` process (empty cache, sha256-verified,
# fsynced and renamed into the cache) against `curl -o` and `aria2c -x 8`, from nginx on loopback — once at full speed
# and once with nginx capping every connection at 40 MB/s (`limit_rate 40m`), as CDNs and long-distance links do.
# Prints the median wall time, peak RSS and client and server CPU of interleaved runs (eng/bench-lib.sh), and the ratios
# the issue's goals name. Not a test: prints figures.
# Then 200 assets of 1 MiB: the same CLI with its default concurrency (8) and 16 against --max-concurrent-assets 1, from
# nginx and from a server that answers each request after 20 ms (eng/bench-latency-server.py: a server across a network).
# The CLI is the ReadyToRun build users get from `dotnet tool install` (published for this machine's platform); every
# run starts after a `sync`, so no run pays for the writeback of the one before.
#   eng/bench-transfer.sh [bytes] [capped-bytes] [runs]     (defaults: 1 GiB, 512 MiB, 3 runs)
#   BENCH_ONLY=many eng/bench-transfer.sh                   (only the many-assets comparison)
# Needs ~ 3 x bytes free in /tmp; installs aria2 and nginx (Debian packages) when missing; everything is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. eng/bench-nginx.sh
. eng/bench-lib.sh
BYTES=${1:-1073741824}
CAPPED_BYTES=${2:-536870912}
RUNS=${3:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1

if ! command -v aria2c >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq aria2 nginx-light >/dev/null
fi

WORK=$(mktemp -d /tmp/mm-bench-transfer.XXXXXX)
NGINX_PID=
LATENCY_PID=
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  if [ -n "$LATENCY_PID" ]; then kill "$LATENCY_PID" 2>/dev/null || true; fi
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

publish_cli

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
CAPPED_PORT=$(free_port)
LATENCY_PORT=$(free_port)

# One asset per size, served at <id>/<fileName> (the http source's default path template).
make_asset() { # name bytes -> writes $WORK/www/<name>/<name>.bin and a manifest; prints the manifest path
  local name=$1 bytes=$2
  mkdir -p "$WORK/www/$name"
  head -c "$bytes" /dev/urandom >"$WORK/www/$name/$name.bin"
  local sha
  sha=$(openssl dgst -sha256 -r "$WORK/www/$name/$name.bin" | cut -d' ' -f1)
  cat >"$WORK/$name.models.json" <<JSON
{
  "schemaVersion": "1.1",
  "models": [{ "id": "bench-$name", "version": "1.0.0", "assets": [{ "id": "$name", "role": "weights" }] }],
  "assets": [{ "id": "$name", "fileName": "$name.bin", "size": $bytes, "sha256": "$sha" }]
}
JSON
}
if [ "${BENCH_ONLY:-}" != many ]; then
  echo "== preparing $BYTES and $CAPPED_BYTES random bytes"
  make_asset full "$BYTES"
  make_asset capped "$CAPPED_BYTES"
fi

# MANY assets of 1 MiB each, served at <name>/<name>.bin, all in one manifest (one model referencing them all).
MANY=200
echo "== preparing $MANY assets of 1 MiB"
python3 - "$WORK" "$MANY" <<'PY'
import hashlib, json, os, sys
work, count = sys.argv[1], int(sys.argv[2])
assets = []
for i in range(count):
    data = os.urandom(1 << 20)
    name = f"many{i:03}"
    os.makedirs(f"{work}/www/{name}", exist_ok=True)
    with open(f"{work}/www/{name}/{name}.bin", "wb") as f:
        f.write(data)
    assets.append({"id": name, "fileName": f"{name}.bin", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
manifest = {"schemaVersion": "1.1",
            "models": [{"id": "bench-many", "version": "1.0.0", "assets": [{"id": a["id"], "role": "weights"} for a in assets]}],
            "assets": assets}
with open(f"{work}/many.models.json", "w") as f:
    json.dump(manifest, f)
PY

mkdir -p "$WORK/nginx"
{ nginx_preamble "$WORK"; cat <<CONF
  server { listen 127.0.0.1:$PORT; root $WORK/www; }
  server { listen 127.0.0.1:$CAPPED_PORT; root $WORK/www; limit_rate 40m; }
}
CONF
} >"$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
python3 eng/bench-latency-server.py "$WORK/www" "$LATENCY_PORT" 20 &
LATENCY_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$LATENCY_PORT/" && break; sleep 0.1; done
if [ "${BENCH_ONLY:-}" != many ]; then
  curl -s -o /dev/null "http://127.0.0.1:$PORT/full/full.bin"     # warm the page cache of the served files
  curl -s -o /dev/null "http://127.0.0.1:$PORT/capped/capped.bin"
fi

# Every run starts from an empty cache and output folder, after a `sync`: no run pays for the writeback of the one before.
before_run() { rm -rf "$WORK/out"; mkdir -p "$WORK/out"; sync; }
# ratio <label> <numerator-median> <denominator-median>
ratio() { awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN { printf "  %-68s %5.2fx\n", l, a / b }'; }
FETCH="${CLI[*]} fetch --cache $WORK/cache"

if [ "${BENCH_ONLY:-}" != many ]; then
BYTES_SAVED=$BYTES
echo "== $BYTES bytes from nginx on loopback, full speed ($RUNS interleaved runs; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
row "curl -o" "$NGINX_PID" "curl -s -o $WORK/out/full.bin http://127.0.0.1:$PORT/full/full.bin"
row "curl -o; sync -f (the same durability, not verified)" "$NGINX_PID" "curl -s -o $WORK/out/full.bin http://127.0.0.1:$PORT/full/full.bin && sync -f $WORK/out/full.bin"
row "curl -o; openssl dgst -sha256; sync -f (the same guarantees)" "$NGINX_PID" "curl -s -o $WORK/out/full.bin http://127.0.0.1:$PORT/full/full.bin && openssl dgst -sha256 $WORK/out/full.bin >/dev/null && sync -f $WORK/out/full.bin"
row "aria2c -x 8 -s 8" "$NGINX_PID" "aria2c -q -x 8 -s 8 -k 1M --file-allocation=falloc -d $WORK/out -o full.bin http://127.0.0.1:$PORT/full/full.bin"
# The floor of any durable download here: the disk writing the same bytes (read from the page cache), then an fsync.
row "the disk alone: dd conv=fsync (no network)" "$NGINX_PID" "dd if=$WORK/www/full/full.bin of=$WORK/out/full.bin bs=4M conv=fsync status=none"
row "modelmanifest fetch (verified, fsynced)" "$NGINX_PID" "$FETCH -m $WORK/full.models.json -s http://127.0.0.1:$PORT/"
measure_rows
ratio "fetch / curl -o (goal <= 1.25)" "${MEDIANS[5]}" "${MEDIANS[0]}"
ratio "fetch / (curl -o; sync -f)" "${MEDIANS[5]}" "${MEDIANS[1]}"
ratio "fetch / (curl -o; openssl; sync -f)" "${MEDIANS[5]}" "${MEDIANS[2]}"
ratio "fetch / the disk alone" "${MEDIANS[5]}" "${MEDIANS[4]}"

BYTES=$CAPPED_BYTES
echo "== $CAPPED_BYTES bytes, nginx capping each connection at 40 MB/s ($RUNS interleaved runs; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
row "curl -o" "$NGINX_PID" "curl -s -o $WORK/out/capped.bin http://127.0.0.1:$CAPPED_PORT/capped/capped.bin"
row "aria2c -x 8 -s 8" "$NGINX_PID" "aria2c -q -x 8 -s 8 -k 1M --file-allocation=falloc -d $WORK/out -o capped.bin http://127.0.0.1:$CAPPED_PORT/capped/capped.bin"
row "aria2c -x 8; openssl dgst -sha256; sync -f" "$NGINX_PID" "aria2c -q -x 8 -s 8 -k 1M --file-allocation=falloc -d $WORK/out -o capped.bin http://127.0.0.1:$CAPPED_PORT/capped/capped.bin && openssl dgst -sha256 $WORK/out/capped.bin >/dev/null && sync -f $WORK/out/capped.bin"
row "modelmanifest fetch (verified, fsynced)" "$NGINX_PID" "$FETCH -m $WORK/capped.models.json -s http://127.0.0.1:$CAPPED_PORT/"
measure_rows
ratio "curl -o / fetch (goal >= 4)" "${MEDIANS[0]}" "${MEDIANS[3]}"
ratio "fetch / aria2c -x 8 (goal <= 1)" "${MEDIANS[3]}" "${MEDIANS[1]}"
BYTES=$BYTES_SAVED
fi

BYTES=$((MANY << 20))
for server in "nginx on loopback:$PORT:$NGINX_PID" "a server answering after 20 ms:$LATENCY_PORT:$LATENCY_PID"; do
  IFS=: read -r name port pid <<<"$server"
  echo "== $MANY assets of 1 MiB from $name, same CLI ($RUNS interleaved runs; machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
  row "fetch, $MANY x 1 MiB, default (8 at once)" "$pid" "$FETCH -m $WORK/many.models.json -s http://127.0.0.1:$port/"
  row "fetch, $MANY x 1 MiB, 16 at once" "$pid" "$FETCH -m $WORK/many.models.json -s http://127.0.0.1:$port/ --max-concurrent-assets 16"
  row "fetch, $MANY x 1 MiB, one at a time" "$pid" "$FETCH -m $WORK/many.models.json -s http://127.0.0.1:$port/ --max-concurrent-assets 1"
  measure_rows
  ratio "one at a time / default (goal >= 3)" "${MEDIANS[2]}" "${MEDIANS[0]}"
  ratio "one at a time / 16 at once" "${MEDIANS[2]}" "${MEDIANS[1]}"
done
