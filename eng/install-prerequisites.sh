#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK. Idempotent; a no-op when everything is present.
set -euo pipefail

packages=()
# (Debian packages the tests need are appended here, one check per package.)
# Small real ONNX models for the checkpoint reader and CLI tests (tests/ModelManifest.Checkpoints.Tests, tests/ModelManifest.Cli.Tests).
[ -d /usr/share/libonnx-testdata/data ] || packages+=(libonnx-testdata)
# Real torch.save checkpoints, written at test time by Debian's /usr/bin/python3 (tests/ModelManifest.Checkpoints.Tests/Python).
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || packages+=(python3-torch)
# Real servers and clients the source and registry tests start on loopback: CNCF Distribution (OCI registry) and
# skopeo (another OCI client), PostgreSQL (the registry's shared database), the AWS CLI (another S3 client).
[ -x /usr/bin/docker-registry ] || packages+=(docker-registry)
[ -x /usr/bin/skopeo ] || packages+=(skopeo)
[ -x /usr/lib/postgresql/15/bin/postgres ] || packages+=(postgresql)
[ -x /usr/bin/aws ] || packages+=(awscli)
# debootstrap: the Debian root of the local base image on which eng/container-check.sh builds the registry's container
# image (tests/ModelManifest.Registry.Tests/ContainerImageTests.cs).
command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || packages+=(debootstrap)

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-prerequisites: need root to install: ${packages[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

# npm tools, into artifacts/test-tools (not global): s3rver (a real S3 API), Azurite (Microsoft's Azure Storage
# emulator) and @huggingface/hub (a real hub client for the registry's compatible routes). Versions pinned;
# ExternalServer.NpmTool finds the servers.
tools="$(dirname "$0")/../artifacts/test-tools"
if [ ! -x "$tools/node_modules/.bin/s3rver" ] || [ ! -x "$tools/node_modules/.bin/azurite-blob" ] || [ ! -f "$tools/node_modules/@huggingface/hub/package.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-prerequisites: npm (Node.js) is required for the s3rver and azurite test servers" >&2
    exit 1
  fi
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error s3rver@3.7.1 azurite@3.37.0 @huggingface/hub@2.17.5 >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-prerequisites: the .NET SDK (see global.json) is required: https://dot.net" >&2
  exit 1
fi
