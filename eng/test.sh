#!/usr/bin/env bash
# The test command: installs prerequisites, builds, packs the NuGet packages once for the end-to-end tests,
# then runs every test project of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/install-prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
dotnet build ModelManifest.Build.sln -c Release -nodeReuse:false
bash eng/pack.sh
export MODELMANIFEST_E2E_FEED="$PWD/artifacts/feed"
log="$(mktemp)"
status=0
dotnet test ModelManifest.Build.sln -c Release --no-build -nodeReuse:false "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test assembly: "N passed, N failed".
awk '/^(Passed|Failed)! +- Failed: / { gsub(",", ""); f += $4; p += $6 } END { printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
