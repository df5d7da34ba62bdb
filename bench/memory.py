"""Memory: peak resident memory while training from an embedding cache of 1M and of 4M vectors.

Usage: python -m bench.memory [--rows 1000000 4000000] [--steps 50]

For each size, a cache file in the embedding cache's format (`embeddings.npy`, float32, d_in 384, random unit
rows) is written to a temporary folder on disk, and a fresh Python process memory-maps it, builds an
`ActivationStore` over it and trains a 16x JumpReLU (`train_sae`, target L0 32) for `--steps` steps of 1,024.
That process reports its peak resident set (`ru_maxrss`) and, at the end, how much of it is the process's own
memory (`RssAnon`) and how much is pages of the mapped file (`RssFile`, shared with the page cache and given back
under memory pressure). Training from the cache must not hold it in memory: the own memory must not grow with the
cache's size; the per-row index arrays of the splits (8 bytes a row) are the part that does, and are reported.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

D_IN = 384

def write_cache(folder:Path, rows:int, chunk:int=250_000, seed:int=0) -> Path:
    "A `rows` x D_IN float32 `embeddings.npy` of random unit vectors in `folder`, written chunk by chunk."
    path = folder / "embeddings.npy"
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, D_IN))
    rng = np.random.default_rng(seed)
    for start in range(0, rows, chunk):
        x = rng.standard_normal((min(chunk, rows - start), D_IN), dtype=np.float32)
        out[start:start + len(x)] = x / np.linalg.norm(x, axis=1, keepdims=True)
    out.flush()
    del out
    return path

def _status_kib(field:str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"): return int(line.split()[1])
    return -1

def train_from(path:str, steps:int) -> dict:
    "In this process: train from the memory-mapped cache at `path`; memory figures in MiB."
    import resource, torch
    from sae_sbert.store import ActivationStore
    from sae_sbert.sae import SAEConfig
    from sae_sbert.train import TrainConfig, train_sae
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", torch.get_num_threads())))
    embeddings = np.load(path, mmap_mode="r")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store = ActivationStore(embeddings, batch_size=1024, seed=0)
    t = time.perf_counter()
    train_sae(SAEConfig(d_in=D_IN, d_sae=16 * D_IN), TrainConfig(steps=steps, target_l0=32, log_every=steps),
              store, progress=False)
    return dict(rows=len(embeddings), steps=steps, seconds=time.perf_counter() - t, before_mib=before,
                peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                anon_mib=_status_kib("RssAnon") / 1024, file_mib=_status_kib("RssFile") / 1024,
                split_index_mib=(store.n_train + store.n_val + store.n_test) * 8 / 2**20,
                cache_mib=embeddings.nbytes / 2**20)

def memory(rows:list[int]=(1_000_000, 4_000_000), steps:int=50) -> dict:
    "Per cache size, what `train_from` reports, each in a fresh process."
    out = {}
    for n in rows:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as d:
            t = time.perf_counter()
            path = write_cache(Path(d), n)
            written = time.perf_counter() - t
            code = f"import json, bench.memory as m; print(json.dumps(m.train_from({str(path)!r}, {steps})))"
            run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 cwd=Path(__file__).resolve().parents[1])
            if run.returncode: raise RuntimeError(f"training from {n:,} rows failed:\n{run.stderr[-2000:]}")
            out[str(n)] = {**json.loads(run.stdout.strip().splitlines()[-1]), "write_seconds": written}
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    p.add_argument("--steps", type=int, default=50)
    a = p.parse_args()
    for n, r in memory(a.rows, a.steps).items():
        print(f"{int(n):>10,} rows ({r['cache_mib']:,.0f} MiB): peak RSS {r['peak_mib']:,.0f} MiB, own (anon) "
              f"{r['anon_mib']:,.0f} MiB, mapped file {r['file_mib']:,.0f} MiB, "
              f"split indices {r['split_index_mib']:.0f} MiB")

if __name__ == "__main__": main()
