#!/usr/bin/env bash
# Packs ModelManifest, the source packages, ModelManifest.Build and the ModelManifest.Cli tool into artifacts/feed (after a
# Release build of the solution). The tool is one package per platform (ReadyToRun, compiled here for each) plus a pointer
# package and a framework-dependent `any` fallback, so it is built by its pack, not --no-build.
set -euo pipefail
cd "$(dirname "$0")/.."
feed="$PWD/artifacts/feed"
rm -rf "$feed"
dotnet pack src/ModelManifest/ModelManifest.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Sources.Azure/ModelManifest.Sources.Azure.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Sources.S3/ModelManifest.Sources.S3.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Build/ModelManifest.Build.csproj -c Release --no-build -o "$feed" -nodeReuse:false
dotnet pack src/ModelManifest.Cli/ModelManifest.Cli.csproj -c Release -o "$feed" -nodeReuse:false
