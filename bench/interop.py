"""Interop: SAELens's `SAE.load_from_disk` on SAEs saved by `sae_sbert`, feature for feature.

Usage: python -m bench.interop

For each architecture, a seeded SAE (d_in 384, 16×, thresholds set as after training) is saved with
`SparseAutoencoder.save`, loaded back with SAELens's `SAE.load_from_disk`, and both encode the same 2,048 unit
vectors; the row reports the largest absolute difference between the two feature matrices (0 = identical) or
the error SAELens raised. `save` writes BatchTopK as SAELens's `jumprelu` (its global inference threshold repeated
per feature) and ReLU as SAELens's `standard`, the two architectures SAELens has no loader for under our names.
The SAE our own `from_pretrained` reads back from the same folder is compared too.
"""
import tempfile
from pathlib import Path
import torch
from sae_sbert.sae import SAEConfig, SparseAutoencoder, create_sae

ARCHS = ("jumprelu", "topk", "batchtopk", "relu")

def seeded_sae(architecture:str, d_in:int=384, expansion:int=16, seed:int=0):
    "An SAE in eval mode whose thresholds let about 3 % of features fire on unit vectors."
    sae = create_sae(SAEConfig(d_in=d_in, d_sae=expansion * d_in, architecture=architecture, k=32), seed=seed)
    x = _inputs(4096, d_in, seed + 1)
    sae.initialize(x, 32)
    if architecture == "batchtopk": sae.calibrate(x)
    return sae.eval()

def _inputs(n:int, d:int, seed:int) -> torch.Tensor:
    x = torch.randn(n, d, generator=torch.Generator().manual_seed(seed))
    return x / x.norm(dim=1, keepdim=True)

def _difference(sae, path:Path, x:torch.Tensor) -> float|str:
    from sae_lens import SAE
    try: theirs = SAE.load_from_disk(str(path))
    except Exception as e: return f"{type(e).__name__}: {e}"[:80]
    with torch.no_grad(): return float((theirs.encode(x) - sae.encode(x)).abs().max())

def interop() -> dict:
    "Per architecture: max |Δ features| of SAELens's load of our saved folder, and of our own load of it."
    x, rows = _inputs(2048, 384, 7), {}
    for arch in ARCHS:
        sae = seeded_sae(arch)
        with tempfile.TemporaryDirectory() as d:
            sae.save(Path(d) / "sae")
            with torch.no_grad(): ours = (SparseAutoencoder.from_pretrained(Path(d) / "sae").encode(x) - sae.encode(x))
            rows[arch] = dict(sae_lens=_difference(sae, Path(d) / "sae", x), ours=float(ours.abs().max()),
                              l0=float((sae.encode(x) != 0).sum(1).float().mean()))
    return rows

def main():
    for arch, r in interop().items():
        print(f"{arch:10s} L0 {r['l0']:5.1f}  SAELens load: {r['sae_lens']}  our load: {r['ours']}")

if __name__ == "__main__": main()
