#!/usr/bin/env bash
# Benchmark (not a test) for issue 13's performance goals on a 4 GiB PyTorch checkpoint written by a real
# torch.save (Debian's /usr/bin/python3 + python3-torch):
#   * `modelmanifest extract` (hash-bound) against `openssl dgst -sha256` on the same file: median of 3 each;
#     goal: extract throughput >= 0.9x openssl's;
#   * `modelmanifest verify` (the PyTorch safe check, no hash): median of 3; goal < 200 ms for any size.
# The file is read once first so every run starts from the same warm page cache. Deletes the file at the end.
# Usage: eng/bench-torch.sh [directory for the 4 GiB file, default: a temp dir]
#        MM_SKIP_BUILD=1 uses the already built Release CLI.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${1:-${TMPDIR:-/tmp}}/mm-bench-torch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
file="$work/big.pt"
raw="$work/raw.bin"
size=$((4 * 1024 * 1024 * 1024))

need=$((size * 2 / 1024))   # KiB: the random bytes plus the checkpoint
avail=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if (( avail < need + 1024 * 1024 )); then
    echo "need $((need / 1024 / 1024)) GiB free in $work, have $((avail / 1024 / 1024)) GiB" >&2
    exit 1
fi

if [[ "${MM_SKIP_BUILD:-0}" != 1 ]]; then
    echo "building modelmanifest (Release)..."
    dotnet build "$repo/src/ModelManifest.Cli" -c Release -nologo -v:q -nodeReuse:false >/dev/null
fi
tool="$repo/src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli"

echo "writing a 4 GiB PyTorch checkpoint to $file..."
head -c "$size" /dev/urandom > "$raw"
# One float32 storage mapped from the random file (no 4 GiB copy in memory), four 1 GiB tensors viewing it, as a
# state dict plus a little training state; torch.save writes the storage once, as data/0 in the zip.
/usr/bin/python3 - "$raw" "$file" "$size" <<'PY'
import sys, torch
raw, path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = size // 4
storage = torch.from_file(raw, shared=False, size=n, dtype=torch.float32)
quarter = n // 4
state = {f"layers.{i}.weight": storage[i * quarter:(i + 1) * quarter].view(16384, -1) for i in range(4)}
torch.save({"state_dict": state, "epoch": 3, "hyper_parameters": {"lr": 1e-3}}, path)
PY
rm -f "$raw"
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null

wall() { # command... -> seconds, output discarded
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

median3() { # label, command...
    local label="$1"; shift
    local runs=() m
    for _ in 1 2 3; do runs+=("$(wall "$@")"); done
    m=$(printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p)
    printf '%-34s median %8.3f s  (runs %s)  %6.2f GB/s\n' "$label" "$m" "${runs[*]}" \
        "$(awk -v b="$bytes" -v s="$m" 'BEGIN { print (s > 0 ? b / s / 1e9 : 0) }')"
    echo "$m" > "$work/last"
}

echo "file: $bytes bytes; $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$tool" verify "$file" > /dev/null   # must pass: the benchmark measures a valid checkpoint
median3 "openssl dgst -sha256"         openssl dgst -sha256 "$file";  openssl_s=$(cat "$work/last")
median3 "modelmanifest extract"        "$tool" extract "$file" --json; extract_s=$(cat "$work/last")
median3 "modelmanifest verify (no hash)" "$tool" verify "$file"
# The same check on a tiny checkpoint: what is left there is .NET start-up, not the file's size.
small="$work/small.pt"
/usr/bin/python3 -c 'import sys, torch; torch.save({"w": torch.zeros(2)}, sys.argv[1])' "$small"
bytes=$(stat -c %s "$small")
median3 "verify (tiny checkpoint)"     "$tool" verify "$small"
awk -v o="$openssl_s" -v e="$extract_s" 'BEGIN { printf "extract throughput / openssl throughput: %.2f (goal >= 0.9)\n", o / e }'
