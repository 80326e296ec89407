#!/usr/bin/env bash
# Builds the registry's container image exactly as docs/registry.md says (dotnet publish -t:PublishContainer, the
# project's own container settings) and runs it without a container engine, then asks it /healthz and /readyz.
#
# This machine has no container engine and cannot reach mcr.microsoft.com, so the base image is made here: a Debian
# minbase root (debootstrap, from the Debian mirror) plus this SDK's own .NET and ASP.NET Core runtimes, written as an
# OCI image and served by CNCF Distribution (docker-registry) on loopback. The SDK builds the image on top of it into
# an OCI archive; the script unpacks the archive's layers into a root folder and starts the image's entrypoint with its
# environment, working directory and user, in a chroot with its own process namespace (unshare). What this checks:
# the image the SDK makes from our project settings starts, as its non-root user, and serves. What it does not: the
# chiseled Ubuntu base named in the project (replaced here by the local base).
#   eng/container-check.sh          (needs root, debootstrap, docker-registry, skopeo, python3, curl; ~ 2 minutes)
#   MM_SKIP_BUILD=1 eng/container-check.sh    (use the Release build already in src/ModelManifest.Registry/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
[ "$(id -u)" -eq 0 ] || { echo "container-check: needs root (debootstrap, chroot, unshare)" >&2; exit 1; }
for tool in debootstrap skopeo curl python3 unshare chroot; do
  command -v "$tool" >/dev/null || { echo "container-check: $tool is missing (eng/install-prerequisites.sh)" >&2; exit 1; }
done
[ -x /usr/bin/docker-registry ] || { echo "container-check: /usr/bin/docker-registry is missing (eng/install-prerequisites.sh)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/mm-container.XXXXXX)
PIDS=()
cleanup() {
  # The server first (unshare's child: PID 1 of its namespace, so everything in it goes too), then unshare and the
  # registry. SIGKILL: unshare --fork ignores SIGTERM while it waits, and the child's parent-death signal does not
  # survive chroot --userspec changing its user.
  for pid in "${PIDS[@]}"; do pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== base image: Debian minbase + this SDK's runtimes"
debootstrap --variant=minbase --include=libssl3,libicu72,ca-certificates bookworm "$WORK/base" \
  "${MODELMANIFEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')
mkdir -p "$WORK/base/usr/share/dotnet/shared" "$WORK/base/usr/share/dotnet/host"
cp -a "$DOTNET_ROOT/dotnet" "$WORK/base/usr/share/dotnet/"
cp -a "$DOTNET_ROOT/host/fxr" "$WORK/base/usr/share/dotnet/host/"
for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
  mkdir -p "$WORK/base/usr/share/dotnet/shared/$framework"
  cp -a "$DOTNET_ROOT/shared/$framework/$runtime" "$WORK/base/usr/share/dotnet/shared/$framework/"
done
ln -sf /usr/share/dotnet/dotnet "$WORK/base/usr/bin/dotnet"

# The root folder as a one-layer OCI image layout (gzip layer, config with the variables the .NET images set).
python3 - "$WORK/base" "$WORK/base-oci" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
root, out = sys.argv[1:3]
os.makedirs(f"{out}/blobs/sha256")
def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(f"{out}/blobs/sha256/{digest}", "wb") as f:
        f.write(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}
class Hashing(io.RawIOBase):
    def __init__(self, inner): self.inner, self.sha = inner, hashlib.sha256()
    def writable(self): return True
    def write(self, b): self.sha.update(b); return self.inner.write(b)
with open(f"{out}/layer", "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=1, mtime=0) as gz:
        uncompressed = Hashing(gz)
        with tarfile.open(fileobj=uncompressed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for name in sorted(os.listdir(root)):
                tar.add(os.path.join(root, name), arcname=name)
layer = blob(open(f"{out}/layer", "rb").read())
os.remove(f"{out}/layer")
config = blob(json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_UID=1654", "DOTNET_RUNNING_IN_CONTAINER=true"]},
    "rootfs": {"type": "layers", "diff_ids": [f"sha256:{uncompressed.sha.hexdigest()}"]}}).encode())
manifest = blob(json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}]}).encode())
json.dump({"imageLayoutVersion": "1.0.0"}, open(f"{out}/oci-layout", "w"))
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest,
           "annotations": {"org.opencontainers.image.ref.name": "10.0"}}]}, open(f"{out}/index.json", "w"))
PY

REGISTRY_PORT=$(free_port)
mkdir -p "$WORK/registry"
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$WORK/registry/storage" "$REGISTRY_PORT" >"$WORK/registry/config.yml"
/usr/bin/docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/v2/" && break; sleep 0.1; done
BASE="127.0.0.1:$REGISTRY_PORT/base/aspnet:10.0"
skopeo copy -q --dest-tls-verify=false "oci:$WORK/base-oci:10.0" "docker://$BASE"

echo "== dotnet publish src/ModelManifest.Registry -t:PublishContainer (base $BASE)"
# MM_SKIP_BUILD=1: the Release build is already there (the test run), so the publish only reads it.
[ "${MM_SKIP_BUILD:-}" = 1 ] || dotnet build src/ModelManifest.Registry -c Release -nodeReuse:false >/dev/null
DOTNET_CONTAINER_INSECURE_REGISTRIES="127.0.0.1:$REGISTRY_PORT" dotnet publish src/ModelManifest.Registry -c Release --no-build \
  -t:PublishContainer -p:ContainerBaseImage="$BASE" -p:ContainerFamily= \
  -p:ContainerArchiveOutputPath="$WORK/registry-image.tar.gz" -nodeReuse:false >"$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log" >&2; exit 1; }

echo "== unpacking the image and starting its entrypoint"
mkdir -p "$WORK/archive" "$WORK/run"
tar -xf "$WORK/registry-image.tar.gz" -C "$WORK/archive"
python3 - "$WORK/archive" "$WORK/run" "$WORK/image.env" <<'PY'
import json, shlex, subprocess, sys
archive, run, env_file = sys.argv[1:4]
def load(digest):
    return open(f"{archive}/blobs/sha256/{digest.split(':')[1]}", "rb")
index = json.load(open(f"{archive}/index.json"))
tags = {m.get("annotations", {}).get("org.opencontainers.image.ref.name") for m in index["manifests"]}
assert {"0.1.0", "latest"} <= tags, f"tags {tags}"
manifest = json.load(load(index["manifests"][0]["digest"]))
config = json.load(load(manifest["config"]["digest"]))["config"]
for layer in manifest["layers"]:
    subprocess.run(["tar", "-xzf", f"{archive}/blobs/sha256/{layer['digest'].split(':')[1]}", "-C", run, "--numeric-owner"], check=True)
assert "8080/tcp" in config.get("ExposedPorts", {}), config
user = config.get("User", "0")
assert user not in ("", "0", "root"), f"the image runs as root: {config}"
with open(env_file, "w") as f:
    f.write(f"IMAGE_USER={shlex.quote(user)}\n")
    f.write(f"IMAGE_WORKDIR={shlex.quote(config.get('WorkingDir') or '/')}\n")
    f.write("IMAGE_ENV=(" + " ".join(shlex.quote(e) for e in config.get("Env", [])) + ")\n")
    f.write("IMAGE_ENTRYPOINT=(" + " ".join(shlex.quote(a) for a in config.get("Entrypoint", []) + config.get("Cmd", [])) + ")\n")
print("entrypoint:", config.get("Entrypoint"), "user:", user, "workdir:", config.get("WorkingDir"))
PY
. "$WORK/image.env"

# The data volume, writable by the image's user (as a volume prepared for it would be).
mkdir -p "$WORK/run/data"
chown "$IMAGE_USER" "$WORK/run/data"
PORT=$(free_port)
unshare --fork --pid --mount --mount-proc="$WORK/run/proc" \
  chroot --userspec="$IMAGE_USER:$IMAGE_USER" "$WORK/run" \
  /usr/bin/env -i "${IMAGE_ENV[@]}" HOME=/tmp ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
  /bin/sh -c 'cd "$0" && exec "$@"' "$IMAGE_WORKDIR" "${IMAGE_ENTRYPOINT[@]}" --data /data >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
for path in /healthz /readyz /openapi/v1.json; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  [ "$code" = 200 ] || { echo "container-check: GET $path answered $code" >&2; cat "$WORK/server.log" >&2; exit 1; }
done
[ -n "$(ls -A "$WORK/run/data")" ] || { echo "container-check: the server wrote nothing under /data" >&2; cat "$WORK/server.log" >&2; exit 1; }
echo "container-check: ok (the image's entrypoint serves /healthz, /readyz and /openapi/v1.json as user $IMAGE_USER)"
