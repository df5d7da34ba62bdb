"""SAE training throughput: ours against SAELens's JumpReLU trainer and a plain PyTorch loop, side by side.

Usage: python -m bench.train [--d-in 384 768] [--expansion 16] [--batch 4096] [--steps 4] [--device auto]

Every contender trains a JumpReLU SAE with the tanh sparsity penalty (Anthropic 2025) on the same batches of
unit vectors scaled to E‖x‖² = d_in, in fp32, one optimiser step at a time; the contenders take turns step by
step (ours, SAELens, plain loop, the six matmuls, ours again, ...) so that load from other processes on a shared
machine falls on all of them alike, and each one's median step time is reported.

- ours: the body of `train_sae`'s loop with its defaults (target L0 32 held by the controller and the threshold
  rescaling on 1,024 validation rows every 10 steps, gradient-spike guard, dead-feature counters, log sums).
- SAELens: `SAETrainer.step` on a `JumpReLUTrainingSAE` with its documented tanh recipe (bandwidth 2, initial
  θ 0.1, pre-activation loss 3e-6), as `SAETrainer.fit` runs it (dead-feature counters, clipping, schedulers).
- plain loop: the least a user could write: encoder, JumpReLU with a straight-through θ gradient, decoder, MSE +
  tanh penalty, Adam. No schedules, no clipping, no bookkeeping: the floor for these shapes.
- six matmuls: the step's matmuls alone, 3 × 2 × (2 · batch · d_in · d_sae) FLOPs (the forward pass has two
  matmuls, the backward pass costs twice the forward): the machine's own ceiling for the same shapes.
- ours, bf16 autocast: only where the CPU has native bf16 (or on CUDA): the same step under
  `torch.autocast(dtype=torch.bfloat16)`, fp32 weights and θ; a proposal measured, not yet the library's default
  on CPU.
"""
import argparse, contextlib, importlib.util, statistics, time
import numpy as np, torch
from torch import nn
from sae_sbert.config import resolve_device
from bench.machine import native_bf16
from sae_sbert.sae import SAEConfig
from sae_sbert.store import ActivationStore
from sae_sbert.train import TrainConfig, TrainState, advance

def has_sae_lens() -> bool: return importlib.util.find_spec("sae_lens") is not None

def sync(device:torch.device):
    if device.type == "cuda": torch.cuda.synchronize()

def step_flops(batch:int, d_in:int, d_sae:int) -> int:
    "FLOPs of one training step's matmuls (see the module docstring)."
    return 3 * 2 * (2 * batch * d_in * d_sae)

def unit_vectors(n:int, d:int, seed:int=0) -> np.ndarray:
    "Random unit vectors, standing in for sentence embeddings (throughput does not depend on what they mean)."
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)

class _PlainJumpReLU(torch.autograd.Function):
    "z·H(z−θ) with the rectangle-kernel straight-through gradient to θ, as a user would write it."
    @staticmethod
    def forward(ctx, z, theta, eps):
        ctx.save_for_backward(z, theta)
        ctx.eps = eps
        return z * (z > theta)

    @staticmethod
    def backward(ctx, g):
        z, theta = ctx.saved_tensors
        window = ((z - theta).abs() < ctx.eps / 2).to(g.dtype)
        return g * (z > theta), -(theta / ctx.eps * window * g).sum(0), None

class PlainSAE(nn.Module):
    "The plain loop's model: five tensors and a forward pass."
    def __init__(self, d_in:int, d_sae:int):
        super().__init__()
        self.W_dec = nn.Parameter(torch.randn(d_sae, d_in) / d_in ** 0.5)
        self.W_enc = nn.Parameter(self.W_dec.detach().T.clone())
        self.b_enc, self.b_dec = nn.Parameter(torch.zeros(d_sae)), nn.Parameter(torch.zeros(d_in))
        self.threshold = nn.Parameter(torch.full((d_sae,), 0.1))

    def loss(self, x:torch.Tensor, lam:float=1.0) -> torch.Tensor:
        z = x @ self.W_enc + self.b_enc
        f = _PlainJumpReLU.apply(z, self.threshold, 0.5)
        x_hat = f @ self.W_dec + self.b_dec
        return ((x - x_hat) ** 2).sum(-1).mean() + lam * torch.tanh(4 * f * self.W_dec.norm(dim=1)).sum(-1).mean()

def plain_contender(d_in:int, d_sae:int, device:torch.device):
    "A step function of the plain loop."
    model = PlainSAE(d_in, d_sae).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    def step(x):
        opt.zero_grad(set_to_none=True)
        model.loss(x).backward()
        opt.step()
    return step

def ours_contender(store:ActivationStore, d_sae:int, device:torch.device, autocast_bf16:bool=False):
    "A step function running the body of `train_sae`'s loop on the store's next batch."
    state = TrainState(SAEConfig(d_in=store.d_in, d_sae=d_sae), TrainConfig(steps=10_000, target_l0=32,
                                                                            device=str(device)), store)
    probe = store.validation(scaled=True, max_rows=1024).to(device)
    cast = torch.autocast(device.type, dtype=torch.bfloat16) if autocast_bf16 else contextlib.nullcontext()
    sums = {}
    def step(x):
        nonlocal sums
        _, _, sums = advance(state, x, state.sae.losses, probe, sums, autocast=cast)
    return step

def sae_lens_contender(d_in:int, d_sae:int, batch:int, device:torch.device, total_steps:int=10_000):
    "A step function running SAELens's `SAETrainer.step` with the documented tanh recipe."
    from sae_lens import JumpReLUTrainingSAE, JumpReLUTrainingSAEConfig, SAETrainer
    from sae_lens.config import SAETrainerConfig
    cfg = JumpReLUTrainingSAEConfig(d_in=d_in, d_sae=d_sae, device=str(device), jumprelu_sparsity_loss_mode="tanh",
                                    l0_coefficient=5.0, jumprelu_tanh_scale=4.0, jumprelu_bandwidth=2.0,
                                    jumprelu_init_threshold=0.1, pre_act_loss_coefficient=3e-6,
                                    l0_warm_up_steps=total_steps)
    trainer = SAETrainer(SAETrainerConfig(total_training_samples=total_steps * batch, train_batch_size_samples=batch,
                                          lr_end=3e-5, lr_decay_steps=total_steps // 5,
                                          device=str(device)),
                         JumpReLUTrainingSAE(cfg), data_provider=iter(()))
    def step(x):
        trainer.step(x)
        trainer.n_training_steps += 1
    return step

def matmul_contender(batch:int, d_in:int, d_sae:int, device:torch.device):
    "A step function doing the six matmuls of a training step as plain torch calls."
    x, g = torch.randn(batch, d_in, device=device), torch.randn(batch, d_in, device=device)
    z = torch.randn(batch, d_sae, device=device)
    W_enc, W_dec = torch.randn(d_in, d_sae, device=device), torch.randn(d_sae, d_in, device=device)
    def step(_):
        x @ W_enc, z @ W_dec, g @ W_dec.T, z.T @ g, x.T @ z, z @ W_enc.T
    return step

def throughput(d_in:int=384, expansion:int=16, batch:int=4096, steps:int=4, warmup:int=1, device:str="auto",
               peers:bool=True) -> dict:
    "Median seconds per step of each contender, taking turns step by step on the same batches."
    device = torch.device(resolve_device(device))
    d_sae = expansion * d_in
    store = ActivationStore(unit_vectors(6 * batch, d_in), batch_size=batch, seed=0)
    contenders = {"ours": ours_contender(store, d_sae, device)}
    if peers: contenders["SAELens"] = sae_lens_contender(d_in, d_sae, batch, device)
    contenders["plain loop"] = plain_contender(d_in, d_sae, device)
    contenders["six matmuls"] = matmul_contender(batch, d_in, d_sae, device)
    bf16 = device.type == "cuda" or native_bf16()
    if bf16: contenders["ours, bf16 autocast"] = ours_contender(store, d_sae, device, autocast_bf16=True)
    times = {k: [] for k in contenders}
    for i in range(warmup + steps):
        x = store.next_batch().to(device)
        for name, step in contenders.items():
            sync(device)
            t = time.perf_counter()
            step(x)
            sync(device)
            if i >= warmup: times[name].append(time.perf_counter() - t)
    seconds = {k: statistics.median(v) for k, v in times.items()}
    return dict(d_in=d_in, d_sae=d_sae, batch=batch, steps=steps, device=str(device), seconds=seconds,
                samples_per_s={k: batch / s for k, s in seconds.items()},
                gflop_per_step=step_flops(batch, d_in, d_sae) / 1e9)

def print_throughput(r:dict):
    "A small table of one shape's result."
    print(f"d_in {r['d_in']}, d_sae {r['d_sae']}, batch {r['batch']}, {r['steps']} steps each on {r['device']} "
          f"({r['gflop_per_step']:.0f} GFLOP per step)")
    mm = r["seconds"]["six matmuls"]
    for k, s in r["seconds"].items():
        print(f"  {k:22s} {s:8.3f} s/step {r['samples_per_s'][k]:9.0f} samples/s  {mm / s:6.0%} of the matmuls")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--d-in", type=int, nargs="+", default=[384, 768])
    p.add_argument("--expansion", type=int, default=16)
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--device", default="auto")
    a = p.parse_args()
    if not has_sae_lens(): print("sae-lens is not installed here: SAELens is left out (bash bench/install_peers.sh)")
    for d in a.d_in:
        print_throughput(throughput(d, a.expansion, a.batch, a.steps, device=a.device, peers=has_sae_lens()))

if __name__ == "__main__": main()
