#!/usr/bin/env bash
# The test command: installs prerequisites, builds, packs the NuGet packages once for the end-to-end tests,
# then runs every test project of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/install-prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
dotnet build ModelManifest.Build.sln -c Release -nodeReuse:false
feed="$PWD/artifacts/feed"
rm -rf "$feed"
dotnet pack src/ModelManifest/ModelManifest.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Build/ModelManifest.Build.csproj -c Release --no-build -o "$feed" -nodeReuse:false
export MODELMANIFEST_E2E_FEED="$feed"
dotnet test ModelManifest.Build.sln -c Release --no-build -nodeReuse:false "$@"
