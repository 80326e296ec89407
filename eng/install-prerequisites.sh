#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK. Idempotent; a no-op when everything is present.
set -euo pipefail

packages=()
# (Debian packages the tests need are appended here, one check per package.)
# Small real ONNX models for the checkpoint reader and CLI tests (tests/ModelManifest.Checkpoints.Tests, tests/ModelManifest.Cli.Tests).
[ -d /usr/share/libonnx-testdata/data ] || packages+=(libonnx-testdata)
# Real torch.save checkpoints, written at test time by Debian's /usr/bin/python3 (tests/ModelManifest.Checkpoints.Tests/Python).
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || packages+=(python3-torch)

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-prerequisites: need root to install: ${packages[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-prerequisites: the .NET SDK (see global.json) is required: https://dot.net" >&2
  exit 1
fi
