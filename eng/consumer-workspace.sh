# Sourced by demo.sh and bench-build.sh: makes <dir> a workspace for user projects that consume the packed
# packages from artifacts/feed (private global packages folder, package source mapping) and that do not pick up
# this repository's Directory.*.props.
consumer_workspace() {
  local dir="$1" feed="$2"
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo "<Project />" > "$dir/$f"; done
  cat > "$dir/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$dir/packages" /></config>
  <packageSources><clear /><add key="local" value="$feed" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="ModelManifest" /><package pattern="ModelManifest.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
}
