#!/usr/bin/env bash
# Install the benchmark's peer library (SAELens) into its own virtual environment, never into the project's.
# The venv sees the system's packages (torch, sae_sbert, ...) and must not replace torch: a plain `pip install
# sae-lens` could pull a multi-GB CUDA build. Usage: bash bench/install_peers.sh [VENV] (default ../venvs/bench,
# or $SAE_SBERT_BENCH_VENV). Does nothing when sae_lens is already importable there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-${SAE_SBERT_BENCH_VENV:-$root/../venvs/bench}}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import sae_lens" 2>/dev/null; then
  echo "sae-lens already installed in $venv"; exit 0
fi
python -m venv --system-site-packages "$venv"
torch_version="$("$venv/bin/python" -c 'import torch; print(torch.__version__)')"
constraints="$(mktemp)"; trap 'rm -f "$constraints"' EXIT
echo "torch==$torch_version" > "$constraints"  # keep the installed torch, whatever sae-lens asks for
plan="$("$venv/bin/pip" install --dry-run sae-lens -c "$constraints" 2>&1 | grep -E "^Would install" || true)"
if echo "$plan" | grep -q " torch-"; then
  echo "sae-lens would replace torch $torch_version; not installing" >&2; exit 1
fi
"$venv/bin/pip" install sae-lens -c "$constraints"
"$venv/bin/python" -c "import torch, sae_lens; print('sae-lens', sae_lens.__version__, 'with torch', torch.__version__)"
