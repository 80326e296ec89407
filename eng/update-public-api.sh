#!/usr/bin/env bash
# Records new public API: builds the solution, and appends every symbol that PublicApiAnalyzers reports as
# undeclared (RS0016) to PublicAPI.Unshipped.txt beside the project that declares it. Review the diff before
# committing: the public API is a promise.
set -euo pipefail
cd "$(dirname "$0")/.."
# Usage: eng/update-public-api.sh [build log]   (without a log, builds the solution first)
if [ $# -gt 0 ]; then log="$1"; else
  log="$(mktemp)"
  dotnet build ModelManifest.Build.sln -c Release -nodeReuse:false -tl:off >"$log" 2>&1 || true
fi
python3 - "$log" <<'PY'
import re, sys, os, collections
added = collections.defaultdict(set)
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"error RS0016: Symbol '(.*)' is not part of the declared public API.*\[(.*\.csproj)", line)
    if m:
        added[os.path.join(os.path.dirname(m.group(2)), "PublicAPI.Unshipped.txt")].add(m.group(1))
for path, symbols in added.items():
    existing = set(open(path, encoding="utf-8").read().splitlines()) if os.path.exists(path) else set()
    lines = sorted((existing | symbols) - {"", "#nullable enable"}, key=str.lower)
    with open(path, "w", encoding="utf-8") as f:
        f.write("#nullable enable\n" + "".join(l + "\n" for l in lines))
    print(f"{path}: {len(symbols)} symbol(s) recorded")
PY
[ $# -gt 0 ] || rm -f "$log"
