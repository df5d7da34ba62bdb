"""`JumpReLUSAE.calibrate` (one order statistic) against the bisection it replaced, side by side.

Usage: python bench/calibrate.py [--d-in 384] [--expansion 16] [--rows 1024 4096] [--repeats 5] [--threads N]

The trainer calls `calibrate` on 1,024 validation rows every 10 steps under `l0_method='thresholds'`, and once
on the whole validation split after every JumpReLU run, so its cost matters. Both methods scale all thresholds
by one factor so that the mean L0 over the rows is the target, with no threshold raised past its firing
ceiling. The bisection (40 halvings of the log-factor, each a pass over the pre-activations) is the
reference; the order statistic finds the same factor in one `kthvalue`. The two are timed alternately in one
run, so load from other processes falls on both alike; the script prints the time ratio and the largest
relative difference between the thresholds they set.
"""
import argparse, copy, time
import torch
from sae_sbert.sae import SAEConfig, bisected_thresholds, create_sae

def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--d-in", type=int, default=384)
    p.add_argument("--expansion", type=int, default=16)
    p.add_argument("--rows", type=int, nargs="+", default=[1024, 4096])
    p.add_argument("--target-l0", type=float, default=32)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=None)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for rows in a.rows:
        x = torch.randn(rows, a.d_in)
        sae = create_sae(SAEConfig(d_in=a.d_in, d_sae=a.expansion * a.d_in), seed=0)
        sae.initialize(x, 3 * a.target_l0)  # fires about 3x too often, as early in a run
        exact, reference = copy.deepcopy(sae), copy.deepcopy(sae)
        t_exact = t_bisect = 0.0
        for _ in range(a.repeats):
            exact.threshold.data.copy_(sae.threshold)
            reference.threshold.data.copy_(sae.threshold)
            t_exact += timed(lambda: exact.calibrate(x, a.target_l0, train_x=x))
            bisect = lambda: reference.threshold.data.copy_(
                bisected_thresholds(reference, x, a.target_l0, train_x=x, halvings=40))
            t_bisect += timed(bisect)
        gap = ((exact.threshold - reference.threshold).abs() / reference.threshold).max().item()
        l0 = (exact.encode(x) != 0).sum(-1).float().mean().item()
        print(f"{rows} rows x {a.expansion * a.d_in} features: order statistic {t_exact / a.repeats * 1e3:.0f} ms, "
              f"bisection {t_bisect / a.repeats * 1e3:.0f} ms, ratio {t_bisect / t_exact:.1f}x; "
              f"thresholds agree to {gap:.1e}; L0 {l0:.2f} for target {a.target_l0:g}")

if __name__ == "__main__": main()
