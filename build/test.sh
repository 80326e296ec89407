#!/usr/bin/env bash
# The test command: installs prerequisites, builds, packs the NuGet packages once for the end-to-end tests,
# then runs every test project of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/install-prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
dotnet build ModelManifest.Build.sln -c Release -nodeReuse:false
bash build/pack.sh
export MODELMANIFEST_E2E_FEED="$PWD/artifacts/feed"
dotnet test ModelManifest.Build.sln -c Release --no-build -nodeReuse:false "$@"
