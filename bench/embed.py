"""Embedding speed: the default fp32 path against the library's fast path, side by side, on real abstracts.

Usage: python bench/embed.py [--n 512] [--chunk 64] [--batch-size 32] [--threads N] [--device cpu] [--bf16]

The fast path is whatever `fast_precision(device)` picks ('openvino' on a CPU with OpenVINO installed), run
through `embed_texts` exactly as users run it. `--bf16` adds torch bf16 autocast (slow on CPUs without native
bf16, so it is off by default). Paths are timed in alternating chunks (fp32 chunk, fast chunk, ...) so that
load from other processes on a shared machine falls on all of them alike. The one-off cost of the fast path's
first call (OpenVINO: converting and compiling the model) is reported apart and not counted in the speeds.
Agreement is the per-vector cosine to the fp32 vectors.
"""
import argparse, time
from pathlib import Path
import numpy as np, torch
from sae_sbert.corpus import corpus_from_frame, read_table
from sae_sbert.encoder import _cpu_has_native_bf16, count_truncated, embed_texts, fast_precision, load_encoder

DATA = Path(__file__).resolve().parents[2]/"shared"/"data"  # <repo>/../shared/data

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=512, help="abstracts to encode (at least 500 for the report)")
    p.add_argument("--chunk", type=int, default=64, help="texts per alternating timing chunk")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--device", default="cpu")
    p.add_argument("--bf16", action="store_true", help="also time torch bf16 autocast")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    frame = read_table(DATA/"arxiv_ml_sample.parquet")
    texts = corpus_from_frame(frame, "abstract", limit=a.n, shuffle=True, seed=0, source="arxiv_ml_sample").texts
    encoder, fast = load_encoder(device=a.device), fast_precision(a.device)
    print(f"{len(texts)} abstracts from {DATA}; device {a.device}, torch {torch.__version__}, {a.threads} thread(s), "
          f"batch {a.batch_size}; native CPU bf16: {_cpu_has_native_bf16()}; fast_precision -> {fast!r}")
    print(f"{count_truncated(texts, encoder)} of {len(texts)} exceed max_seq_length={encoder.max_seq_length} tokens (truncated)")
    names = {"fp32": "fp32 (default)", fast: f"{fast} (fast)"}
    if a.bf16: names.setdefault("bf16", "bf16 autocast")
    encode = {names[k]: (lambda t, k=k: embed_texts(t, encoder, a.batch_size, k, warn_truncation=False)) for k in names}
    for k, f in encode.items():  # warm up; the fast path's first call converts the model
        t0 = time.perf_counter(); f(texts[:4]); print(f"first call of {k}: {time.perf_counter() - t0:.1f} s")
    seconds, vectors = {k: 0.0 for k in encode}, {k: [] for k in encode}
    for s in range(0, len(texts), a.chunk):
        for k, f in encode.items():
            t0 = time.perf_counter(); vectors[k].append(f(texts[s:s + a.chunk])); seconds[k] += time.perf_counter() - t0
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)
    ref, base = unit(np.concatenate(vectors[names["fp32"]])), seconds[names["fp32"]]
    print(f"{'path':<20} {'abstracts/s':>11} {'speed-up':>8} {'min cos':>9} {'mean cos':>9}")
    for k in encode:
        cos = (unit(np.concatenate(vectors[k])) * ref).sum(1)
        print(f"{k:<20} {len(texts) / seconds[k]:>11.1f} {base / seconds[k]:>7.2f}x {cos.min():>9.6f} {cos.mean():>9.6f}")

if __name__ == "__main__": main()
