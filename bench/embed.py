"""Embedding speed on real abstracts: plain `SentenceTransformer.encode` against our default and our fast path.

Usage: python -m bench.embed [--n 512] [--chunk 64] [--whole-corpus]

- plain encode: `model.encode(texts)` with sentence-transformers' defaults (batch 32, fp32), as users write it.
- ours, default: `embed_texts(texts, encoder)`, the library's default precision (fp32).
- ours, fast: `embed_texts(..., precision=fast_precision())`, the path `sae_sbert_run` takes by default
  ('openvino' on a CPU with OpenVINO installed, with a bf16 inference hint where the CPU has native bf16).
- ours, bf16 autocast: only where the CPU has native bf16; torch autocast, listed for comparison.

The paths take turns chunk by chunk (plain chunk, default chunk, fast chunk, ...) so that load from other
processes falls on all of them alike; the one-off cost of the fast path's first call (OpenVINO converts and
compiles the model) is timed apart. Agreement is each path's minimum per-vector cosine to plain encode's vectors.
`--whole-corpus` also embeds the whole study corpus (~35k abstracts) end to end with the fast path into a
temporary cache (about ten minutes on 2 cores), which the default benchmark leaves out.
"""
import argparse, tempfile, time
from pathlib import Path
import numpy as np
from sae_sbert.corpus import corpus_from_frame, read_table, shared_data_dir
from sae_sbert.encoder import embed_texts, fast_precision, load_encoder
from bench.machine import native_bf16

def sample_abstracts(n:int=512, seed:int=0) -> list[str]:
    "`n` real abstracts from shared/data's cs.LG sample."
    data = shared_data_dir()
    if data is None: raise SystemExit("shared/data not found: set SAE_SBERT_SHARED_DATA or run from the repository")
    frame = read_table(data/"arxiv_ml_sample.parquet")
    return corpus_from_frame(frame, "abstract", limit=n, shuffle=True, seed=seed, source="arxiv_ml_sample").texts

def _unit(x:np.ndarray) -> np.ndarray: return x / np.linalg.norm(x, axis=1, keepdims=True)

def embedding(n:int=512, chunk:int=64) -> dict:
    "Abstracts per second of each path, their ratio to plain encode and their minimum cosine to it."
    texts, encoder = sample_abstracts(n), load_encoder(device="cpu")
    fast = fast_precision("cpu")
    paths = {"plain encode": lambda t: encoder.encode(t),
             "ours, default": lambda t: embed_texts(t, encoder, warn_truncation=False),
             f"ours, fast ({fast})": lambda t: embed_texts(t, encoder, precision=fast, warn_truncation=False)}
    if native_bf16() and fast != "bf16":
        paths["ours, bf16 autocast"] = lambda t: embed_texts(t, encoder, precision="bf16", warn_truncation=False)
    first_call = {}
    for name, run in paths.items():
        t = time.perf_counter()
        run(texts[:4])
        first_call[name] = time.perf_counter() - t
    seconds, vectors = {k: 0.0 for k in paths}, {k: [] for k in paths}
    for s in range(0, len(texts), chunk):
        for name, run in paths.items():
            t = time.perf_counter()
            vectors[name].append(run(texts[s:s + chunk]))
            seconds[name] += time.perf_counter() - t
    reference = _unit(np.concatenate(vectors["plain encode"]))
    rows = {name: dict(per_s=len(texts) / seconds[name], speedup=seconds["plain encode"] / seconds[name],
                       min_cosine=float((_unit(np.concatenate(vectors[name])) * reference).sum(1).min()),
                       first_call_s=first_call[name]) for name in paths}
    return dict(n=len(texts), chunk=chunk, fast_precision=fast, native_bf16=native_bf16(), paths=rows)

def whole_corpus() -> dict:
    "Seconds to embed the whole study corpus with the fast path into a fresh temporary cache."
    from sae_sbert.corpus import load_corpus
    from sae_sbert.embed import embed_corpus
    corpus, encoder = load_corpus("study"), load_encoder(device="cpu")
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        embed_corpus(corpus, encoder, precision=fast_precision("cpu"), cache_dir=Path(d)/"cache", progress=False)
        seconds = time.perf_counter() - t
    return dict(n=len(corpus), seconds=seconds, per_s=len(corpus) / seconds)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=512)
    p.add_argument("--chunk", type=int, default=64)
    p.add_argument("--whole-corpus", action="store_true")
    a = p.parse_args()
    r = embedding(a.n, a.chunk)
    print(f"{r['n']} abstracts; fast_precision -> {r['fast_precision']!r}; native bf16: {r['native_bf16']}")
    for name, row in r["paths"].items():
        print(f"  {name:26s} {row['per_s']:7.1f}/s {row['speedup']:6.2f}x  min cos {row['min_cosine']:.6f}  "
              f"first call {row['first_call_s']:.1f} s")
    if a.whole_corpus: print(whole_corpus())

if __name__ == "__main__": main()
