#!/usr/bin/env bash
# Packs ModelManifest, ModelManifest.Sources.S3 and ModelManifest.Build into artifacts/feed (after a Release build of the solution).
set -euo pipefail
cd "$(dirname "$0")/.."
feed="$PWD/artifacts/feed"
rm -rf "$feed"
dotnet pack src/ModelManifest/ModelManifest.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Sources.Azure/ModelManifest.Sources.Azure.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Sources.S3/ModelManifest.Sources.S3.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Build/ModelManifest.Build.csproj -c Release --no-build -o "$feed" -nodeReuse:false
