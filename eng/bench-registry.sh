#!/usr/bin/env bash
# Registry benchmarks on loopback. Not a test: prints figures (docs/performance.md#registry keeps the last run).
#   eng/bench-registry.sh [blob-bytes] [catalog-versions]      (defaults: 1 GiB and 10000)
# 1. blob GET of <blob-bytes> from the registry vs `python3 -m http.server` serving the same file (curl both);
# 2. push of the same file (PUT /v1/blobs) vs `curl -T` to a plain PUT sink;
# 3. 200 concurrent clients reading the manifest document with If-None-Match (wrk; p99 and requests/s);
# 4. a catalog of <catalog-versions> versions: GET /v1/manifest warm.
# Needs ~ 3 x blob-bytes free in /tmp, curl, python3, and wrk (apt-get install -y wrk) for step 3.
set -euo pipefail
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
BYTES=${1:-1073741824}
VERSIONS=${2:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/mm-bench-registry.XXXXXX)
TOKEN=mmr_bench-admin-token
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done; echo "port $1 never answered" >&2; exit 1; }
mibs() { python3 -c "print(f'{float($1)/1048576:.0f} MiB/s')"; }

dotnet build "$ROOT/src/ModelManifest.Registry" -c Release -nodeReuse:false -v q -clp:ErrorsOnly >/dev/null
REG_PORT=$(free_port)
MODELMANIFEST_REGISTRY_ADMIN_TOKEN=$TOKEN dotnet "$ROOT/src/ModelManifest.Registry/bin/Release/net10.0/ModelManifest.Registry.dll" \
  --urls "http://127.0.0.1:$REG_PORT" --data "$WORK/registry" --Logging:LogLevel:Default=Warning >"$WORK/registry.log" 2>&1 &
PIDS+=($!)
wait_port "$REG_PORT"
REG="http://127.0.0.1:$REG_PORT"

echo "== $((BYTES / 1048576)) MiB blob"
mkdir -p "$WORK/static"
head -c "$BYTES" /dev/urandom >"$WORK/static/blob.bin"
SHA=$(sha256sum "$WORK/static/blob.bin" | cut -c1-64)

# A PUT sink: reads the body and discards it (the loopback rate of curl -T, nothing stored), or with ?store writes it
# to a file and fsyncs it (what any server that keeps the upload durably pays for this disk).
SINK_PORT=$(free_port)
python3 - "$SINK_PORT" "$WORK/sink.bin" >/dev/null 2>&1 <<'PY' &
import http.server, os, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        left = int(self.headers["Content-Length"])
        out = open(sys.argv[2], "wb") if self.path.endswith("?store") else None
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk: break
            if out: out.write(chunk)
            left -= len(chunk)
        if out: out.flush(); os.fsync(out.fileno()); out.close(); os.remove(sys.argv[2])
        self.send_response(201); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
PIDS+=($!)
wait_port "$SINK_PORT"
SINK_RATE=$(curl -s -o /dev/null -T "$WORK/static/blob.bin" -w '%{speed_upload}' "http://127.0.0.1:$SINK_PORT/blob.bin")
STORE_RATE=$(curl -s -o /dev/null -T "$WORK/static/blob.bin" -w '%{speed_upload}' "http://127.0.0.1:$SINK_PORT/blob.bin?store")
PUSH_RATE=$(curl -s -o /dev/null -T "$WORK/static/blob.bin" -H "Authorization: Bearer $TOKEN" -w '%{speed_upload}' "$REG/v1/blobs/sha256/$SHA")
echo "push:  registry PUT (hash + fsync + verify) $(mibs "$PUSH_RATE")"
echo "       curl -T to a storing sink (write + fsync) $(mibs "$STORE_RATE")   ratio $(python3 -c "print(f'{$PUSH_RATE/$STORE_RATE:.2f}')")"
echo "       curl -T to a discarding sink $(mibs "$SINK_RATE")   ratio $(python3 -c "print(f'{$PUSH_RATE/$SINK_RATE:.2f}')")"

HTTP_PORT=$(free_port)
(cd "$WORK/static" && exec python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
PIDS+=($!)
wait_port "$HTTP_PORT"
curl -s -o /dev/null "$REG/v1/blobs/sha256/$SHA"   # warm the page cache for both
STATIC_RATE=$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$HTTP_PORT/blob.bin")
GET_RATE=$(curl -s -o /dev/null -w '%{speed_download}' "$REG/v1/blobs/sha256/$SHA")
echo "get:   registry $(mibs "$GET_RATE")   python3 -m http.server $(mibs "$STATIC_RATE")   ratio $(python3 -c "print(f'{$GET_RATE/$STATIC_RATE:.2f}')")"
rm -f "$WORK/static/blob.bin"

echo "== catalog of $VERSIONS versions"
python3 - "$REG" "$TOKEN" "$VERSIONS" <<'PY'
import hashlib, http.client, json, sys, urllib.parse, time
base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
auth = {"Authorization": "Bearer " + token}
started = time.time()
for i in range(count):
    data = f"weights of version {i}".encode()
    sha = hashlib.sha256(data).hexdigest()
    c.request("PUT", f"/v1/blobs/sha256/{sha}", body=data, headers=auth); c.getresponse().read()
    model, version = f"bench-model-{i % 100}", f"1.{i // 100}.0"
    doc = {"schemaVersion": "1.1",
           "models": [{"id": model, "version": version, "tags": ["bench"], "assets": [{"id": f"w{i}", "role": "weights"}],
                       "inputs": {"variables": [{"name": "x"}]}}],
           "assets": [{"id": f"w{i}", "fileName": "weights.bin", "size": len(data), "sha256": sha, "format": "other"}]}
    c.request("PUT", f"/v1/models/{model}/versions/{version}", body=json.dumps(doc), headers={**auth, "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    if r.status not in (200, 201): raise SystemExit(f"publish {model}@{version}: {r.status}")
print(f"published {count} versions in {time.time() - started:.1f} s")
PY
curl -s -o "$WORK/manifest.json" "$REG/v1/manifest"      # first read builds and caches the document
TIMES=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' "$REG/v1/manifest"; done | sort -n)
echo "manifest (warm, $(stat -c %s "$WORK/manifest.json") bytes): $(echo "$TIMES" | python3 -c "import sys; t=[float(x)*1000 for x in sys.stdin]; print(f'median {t[len(t)//2]:.1f} ms, best {t[0]:.1f} ms')")"
TIMES=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' "$REG/v1/models"; done | sort -n)
echo "list   (warm): $(echo "$TIMES" | python3 -c "import sys; t=[float(x)*1000 for x in sys.stdin]; print(f'median {t[len(t)//2]:.1f} ms')")"

echo "== 200 concurrent If-None-Match clients on the manifest document"
ETAG=$(curl -s -D - -o /dev/null "$REG/v1/manifest" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
if command -v wrk >/dev/null; then
  wrk -t2 -c200 -d15s --latency -H "If-None-Match: $ETAG" "$REG/v1/manifest" | grep -E 'Requests/sec|99%|Non-2xx|Socket errors' || true
  echo "(each answer is a 304: $(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$REG/v1/manifest") for one of them)"
else
  echo "wrk not installed (apt-get install -y wrk): skipped"
fi
