#!/usr/bin/env bash
# The main job, end to end: validates the example manifests with the modelmanifest CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet run --project src/ModelManifest.Cli -c Release -- validate schema/examples
