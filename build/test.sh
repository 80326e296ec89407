#!/usr/bin/env bash
# The test command: installs prerequisites, then runs every test project of the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/install-prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
dotnet build ModelManifest.Build.sln -c Release -nodeReuse:false
dotnet test ModelManifest.Build.sln -c Release --no-build -nodeReuse:false "$@"
