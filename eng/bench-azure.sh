#!/usr/bin/env bash
# Azure Blob benchmark, side by side in one run: `modelmanifest fetch --source azblob://…` against Azurite (Microsoft's
# emulator, on loopback) and `modelmanifest fetch --source http://…` against `python3 -m http.server` serving the same
# bytes — each into an empty cache (sha256-verified, fsynced, renamed). Prints wall time and MB/s of each and the ratio.
# The blob is put into Azurite beforehand by another client (a small shared-key REST client in Python, 32 MiB blocks),
# which also reads it once on its own: the emulator's ceiling, printed beside the ratio.
# Not a test: prints figures. Azurite (Node.js, file-backed) is itself the bottleneck on a small machine; the ratio
# says what the emulator allows, not what Azure Storage does.
#   eng/bench-azure.sh [bytes] [runs]      (defaults: 1 GiB, 1 run)
# Needs ~ 4 x bytes free in /tmp and artifacts/test-tools (eng/install-prerequisites.sh); everything is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES=${1:-1073741824}
RUNS=${2:-1}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
AZURITE=artifacts/test-tools/node_modules/.bin/azurite-blob
[ -x "$AZURITE" ] || { echo "bench-azure: $AZURITE is missing: run eng/install-prerequisites.sh" >&2; exit 1; }

WORK=$(mktemp -d /tmp/mm-bench-azure.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nodeReuse:false src/ModelManifest.Cli >/dev/null
CLI=(dotnet src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli.dll)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 120); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.5; done; echo "port $1 not listening" >&2; exit 1; }
AZ_PORT=$(free_port)
HTTP_PORT=$(free_port)

echo "== preparing $BYTES random bytes"
# Served at <id>/<fileName>: the http source's default path template.
mkdir -p "$WORK/www/bench" "$WORK/azurite"
head -c "$BYTES" /dev/urandom >"$WORK/www/bench/bench.bin"
SHA=$(openssl dgst -sha256 -r "$WORK/www/bench/bench.bin" | cut -d' ' -f1)
cat >"$WORK/bench.models.json" <<JSON
{
  "schemaVersion": "1.1",
  "models": [{ "id": "bench", "version": "1.0.0", "assets": [{ "id": "bench", "role": "weights" }] }],
  "assets": [{ "id": "bench", "fileName": "bench.bin", "size": $BYTES, "sha256": "$SHA" }]
}
JSON

"$AZURITE" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$WORK/azurite" --skipApiVersionCheck --loose --silent >/dev/null & PIDS+=($!)
(cd "$WORK/www" && exec python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 >/dev/null 2>&1) & PIDS+=($!)
wait_port "$AZ_PORT"
wait_port "$HTTP_PORT"

# Another client: a small shared-key REST client (Python). "put" uploads in 32 MiB blocks; "get" reads the blob over one
# connection into /dev/null, which is what Azurite itself can serve (the emulator's ceiling).
cat >"$WORK/azurite.py" <<'PY'
import base64, hashlib, hmac, http.client, sys, urllib.parse, uuid
from email.utils import formatdate
ACCOUNT = "devstoreaccount1"  # Azurite's development account and its published key
KEY = base64.b64decode("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==")
mode, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port)
def request(verb, resource, query, headers, body=b""):
    headers = dict(headers, **{"x-ms-date": formatdate(usegmt=True), "x-ms-version": "2021-08-06"})
    canonical = "".join(f"{k}:{v}\n" for k, v in sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith("x-ms-")))
    canonical += f"/{ACCOUNT}/{ACCOUNT}{resource}" + "".join(f"\n{k}:{v}" for k, v in sorted(query.items()))
    to_sign = "\n".join([verb, "", "", str(len(body)) if body else "", "", headers.get("Content-Type", "")] + [""] * 6) + "\n" + canonical
    headers["Authorization"] = f"SharedKey {ACCOUNT}:" + base64.b64encode(hmac.new(KEY, to_sign.encode(), hashlib.sha256).digest()).decode()
    conn.request(verb, f"/{ACCOUNT}{resource}?" + urllib.parse.urlencode(query), body=body, headers=dict(headers, **{"Content-Length": str(len(body))}))
    response = conn.getresponse()
    if response.status >= 300:
        sys.exit(f"{verb} {resource}: HTTP {response.status} {response.read()[:200]!r}")
    return response
if mode == "put":
    request("PUT", "/bench", {"restype": "container"}, {}).read()
    ids = []
    with open(path, "rb") as f:
        while chunk := f.read(32 << 20):
            ids.append(base64.b64encode(uuid.uuid4().hex.encode()).decode())
            request("PUT", "/bench/models/bench.bin", {"comp": "block", "blockid": ids[-1]}, {}, chunk).read()
    body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>" + "".join(f"<Latest>{i}</Latest>" for i in ids) + "</BlockList>").encode()
    request("PUT", "/bench/models/bench.bin", {"comp": "blocklist"}, {"Content-Type": "application/xml"}, body).read()
else:
    response = request("GET", "/bench/models/bench.bin", {}, {})
    while response.read(1 << 20):
        pass
PY
echo "== putting the blob into Azurite"
python3 "$WORK/azurite.py" put "$AZ_PORT" "$WORK/www/bench/bench.bin"

fetch() { # label source [env...] -> prints seconds
  local label=$1 source=$2; shift 2
  rm -rf "$WORK/cache"
  local start end
  start=$(date +%s.%N)
  env "$@" "${CLI[@]}" fetch -m "$WORK/bench.models.json" --cache "$WORK/cache" --source "$source" --json >"$WORK/$label.json"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZ_PORT/devstoreaccount1;"
MB=$(echo "$BYTES / 1048576" | bc -l)
for run in $(seq "$RUNS"); do
  http=$(fetch http "http://127.0.0.1:$HTTP_PORT/")
  azure=$(fetch azure "azblob://devstoreaccount1/bench/models" "AZURE_STORAGE_CONNECTION_STRING=$CONNECTION")
  start=$(date +%s.%N); python3 "$WORK/azurite.py" get "$AZ_PORT" -; raw=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'run %d: %.0f MiB  http.server %6.2f s (%6.1f MB/s)   azblob/Azurite %6.2f s (%6.1f MB/s)   azure/http %.2f   Azurite alone (one GET to /dev/null) %6.2f s (%6.1f MB/s)\n' \
    "$run" "$MB" "$http" "$(echo "$MB / $http" | bc -l)" "$azure" "$(echo "$MB / $azure" | bc -l)" "$(echo "($MB / $azure) / ($MB / $http)" | bc -l)" "$raw" "$(echo "$MB / $raw" | bc -l)"
done
