"""The one prepared GPU check of sae_sbert (issue 14): run it wherever a CUDA GPU can be had, quote only what it prints.

It measures, on one GPU:
- the GPU's own dense bf16 matmul rate (TFLOP/s), the yardstick for the rest;
- host-to-device copy bandwidth of a training batch from pageable and from pinned memory (`non_blocking=True`);
- the store alone: rows/s that `ActivationStore.next_batch` serves from a memory-mapped .npy (the CPU side);
- training: `train_sae` on that store with bf16 autocast (and optionally `torch.compile`), rows/s over the
  steps after the first log window, the model FLOP rate (12 * d_in * d_sae FLOPs per row: encoder and decoder
  matmuls, forward and backward) and its fraction of the measured matmul rate;
- the fp32 invariants under autocast: JumpReLU's threshold and pre-activations stay float32.

It prints one JSON object on stdout and exits 1 with a message when there is no CUDA device.

    OMP_NUM_THREADS=4 python tools/gpu_check.py --rows 200000 --d_in 768 --expansion 16 --batch_size 4096 --steps 300
    OMP_NUM_THREADS=4 python tools/gpu_check.py --compile   # the same with torch.compile of the loss

Multi-GPU training is launched with torchrun (see nbs/05b_distributed.ipynb); this script checks one device."""
import argparse, json, sys, tempfile, time
from pathlib import Path
import numpy as np, torch
from sae_sbert.sae import SAEConfig, JumpReLUSAE
from sae_sbert.store import ActivationStore
from sae_sbert.train import TrainConfig, train_sae


def matmul_tflops(n:int=8192, repeats:int=20) -> float:
    "Measured dense bf16 matmul rate of the current GPU, TFLOP/s."
    a, b = (torch.randn(n, n, device="cuda", dtype=torch.bfloat16) for _ in range(2))
    for _ in range(3): a @ b
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(repeats): a @ b
    torch.cuda.synchronize()
    return 2 * n ** 3 * repeats / (time.perf_counter() - t0) / 1e12


def copy_gbps(rows:int, d_in:int, pinned:bool, repeats:int=20) -> float:
    "Host-to-device bandwidth (GB/s) of one (rows, d_in) float32 batch, pageable or pinned."
    x = torch.randn(rows, d_in)
    if pinned: x = x.pin_memory()
    x.to("cuda", non_blocking=True)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(repeats): x.to("cuda", non_blocking=True)
    torch.cuda.synchronize()
    return x.numel() * 4 * repeats / (time.perf_counter() - t0) / 1e9


def fp32_invariants(d_in:int, d_sae:int) -> dict:
    "Dtypes of JumpReLU's threshold, pre-activations and reconstruction under bf16 autocast."
    sae = JumpReLUSAE(SAEConfig(d_in=d_in, d_sae=d_sae)).cuda()
    with torch.autocast("cuda", dtype=torch.bfloat16): out = sae(torch.randn(64, d_in, device="cuda"))
    found = dict(threshold=str(sae.threshold.dtype), pre_acts=str(out.pre_acts.dtype), x_hat=str(out.x_hat.dtype))
    assert found["threshold"] == found["pre_acts"] == "torch.float32", found
    return found


def store_rows_per_s(store:ActivationStore, batches:int=200) -> float:
    "Rows per second the store serves (reads, shuffles, float32 conversion), no GPU involved."
    t0 = time.perf_counter()
    for _ in range(batches): store.next_batch()
    return batches * store.batch_size / (time.perf_counter() - t0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=200_000, help="synthetic training vectors (memory-mapped .npy)")
    p.add_argument("--d_in", type=int, default=768)
    p.add_argument("--expansion", type=int, default=16, help="d_sae / d_in")
    p.add_argument("--batch_size", type=int, default=4096)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--compile", action="store_true", help="torch.compile the loss")
    args = p.parse_args(argv)
    if not torch.cuda.is_available(): sys.exit("gpu_check: no CUDA device here; run it on a machine with a GPU")
    d_sae = args.expansion * args.d_in
    report = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, args=vars(args))
    report["matmul_bf16_tflops"] = matmul_tflops()
    report["h2d_gbps"] = dict(pageable=copy_gbps(args.batch_size, args.d_in, False),
                              pinned=copy_gbps(args.batch_size, args.d_in, True))
    report["fp32_under_autocast"] = fp32_invariants(args.d_in, d_sae)
    with tempfile.TemporaryDirectory() as tmp:
        x = np.lib.format.open_memmap(Path(tmp) / "x.npy", "w+", np.float32, (args.rows, args.d_in))
        for s in range(0, args.rows, 65_536):
            x[s:s + 65_536] = np.random.default_rng(s).standard_normal(x[s:s + 65_536].shape, dtype=np.float32)
        store = ActivationStore(x, batch_size=args.batch_size, val_fraction=0.02, test_fraction=0.0)
        report["store_rows_per_s"] = store_rows_per_s(ActivationStore(x, batch_size=args.batch_size,
                                                                      val_fraction=0.02, test_fraction=0.0))
        cfg = TrainConfig(steps=args.steps, log_every=max(1, args.steps // 10), device="cuda", compile=args.compile,
                          target_l0=32, autocast_bf16=True)
        t0 = time.perf_counter()
        res = train_sae(SAEConfig(d_in=args.d_in, d_sae=d_sae), cfg, store, progress=False)
        report["train_wall_s"] = time.perf_counter() - t0
    rows_per_s = float(res.log["samples_per_s"].iloc[1:].median())  # the first window holds warm-up / compilation
    model_tflops = 12 * args.d_in * d_sae * rows_per_s / 1e12
    report.update(train_rows_per_s=rows_per_s, model_tflops=model_tflops,
                  fraction_of_matmul_rate=model_tflops / report["matmul_bf16_tflops"],
                  final_metrics={k: float(v) for k, v in res.metrics.items()},
                  max_memory_gib=torch.cuda.max_memory_allocated() / 2 ** 30)
    print(json.dumps(report, indent=1))


if __name__ == "__main__": main()
