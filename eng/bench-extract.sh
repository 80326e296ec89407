#!/usr/bin/env bash
# Benchmark (not a test): `modelmanifest extract` on a 4 GiB safetensors file.
# Measures extract with hashing against `sha256sum` of the same file in the same run, peak memory with
# /usr/bin/time -v (Debian package "time"), and metadata-only `--no-hash`. Deletes the big file at the end.
# Usage: eng/bench-extract.sh [directory for the 4 GiB file, default: a temp dir]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${1:-${TMPDIR:-/tmp}}/mm-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
file="$work/big.safetensors"
size=$((4 * 1024 * 1024 * 1024))

echo "building modelmanifest (Release)..."
dotnet build "$repo/src/ModelManifest.Cli" -c Release -nologo -v:q >/dev/null
tool="$repo/src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli"

echo "writing a 4 GiB safetensors file to $file..."
header="{\"weight\":{\"dtype\":\"U8\",\"shape\":[$size],\"data_offsets\":[0,$size]},\"__metadata__\":{\"bench\":\"1\"}}"
while (( (${#header} % 8) != 0 )); do header="$header "; done
python3 - "$file" "$header" <<'PY'
import struct, sys
path, header = sys.argv[1], sys.argv[2].encode()
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(header)))
    f.write(header)
PY
head -c "$size" /dev/urandom >> "$file"
bytes=$(stat -c %s "$file")
# Read once so that every measurement below starts from the same (warm page cache) state.
cat "$file" > /dev/null

measure() { # label, command...
    local label="$1"; shift
    local out="$work/time.txt"
    /usr/bin/time -v "$@" > "$work/stdout.txt" 2> "$out"
    local secs rss
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out")
    printf '%-34s %8.3f s  %8.2f GB/s  peak RSS %7.1f MB\n' "$label" "$secs" \
        "$(awk -v b="$bytes" -v s="$secs" 'BEGIN { print (s > 0 ? b / s / 1e9 : 0) }')" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
}

echo "file: $bytes bytes"
measure "sha256sum (coreutils)"         sha256sum "$file"
measure "openssl dgst -sha256"          openssl dgst -sha256 "$file"
measure "modelmanifest extract"         "$tool" extract "$file" --json
measure "modelmanifest extract --no-hash" "$tool" extract "$file" --json --no-hash
# The same metadata-only extract on a 96-byte safetensors file: the difference to the line above is what the
# file's size costs (nothing); what remains is .NET start-up.
small="$work/small.safetensors"
python3 - "$small" <<'PY'
import struct, sys
header = b'{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}'
header += b" " * (-len(header) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(header)) + header + bytes(8))
PY
bytes=$(stat -c %s "$small")
measure "extract --no-hash (96-byte file)" "$tool" extract "$small" --json --no-hash
