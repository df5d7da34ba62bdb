"""Quality at equal budget: our JumpReLU against SAELens's (documented tanh recipe) at matched L0, on test rows.

Usage: python -m bench.quality [--steps 300] [--batch 1024] [--target-l0 32] [--max-peer-runs 3]

Both train a 16× JumpReLU SAE on the study corpus's cached embeddings (cs.LG + astro-ph abstracts, MiniLM),
from the same `ActivationStore` (same train / validation / test rows), for the same number of steps and batch
size: the budget of `sae_sbert_run`'s defaults. Ours runs `train_sae` with its defaults and `target_l0`.
SAELens has no L0 target, so its sparsity coefficient is searched: the documented value (5) first, then
secant steps in log λ / log L0 until two runs bracket the target; its explained variance at the target L0 is
interpolated linearly in log L0 between them. Its recipe, from SAELens's training docs: tanh sparsity loss,
tanh scale 4, bandwidth 2, initial threshold 0.1, pre-activation loss 3e-6, `normalize_activations=
'expected_average_only_in'` (the same E‖x‖² = d_in scaling as ours), λ warm-up over all steps, learning-rate
decay over the last 20 %; everything else is its default (Adam lr 3e-4, no lr warm-up). Every metric is
`sae_sbert.evaluate.evaluate_sae` on the raw test vectors.
"""
import argparse, math, time
import torch
from sae_sbert.evaluate import evaluate_sae
from sae_sbert.sae import SAEConfig
from sae_sbert.store import ActivationStore
from sae_sbert.train import TrainConfig, train_sae

SAE_LENS_RECIPE = dict(jumprelu_sparsity_loss_mode="tanh", jumprelu_tanh_scale=4.0, jumprelu_bandwidth=2.0,
                       jumprelu_init_threshold=0.1, pre_act_loss_coefficient=3e-6,
                       normalize_activations="expected_average_only_in")
DOCUMENTED_L0_COEFFICIENT = 5.0

def train_ours(embeddings, steps:int, batch:int, target_l0:float, seed:int=0):
    "Our default JumpReLU run; (sae, seconds)."
    store = ActivationStore(embeddings, batch_size=batch, seed=seed)
    d = store.d_in
    t = time.perf_counter()
    res = train_sae(SAEConfig(d_in=d, d_sae=16 * d), TrainConfig(steps=steps, target_l0=target_l0, seed=seed),
                    store, progress=False)
    return res.sae, time.perf_counter() - t

def _raw_batches(store:ActivationStore):
    while True: yield store.next_batch()

def train_sae_lens(embeddings, steps:int, batch:int, l0_coefficient:float, seed:int=0, norm_batches:int=100):
    "SAELens's JumpReLU with its documented tanh recipe, through `SAETrainer.fit`; (sae, seconds)."
    from sae_lens import JumpReLUTrainingSAE, JumpReLUTrainingSAEConfig, SAETrainer
    from sae_lens.config import SAETrainerConfig
    store = ActivationStore(embeddings, batch_size=batch, seed=seed, scale=1.0)  # raw: SAELens scales them itself
    torch.manual_seed(seed)
    d = store.d_in
    sae = JumpReLUTrainingSAE(JumpReLUTrainingSAEConfig(d_in=d, d_sae=16 * d, l0_coefficient=l0_coefficient,
                                                        l0_warm_up_steps=steps, **SAE_LENS_RECIPE))
    cfg = SAETrainerConfig(total_training_samples=steps * batch, train_batch_size_samples=batch, lr_end=3e-5,
                           lr_decay_steps=steps // 5, n_batches_for_norm_estimate=norm_batches)
    t = time.perf_counter()
    sae = SAETrainer(cfg, sae, _raw_batches(store)).fit()
    return sae.eval(), time.perf_counter() - t

def test_metrics(sae, test) -> dict:
    "evaluate_sae's metrics on the raw test vectors."
    return evaluate_sae(sae, test).metrics

def interpolate_at(runs:list[dict], target:float, key:str="explained_variance") -> tuple[float, bool]:
    "`key` at L0 = `target`, linear in log L0 between the closest runs either side; (value, bracketed)."
    below = [r for r in runs if r["l0"] <= target]
    above = [r for r in runs if r["l0"] > target]
    if not below or not above:
        nearest = min(runs, key=lambda r: abs(math.log(r["l0"] / target)))
        return nearest[key], False
    lo, hi = max(below, key=lambda r: r["l0"]), min(above, key=lambda r: r["l0"])
    w = (math.log(target) - math.log(lo["l0"])) / (math.log(hi["l0"]) - math.log(lo["l0"]))
    return lo[key] + w * (hi[key] - lo[key]), True

def next_coefficient(runs:list[dict], target:float) -> float:
    "The next λ: a secant step in log λ against log L0 through the last two runs (one run: L0 ∝ 1/λ)."
    if len(runs) == 1: return runs[0]["l0_coefficient"] * runs[0]["l0"] / target
    a, b = runs[-2], runs[-1]
    slope = (math.log(b["l0"]) - math.log(a["l0"])) / (math.log(b["l0_coefficient"]) - math.log(a["l0_coefficient"]))
    if not math.isfinite(slope) or slope >= 0: slope = -1.0
    return b["l0_coefficient"] * math.exp((math.log(target) - math.log(b["l0"])) / slope)

def quality(embeddings, steps:int=300, batch:int=1024, target_l0:float=32, max_peer_runs:int=3, peers:bool=True,
            seed:int=0) -> tuple[dict, object]:
    "Test metrics of ours and of SAELens's runs with SAELens's metrics interpolated to our L0; and our SAE."
    test = ActivationStore(embeddings, batch_size=batch, seed=seed).test()
    sae, seconds = train_ours(embeddings, steps, batch, target_l0, seed)
    ours = {**test_metrics(sae, test), "seconds": seconds}
    print(f"[bench] quality, ours: L0 {ours['l0']:.1f}, explained variance {ours['explained_variance']:.4f} "
          f"({seconds:.0f} s)")
    out = dict(steps=steps, batch=batch, target_l0=target_l0, n_test=len(test), ours=ours, sae_lens_runs=[])
    if not peers: return out, sae
    runs, lam = out["sae_lens_runs"], DOCUMENTED_L0_COEFFICIENT
    for _ in range(max_peer_runs):
        peer, seconds = train_sae_lens(embeddings, steps, batch, lam, seed)
        runs.append({**test_metrics(peer, test), "l0_coefficient": lam, "seconds": seconds})
        print(f"[bench] quality, SAELens λ={lam:.3g}: L0 {runs[-1]['l0']:.1f}, explained variance "
              f"{runs[-1]['explained_variance']:.4f}, dead {runs[-1]['dead_fraction']:.1%} ({seconds:.0f} s)")
        if interpolate_at(runs, ours["l0"])[1]: break
        lam = next_coefficient(runs, target_l0)
    for key in ("explained_variance", "dead_fraction", "cosine"):
        out[f"sae_lens_{key}_at_our_l0"], out["bracketed"] = interpolate_at(runs, ours["l0"], key)
    return out, sae

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--target-l0", type=float, default=32)
    p.add_argument("--max-peer-runs", type=int, default=3)
    a = p.parse_args()
    from bench.data import study
    from bench.train import has_sae_lens
    r, _ = quality(study()[2].embeddings, a.steps, a.batch, a.target_l0, a.max_peer_runs, peers=has_sae_lens())
    print({k: v for k, v in r.items() if k != "sae_lens_runs"})

if __name__ == "__main__": main()
