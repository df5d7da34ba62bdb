"""SAE training speed against the machine's own matmul throughput for the same shapes, side by side.

Usage: python bench/train.py [--d-in 384] [--expansion 16] [--batch 4096] [--steps 8] [--threads N]
                             [--arch jumprelu] [--mode tanh] [--device cpu]

One training step (forward and backward through encoder and decoder, Adam, decoder bookkeeping) is
counted as 3 × 2 × (2 · batch · d_in · d_sae) FLOPs: the forward pass has two matmuls of 2·B·d_in·d_sae
each, and the backward pass costs twice the forward. The reference is a plain torch matmul loop of
exactly those six shapes, timed in the same run, interleaved with the training steps so that load from
other processes on a shared machine falls on both alike. `train_sae` end to end (store, logging, dead-
feature tracking) is timed too.
"""
import argparse, time
import numpy as np, torch
from sae_sbert.sae import SAEConfig, create_sae
from sae_sbert.store import ActivationStore
from sae_sbert.config import resolve_device
from sae_sbert.train import TrainConfig, train_sae

def sync(device):
    if device.type == "cuda": torch.cuda.synchronize()

def matmul_round(B, d_in, d_sae, device):
    "The six matmuls of one training step, as plain torch calls; returns seconds."
    x, g = torch.randn(B, d_in, device=device), torch.randn(B, d_in, device=device)
    z = torch.randn(B, d_sae, device=device)
    W_enc, W_dec = torch.randn(d_in, d_sae, device=device), torch.randn(d_sae, d_in, device=device)
    sync(device); t = time.perf_counter()
    f = x @ W_enc              # encoder forward
    y = f @ W_dec              # decoder forward
    gf = g @ W_dec.T           # grad of features
    gWd = z.T @ g              # grad of W_dec
    gWe = x.T @ z              # grad of W_enc
    gx = z @ W_enc.T           # grad of the input (counted by the 3x rule)
    sync(device)
    return time.perf_counter() - t

def step_round(sae, opt, x, lam, device):
    "One full training step as train_sae does it; returns seconds."
    sync(device); t = time.perf_counter()
    out, parts = sae.losses(x, lam)
    opt.zero_grad(set_to_none=True)
    parts["loss"].backward()
    if sae.unit_norm_decoder: sae.remove_parallel_decoder_grad()
    torch.nn.utils.clip_grad_norm_(sae.parameters(), 1.0)
    opt.step()
    if sae.unit_norm_decoder: sae.normalize_decoder()
    sync(device)
    return time.perf_counter() - t

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--d-in", type=int, default=384); p.add_argument("--expansion", type=int, default=16)
    p.add_argument("--batch", type=int, default=4096); p.add_argument("--steps", type=int, default=8)
    p.add_argument("--threads", type=int, default=None); p.add_argument("--device", default="auto")
    p.add_argument("--arch", default="jumprelu"); p.add_argument("--mode", default="tanh")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    device = torch.device(resolve_device(a.device))
    d_sae, B = a.d_in * a.expansion, a.batch
    flops = 3 * 2 * (2 * B * a.d_in * d_sae)
    print(f"device={device} threads={torch.get_num_threads()} d_in={a.d_in} d_sae={d_sae} batch={B} "
          f"arch={a.arch}{'/' + a.mode if a.arch == 'jumprelu' else ''}; one step = {flops / 1e9:.1f} GFLOP")

    sae = create_sae(SAEConfig(d_in=a.d_in, d_sae=d_sae, architecture=a.arch, sparsity_mode=a.mode), seed=0).to(device)
    opt = torch.optim.Adam(sae.parameters(), lr=1e-4)
    x = torch.randn(B, a.d_in, device=device)
    x *= (a.d_in ** 0.5) / x.norm(dim=1, keepdim=True)  # the store's scaling: E||x||^2 = d_in
    lam = torch.tensor(1.0, device=device)
    for _ in range(2): matmul_round(B, a.d_in, d_sae, device); step_round(sae, opt, x, lam, device)  # warm-up
    mm, st = [], []
    for _ in range(a.steps):  # interleaved
        mm.append(matmul_round(B, a.d_in, d_sae, device)); st.append(step_round(sae, opt, x, lam, device))
    mm_s, st_s = float(np.median(mm)), float(np.median(st))

    X = np.random.default_rng(0).normal(size=(max(4 * B, 20_000), a.d_in)).astype(np.float32)
    store = ActivationStore(X, batch_size=B, seed=0)
    t = time.perf_counter()
    train_sae(SAEConfig(d_in=a.d_in, d_sae=d_sae, architecture=a.arch, sparsity_mode=a.mode),
              TrainConfig(steps=a.steps, log_every=max(1, a.steps // 2), device=str(device)), store, progress=False)
    e2e_s = (time.perf_counter() - t) / a.steps  # includes the final validation pass

    print(f"{'':26s}{'s/step':>10s}{'samples/s':>12s}{'GFLOP/s':>10s}{'vs matmul':>11s}")
    for name, s in [("plain matmuls (6 shapes)", mm_s), ("training step", st_s), ("train_sae end to end", e2e_s)]:
        print(f"{name:26s}{s:10.3f}{B / s:12.0f}{flops / s / 1e9:10.1f}{mm_s / s:11.2f}")
    print(f"training samples/s: {B / st_s:.0f} (step), {B / e2e_s:.0f} (end to end); "
          f"a step reaches {mm_s / st_s:.0%} of this machine's matmul throughput for the same shapes")

if __name__ == "__main__": main()
