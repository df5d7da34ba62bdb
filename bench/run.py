"""`python -m bench` (or `make bench`): every benchmark side by side with its peer, one table of ratios, one JSON file.

Usage: python -m bench [--sections train quality embed label interop memory] [--out bench/results.json] [--quick]

Sections (see bench/README.md for what each number means): `train` SAE training throughput (ours, SAELens, a
plain loop, the matmul ceiling), `quality` ours against SAELens at equal budget and matched L0, `embed`
embedding speed and agreement, `label` our interpreter against the thesis's KeyBERT loop, `interop` SAELens
loading our saved SAEs, `memory` the resident memory of training from caches of 1M and 4M vectors. SAELens
lives in its own virtual environment (bash bench/install_peers.sh); when
`sae_lens` is not importable here the benchmark re-runs itself with that environment's Python if it exists,
and otherwise leaves the peer rows out with a message.
"""
import argparse, datetime, importlib.util, json, os, sys, time, traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))  # `python bench/run.py` as well as `python -m bench`
PEERS_VENV = Path(os.environ.get("SAE_SBERT_BENCH_VENV", ROOT.parent / "venvs" / "bench"))
SECTIONS = ("train", "quality", "embed", "label", "interop", "memory")

def _reexec_with_peers():
    "Run again under the peers' virtual environment when sae_lens is missing here and that environment exists."
    python = PEERS_VENV / "bin" / "python"
    if importlib.util.find_spec("sae_lens") or not python.exists() or os.environ.get("SAE_SBERT_BENCH_REEXEC"): return
    os.environ["SAE_SBERT_BENCH_REEXEC"] = "1"
    print(f"[bench] sae_lens is not importable here; re-running under {python}", flush=True)
    os.execv(str(python), [str(python), str(ROOT / "bench" / "run.py"), *sys.argv[1:]])

def _row(item:str, measure:str, ours, reference, ratio, note:str="") -> dict:
    return dict(item=item, measure=measure, ours=ours, reference=reference, ratio=ratio, note=note)

def train_rows(results:list[dict]) -> list[dict]:
    rows = []
    for r in results:
        s, shape = r["samples_per_s"], f"1 train d{r['d_in']}"
        mm = s["six matmuls"]
        if "SAELens" in s:
            rows.append(_row(shape, "samples/s: ours vs SAELens JumpReLU", s["ours"], s["SAELens"],
                             s["ours"] / s["SAELens"]))
        rows.append(_row(shape, "samples/s: ours vs plain PyTorch loop", s["ours"], s["plain loop"],
                         s["ours"] / s["plain loop"]))
        rows.append(_row(shape, "share of the machine's matmul throughput", s["ours"], mm, s["ours"] / mm,
                         "same six matmul shapes, timed in turn"))
        if "SAELens" in s:
            rows.append(_row(shape, "SAELens: share of matmul throughput", s["SAELens"], mm, s["SAELens"] / mm))
        if "ours, bf16 autocast" in s:
            rows.append(_row(shape, "samples/s: ours bf16 autocast vs ours fp32 (proposal)", s["ours, bf16 autocast"],
                             s["ours"], s["ours, bf16 autocast"] / s["ours"]))
    return rows

def quality_rows(q:dict) -> list[dict]:
    o, item = q["ours"], f"2 quality ({q['steps']}x{q['batch']})"
    rows = [_row(item, f"test L0 (target {q['target_l0']:g})", o["l0"], None, None)]
    if not q["sae_lens_runs"]: return rows
    note = "SAELens interpolated to our L0" if q["bracketed"] else "SAELens: nearest run, L0 not bracketed"
    rows += [_row(item, "test explained variance: ours vs SAELens", o["explained_variance"],
                  q["sae_lens_explained_variance_at_our_l0"],
                  o["explained_variance"] - q["sae_lens_explained_variance_at_our_l0"], note + "; ratio = difference"),
             _row(item, "test dead fraction: ours vs SAELens", o["dead_fraction"],
                  q["sae_lens_dead_fraction_at_our_l0"],
                  o["dead_fraction"] - q["sae_lens_dead_fraction_at_our_l0"], "ratio = difference (here > 0 is worse)"),
             _row(item, "end-to-end training seconds: ours vs SAELens", o["seconds"],
                  q["sae_lens_runs"][0]["seconds"], q["sae_lens_runs"][0]["seconds"] / o["seconds"],
                  "ratio = SAELens / ours; its λ runs: "
                  + ", ".join(f"{r['l0_coefficient']:.3g}->L0 {r['l0']:.1f}" for r in q["sae_lens_runs"]))]
    return rows

def embed_rows(e:dict) -> list[dict]:
    plain = e["paths"]["plain encode"]["per_s"]
    return [_row("3 embed", f"abstracts/s: {name} vs plain encode", r["per_s"], plain, r["speedup"],
                 f"min cosine {r['min_cosine']:.6f}"
                 + (f"; first call {r['first_call_s']:.1f} s" if r["first_call_s"] > 1 else ""))
            for name, r in e["paths"].items() if name != "plain encode"]

def label_rows(l:dict) -> list[dict]:
    return [_row("4 label", "s per feature: thesis loop / ours (first run)", l["ours_s_per_feature"],
                 l["loop_s_per_feature"], l["loop_s_per_feature"] / l["ours_s_per_feature"],
                 f"{l['live_features']} live features, loop timed on {l['sampled']}"),
            _row("4 label", "median detection AUROC: ours vs thesis loop", l["ours_auroc"], l["loop_auroc"],
                 l["ours_auroc"] - l["loop_auroc"],
                 f"ratio = difference; ours better on {l['ours_wins']}/{l['sampled']}")]

def interop_rows(i:dict) -> list[dict]:
    fmt = lambda v: v if isinstance(v, str) else f"max|Δ| {v:.1e}"
    return [_row("5 interop", f"SAELens load_from_disk: {arch}", fmt(r["sae_lens"]), fmt(r["ours"]), None,
                 "ours = SAELens's load of our saved folder; reference = our own load of it") for arch, r in i.items()]

def memory_rows(m:dict) -> list[dict]:
    sizes = sorted(m, key=int)
    rows = [_row("6 memory", f"training from {int(n):,} cached vectors: own / peak resident MiB", m[n]["anon_mib"],
                 m[n]["peak_mib"], None, f"cache {m[n]['cache_mib']:,.0f} MiB; mapped file pages "
                 f"{m[n]['file_mib']:,.0f} MiB; split indices {m[n]['split_index_mib']:.0f} MiB") for n in sizes]
    small, big = m[sizes[0]], m[sizes[-1]]
    rows.append(_row("6 memory", f"own resident MiB: {int(sizes[-1]):,} vs {int(sizes[0]):,} vectors", big["anon_mib"],
                     small["anon_mib"], big["anon_mib"] / small["anon_mib"],
                     f"the cache grew {big['cache_mib'] / small['cache_mib']:.0f}x"))
    return rows

def _cell(v) -> str:
    if v is None: return "-"
    if isinstance(v, str): return v
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3f}" if abs(v) >= 0.01 or v == 0 else f"{v:.1e}"

def print_table(rows:list[dict], machine:str):
    "The one table: item, measure, ours, reference, ratio (> 1 or > 0: ours faster or higher, unless noted)."
    print(f"\nsae_sbert benchmark, {datetime.date.today()}; {machine}")
    print(f"{'item':22s} {'measure':54s} {'ours':>26s} {'reference':>26s} {'ratio':>8s}  note")
    for r in rows:
        print(f"{r['item']:22s} {r['measure']:54s} {_cell(r['ours']):>26s} {_cell(r['reference']):>26s} "
              f"{_cell(r['ratio']):>8s}  {r['note']}")

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=SECTIONS)
    p.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    p.add_argument("--train-d-in", type=int, nargs="+", default=[384, 768])
    p.add_argument("--train-steps", type=int, default=2, help="timed steps per contender and shape")
    p.add_argument("--quality-steps", type=int, default=100)
    p.add_argument("--quality-batch", type=int, default=1024)
    p.add_argument("--max-peer-runs", type=int, default=3, help="SAELens runs searching λ for our L0")
    p.add_argument("--loop-features", type=int, default=20, help="features the thesis loop labels (timed sample)")
    p.add_argument("--embed-n", type=int, default=256)
    p.add_argument("--whole-corpus", action="store_true", help="also embed the whole study corpus (~10 min)")
    p.add_argument("--memory-rows", type=int, nargs="+", default=[1_000_000, 4_000_000],
                   help="cache sizes the memory section trains from (written to a temporary folder: 6 GB at 4M)")
    p.add_argument("--memory-steps", type=int, default=50)
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes, to check that everything runs (numbers mean nothing)")
    a = p.parse_args(argv)
    _reexec_with_peers()
    os.environ.setdefault("TQDM_DISABLE", "1")  # SAELens's trainer draws progress bars
    from bench.machine import describe, summary
    from bench.train import has_sae_lens
    peers = has_sae_lens()
    if not peers:
        print(f"[bench] sae-lens is not installed (nor a venv at {PEERS_VENV}): the SAELens rows are left out; "
              "install it apart with `bash bench/install_peers.sh`")
    if a.quick: a.train_d_in, a.train_steps, a.quality_steps, a.loop_features, a.embed_n = [384], 1, 20, 3, 64
    if a.quick: a.memory_rows, a.memory_steps = [20_000, 80_000], 3
    if a.quick: a.max_peer_runs = 2
    info = describe()
    print(f"[bench] {summary(info)}", flush=True)
    results, rows, t0 = dict(machine=info), [], time.perf_counter()
    def section(name, fn, to_rows):
        if name not in a.sections: return None
        t = time.perf_counter()
        try: value = fn()
        except Exception:
            traceback.print_exc()
            rows.append(_row(name, "FAILED", None, None, None, "see the traceback above"))
            return None
        raw = value[0] if isinstance(value, tuple) else value
        results[name] = {**raw, "section_seconds": time.perf_counter() - t} if isinstance(raw, dict) else raw
        rows.extend(to_rows(raw))
        print(f"[bench] {name} done in {time.perf_counter() - t:.0f} s", flush=True)
        return value
    from bench import train, quality, embed, interpret, interop, memory
    from bench.data import study
    section("train", lambda: {"shapes": [train.throughput(d, steps=a.train_steps, peers=peers) for d in a.train_d_in]},
            lambda r: train_rows(r["shapes"]))
    trained = section("quality", lambda: quality.quality(study()[2].embeddings, a.quality_steps, a.quality_batch,
                                                         max_peer_runs=a.max_peer_runs, peers=peers), quality_rows)
    section("embed", lambda: embed.embedding(a.embed_n), embed_rows)
    def label():
        corpus, encoder, cache = study()
        sae = trained[1] if trained else quality.train_ours(cache.embeddings, a.quality_steps, a.quality_batch, 32)[0]
        return interpret.labelling(sae, corpus, encoder, cache, a.loop_features)
    section("label", label, label_rows)
    if peers: section("interop", interop.interop, interop_rows)
    elif "interop" in a.sections: rows.append(_row("5 interop", "skipped: sae-lens not installed", None, None, None))
    section("memory", lambda: memory.memory(a.memory_rows, a.memory_steps), memory_rows)
    if a.whole_corpus: results["embed_whole_corpus"] = embed.whole_corpus()
    results.update(date=str(datetime.date.today()), seconds=time.perf_counter() - t0, args=vars(a), rows=rows)
    print_table(rows, summary(info))
    if a.whole_corpus:
        w = results["embed_whole_corpus"]
        print(f"whole study corpus, fast path: {w['n']} abstracts in {w['seconds']:.0f} s ({w['per_s']:.1f}/s)")
    Path(a.out).write_text(json.dumps(results, indent=1, default=str))
    print(f"[bench] {time.perf_counter() - t0:.0f} s in all; results in {a.out}")

if __name__ == "__main__": main()
