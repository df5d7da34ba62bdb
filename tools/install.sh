#!/usr/bin/env bash
# Install sae_sbert with its dev tools and the fast CPU path (OpenVINO). torch comes first, pinned, so pip never pulls a multi-GB CUDA build here.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check "torch==${TORCH_VERSION:-2.13.0}"
python3 -m pip install -q --disable-pip-version-check -e ".[dev,fast]"
