#!/usr/bin/env bash
# Build-time benchmarks of ModelManifest.Build, side by side in one run (figures go to docs/performance.md):
#  1. first build on an empty cache from a loopback HTTP server vs `curl -o` of the same bytes + a plain build;
#  2. no-op `dotnet build` of an app bundling ASSET_MB of assets vs the same app without the package (median of N);
#  3. bundling a BIG_MB asset into bin/ with links vs copies (asset already cached).
# Usage: bash eng/bench-build.sh [ASSET_MB=1024] [BIG_MB=4096] [N=5]
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/consumer-workspace.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
ASSET_MB=${1:-1024}; BIG_MB=${2:-4096}; N=${3:-5}
for tool in bc curl; do command -v $tool >/dev/null || { echo "bench-build.sh needs $tool (apt-get install $tool)"; exit 1; }; done
repo="$PWD"
work="${TMPDIR:-/tmp}/modelmanifest-bench-build"
rm -rf "$work"; mkdir -p "$work/served" "$work/mirror"

[ -f artifacts/feed/ModelManifest.Build.0.1.0.nupkg ] || { dotnet build ModelManifest.Build.sln -c Release -v:q -nologo; bash eng/pack.sh >/dev/null; }
dotnet build samples/DemoHost -c Release -v:q -nologo >/dev/null

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "writing ${ASSET_MB} MB and ${BIG_MB} MB assets..."
head -c "${ASSET_MB}M" /dev/urandom > "$work/served/asset.bin"
head -c "${BIG_MB}M" /dev/urandom > "$work/mirror/big.bin"
sha=$(sha256sum "$work/served/asset.bin" | cut -c1-64); size=$(stat -c %s "$work/served/asset.bin")
bigsha=$(sha256sum "$work/mirror/big.bin" | cut -c1-64); bigsize=$(stat -c %s "$work/mirror/big.bin")

dotnet samples/DemoHost/bin/Release/net10.0/DemoHost.dll serve "$work/served" "$work/port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
url="$(cat "$work/port")/"

consumer_workspace "$work" "$repo/artifacts/feed"
app() { # name, items, manifest-json-or-empty
  mkdir -p "$work/$1/models"
  cat > "$work/$1/$1.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup>$2</ItemGroup>
</Project>
XML
  echo 'Console.WriteLine("hello");' > "$work/$1/Program.cs"
  [ -z "$3" ] || echo "$3" > "$work/$1/models/m.models.json"
}
manifest() { echo "{ \"schemaVersion\": \"1.1\", \"models\": [{ \"id\": \"m\", \"version\": \"1.0.0\", \"assets\": [{ \"id\": \"a\" }] }], \"assets\": [{ \"id\": \"a\", \"fileName\": \"$1\", \"size\": $2, \"sha256\": \"$3\" }] }"; }
pkg='<PackageReference Include="ModelManifest.Build" Version="0.1.0" />'
app with "$pkg<ModelAssetSource Include=\"$url\" PathTemplate=\"{fileName}\" />" "$(manifest asset.bin "$size" "$sha")"
app plain "" ""
app runtime '<PackageReference Include="ModelManifest" Version="0.1.0" />' ""
app big "$pkg<ModelAssetSource Include=\"$work/mirror\" />" "$(manifest big.bin "$bigsize" "$bigsha")"
for p in with plain runtime big; do (cd "$work/$p" && dotnet restore -v:q >/dev/null); done
export MODELMANIFEST_CACHE="$work/cache"

echo; echo "== 1. first build, empty cache, ${ASSET_MB} MB from loopback HTTP (median of $N, interleaved)"
# Fair to both sides: the compiler server is warmed first by an untimed build (otherwise the first timed build pays
# for starting it), every timed command starts after a sync (the assets written above, or the gigabyte curl left
# dirty, are not flushed during someone else's timing), and the three commands take turns.
(cd "$work/plain" && dotnet build --no-restore -v:q -nologo >/dev/null)
clean_build() { rm -rf "$work/$1/bin" "$work/$1/obj/Debug" "$work/$1/obj/modelassets"; }
: > "$work/first.with"; : > "$work/first.before"; : > "$work/first.curl"; : > "$work/first.curlsync"; : > "$work/first.plain"
for _ in $(seq 1 "$N"); do
  rm -rf "$work/cache" "$work/curl.bin"; clean_build with; clean_build plain; sync
  t=$(now); (cd "$work/with" && dotnet build --no-restore -v:q -nologo >/dev/null); elapsed "$t" >> "$work/first.with"
  sync; t=$(now); curl -s -o "$work/curl.bin" "${url}asset.bin"; elapsed "$t" >> "$work/first.curl"
  # The same download made durable, as the build's cache makes it (verified, fsynced): curl leaves it in the page cache.
  rm -f "$work/curl.bin"; sync; t=$(now); curl -s -o "$work/curl.bin" "${url}asset.bin" && sync -f "$work/curl.bin"; elapsed "$t" >> "$work/first.curlsync"
  sync; t=$(now); (cd "$work/plain" && dotnet build --no-restore -v:q -nologo >/dev/null); elapsed "$t" >> "$work/first.plain"
  # The same build resolving everything before compilation (ModelAssetResolveInBackground=false), as before it overlapped.
  rm -rf "$work/cache"; clean_build with; sync
  t=$(now); (cd "$work/with" && dotnet build --no-restore -v:q -nologo -p:ModelAssetResolveInBackground=false >/dev/null); elapsed "$t" >> "$work/first.before"
done
first_with=$(median < "$work/first.with"); curl_s=$(median < "$work/first.curl"); first_plain=$(median < "$work/first.plain")
printf "with package: %.2f s   curl -o: %.2f s + plain build: %.2f s = %.2f s   ratio %.2f (goal <= 1.3)\n" "$first_with" "$curl_s" "$first_plain" "$(echo "$curl_s + $first_plain" | bc)" "$(echo "$first_with / ($curl_s + $first_plain)" | bc -l)"
curlsync_s=$(median < "$work/first.curlsync"); before_s=$(median < "$work/first.before")
printf "  with the package, resolving before compilation (ModelAssetResolveInBackground=false): %.2f s   ratio %.2f\n" "$before_s" "$(echo "$before_s / ($curl_s + $first_plain)" | bc -l)"
printf "  against curl -o; sync -f (the same durability): %.2f s + plain build = %.2f s   ratio %.2f\n" "$curlsync_s" "$(echo "$curlsync_s + $first_plain" | bc)" "$(echo "$first_with / ($curlsync_s + $first_plain)" | bc -l)"
echo "  runs, with package: $(tr '\n' ' ' < "$work/first.with")  before compilation: $(tr '\n' ' ' < "$work/first.before")  curl: $(tr '\n' ' ' < "$work/first.curl")  plain: $(tr '\n' ' ' < "$work/first.plain")"

echo; echo "== 2. no-op build (median of $N)"
for p in with plain runtime; do
  (cd "$work/$p" && dotnet build --no-restore -v:q -nologo >/dev/null) # warm: the first build of "runtime" is not a no-op
  for _ in $(seq 1 "$N"); do t=$(now); (cd "$work/$p" && dotnet build --no-restore -v:q -nologo >/dev/null); elapsed "$t"; done | median > "$work/$p.noop"
done
printf "with package: %.2f s   without: %.2f s   ratio %.3f\n" "$(cat "$work/with.noop")" "$(cat "$work/plain.noop")" "$(echo "$(cat "$work/with.noop") / $(cat "$work/plain.noop")" | bc -l)"
printf "app referencing only the ModelManifest runtime package (no build logic): %.2f s   ratio with/that %.3f\n" "$(cat "$work/runtime.noop")" "$(echo "$(cat "$work/with.noop") / $(cat "$work/runtime.noop")" | bc -l)"
(cd "$work/with" && dotnet build --no-restore -nologo -v:m -clp:PerformanceSummary | grep -E "^ +[0-9]+ ms  _?ModelAsset" | awk '{ s += $1 } END { printf "ModelManifest.Build targets in that no-op build: %d ms (MSBuild PerformanceSummary)\n", s }')

echo; echo "== 3. bundling a ${BIG_MB} MB asset into bin/ (cached), link vs copy"
(cd "$work/big" && dotnet build --no-restore -v:q -nologo -p:ModelAssetLinkMode=Copy >/dev/null) # fills the cache
for mode in Auto Copy; do
  rm -rf "$work/big/bin" "$work/big/obj/modelassets"
  t=$(now); (cd "$work/big" && dotnet build --no-restore -v:n -nologo -p:ModelAssetLinkMode=$mode | grep -E "Model asset a " || true); printf "%s: %.2f s\n" "$mode" "$(elapsed "$t")"
done
rm -rf "$work/big/bin"
t=$(now); cp "$work/mirror/big.bin" "$work/cp.bin"; printf "cp of the same file: %.2f s\n" "$(elapsed "$t")"
rm -rf "$work"
