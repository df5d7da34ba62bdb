"""OpenVINO thread pinning with several encoding processes on one machine (torchrun ranks, pool workers).

Usage: python -m bench.pinning [--n 400] [--rounds 2]

OpenVINO pins its threads to cores, the first ones first, so two one-thread processes land on the same core.
`openvino_model` pins only when the process's threads take every core. This script times, side by side and in
turns, two one-thread processes encoding the same `--n` abstracts at once (always pinned, as before, against ours),
and one process with every core's thread (always pinned against ours). Read the ratios.
"""
import argparse, json, os, subprocess, sys, time

def worker(mode:str, threads:int, n:int):
    "Encode `n` abstracts twice on the OpenVINO path in this process; print the seconds of the timed pass."
    import torch
    torch.set_num_threads(threads)
    import openvino as ov
    from sae_sbert.encoder import encode_batches, load_encoder
    from bench.embed import sample_abstracts
    if mode == "pinned":  # the former behaviour: pinning whatever the thread count
        compile_model = ov.Core.compile_model
        ov.Core.compile_model = lambda self, graph, device, cfg: compile_model(self, graph, device,
                                                                               {**cfg, "ENABLE_CPU_PINNING": True})
    encoder, texts = load_encoder(device="cpu"), sample_abstracts(n)
    encode_batches(texts[:64], encoder, 64, "openvino")  # conversion and compilation, not timed
    start = time.perf_counter()
    encode_batches(texts, encoder, 64, "openvino")
    print(json.dumps(time.perf_counter() - start))

def together(mode:str, processes:int, threads:int, n:int) -> float:
    "Wall seconds until `processes` workers of `threads` threads each have encoded `n` abstracts, started at once."
    cmd = [sys.executable, "-m", "bench.pinning", "--worker", mode, "--threads", str(threads), "--n", str(n)]
    start = time.perf_counter()
    jobs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    for job in jobs:
        if job.wait(): raise SystemExit(f"a worker failed ({mode}): exit {job.returncode}")
    return time.perf_counter() - start

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--worker", choices=["pinned", "ours"])
    args = p.parse_args()
    if args.worker: return worker(args.worker, args.threads, args.n)
    cores = len(os.sched_getaffinity(0))
    cases = {f"{cores} processes x 1 thread": (cores, 1), f"1 process x {cores} threads": (1, cores)}
    for name, (processes, threads) in cases.items():
        times = {"pinned": [], "ours": []}
        for _ in range(args.rounds):
            for mode in times: times[mode].append(together(mode, processes, threads, args.n))
        best = {mode: min(t) for mode, t in times.items()}
        print(f"{name}: always pinned {best['pinned']:.1f} s, ours {best['ours']:.1f} s, "
              f"ratio {best['pinned'] / best['ours']:.2f}x  (best of {args.rounds}, {args.n} abstracts each)")

if __name__ == "__main__": main()
