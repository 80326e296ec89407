#!/usr/bin/env bash
# The main job, end to end, on this machine only (loopback):
#  1. builds and packs ModelManifest.Build;
#  2. writes two small but real checkpoints (safetensors, GGUF) and describes them with `modelmanifest extract`;
#  3. serves one from a folder (the "team mirror", priority 10) and the other from an HTTP server on 127.0.0.1
#     (priority 100);
#  4. creates an app that references the packed package, builds it (the log says which source served what) and
#     runs it (it prints its typed catalog and re-hashes the bundled files).
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/consumer-workspace.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
repo="$PWD"
work="$repo/artifacts/demo"
rm -rf "$work" && mkdir -p "$work/app/models"

step() { printf '\n== %s\n' "$*"; }

step "Build and pack ModelManifest.Build"
dotnet build ModelManifest.Build.sln -c Release -nodeReuse:false -v:q -clp:ErrorsOnly -nologo
bash eng/pack.sh >/dev/null
ls artifacts/feed

step "Write two real checkpoints"
dotnet samples/DemoHost/bin/Release/net10.0/DemoHost.dll prepare "$work"

step "Describe them with the registrator CLI (modelmanifest extract --into)"
cli="dotnet $repo/src/ModelManifest.Cli/bin/Release/net10.0/ModelManifest.Cli.dll"
$cli extract "$work/mirror/weather-mini.safetensors" --id weather-mini --version 1.0.0 --into "$work/app/models/demo.models.json"
$cli extract "$work/server/tiny-llama.gguf" --id tiny-llama --version 1.0.0 --into "$work/app/models/demo.models.json"
$cli validate "$work/app/models"

step "Serve the GGUF from a loopback HTTP server"
dotnet samples/DemoHost/bin/Release/net10.0/DemoHost.dll serve "$work/server" "$work/port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
url="$(cat "$work/port")/"
echo "serving $work/server at $url"

step "Create the app and build it (empty cache)"
cp samples/DemoApp/DemoApp.csproj samples/DemoApp/Program.cs "$work/app/"
consumer_workspace "$work" "$repo/artifacts/feed"
export MODELMANIFEST_CACHE="$work/cache"
dotnet build "$work/app" -nodeReuse:false -v:n -p:DemoMirror="$work/mirror" -p:DemoServer="$url" | grep -E "Model asset|: (warning|error) [A-Z]+[0-9]+|Build succeeded" || true
test -f "$work/app/bin/Debug/net10.0/DemoApp.dll"

step "Run the app"
dotnet "$work/app/bin/Debug/net10.0/DemoApp.dll"

step "Build again: nothing fetched, nothing hashed"
dotnet build "$work/app" -nodeReuse:false -v:d -p:DemoMirror="$work/mirror" -p:DemoServer="$url" | grep -q 'Skipping target "_ModelAssetResolveCore" because all output files are up-to-date' && echo "model assets up to date: the resolve target was skipped (no task loaded, no connection, no hashing)"
echo "done: the demo lives in $work"
