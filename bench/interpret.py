"""Time the fast interpreter at 16x-SAE scale: 6,144 features over 20,000 documents.

First, side by side in one run: embedding vocabulary phrases in fp32 and on the fast CPU path
(OpenVINO), as `build_vocabulary(precision=...)` does on first use, with the ratio and the smallest
per-phrase cosine between the two.

Activations, document embeddings and decoder directions are synthetic (throughput does not depend
on what they mean); the phrase vocabulary is real, built from the abstracts in ../shared/data and
embedded with the default MiniLM encoder (cached, so the second run shows the steady-state time).

    python bench/interpret.py [--n-docs 20000] [--d-sae 6144] [--l0 40] [--phrases 4096] [--cache-dir DIR]
"""
import argparse, os, time
from pathlib import Path
import numpy as np, pandas as pd, scipy.sparse as sp
from sae_sbert.corpus import shared_data_dir, read_table
from sae_sbert.encoder import load_encoder
from sae_sbert.features import FeatureActivations
from sae_sbert.interpret import InterpretConfig, interpret_features
from sae_sbert.phrases import build_vocabulary, embed_strings


def phrase_precisions(phrases:list[str], encoder, repeats:int=2) -> dict:
    "Phrases per second in fp32 and OpenVINO, alternating `repeats` times, and the smallest cosine between the two."
    embed_strings(phrases[:64], encoder, precision="openvino")  # the one-off model conversion is not timed
    rates = {"fp32": [], "openvino": []}
    for _ in range(repeats):
        for precision in rates:
            t = time.perf_counter(); vectors = embed_strings(phrases, encoder, precision=precision)
            rates[precision].append(len(phrases) / (time.perf_counter() - t))
            if precision == "fp32": reference = vectors
    return dict(fp32=max(rates["fp32"]), openvino=max(rates["openvino"]), min_cosine=float((vectors * reference).sum(1).min()))


def synthetic_activations(n_docs:int, d_sae:int, l0:int, seed:int=0) -> FeatureActivations:
    "Sparse activations with `l0` features per document and a power-law spread of fire rates."
    rng = np.random.default_rng(seed)
    p = 1 / np.arange(1, d_sae + 1) ** 0.8; p /= p.sum()
    p = p[rng.permutation(d_sae)]
    cols = np.concatenate([rng.choice(d_sae, l0, replace=False, p=p) for _ in range(n_docs)])
    rows = np.repeat(np.arange(n_docs), l0)
    vals = rng.exponential(1.0, len(cols)).astype(np.float32) + 0.1
    return FeatureActivations(sp.csr_matrix((vals, (rows, cols)), shape=(n_docs, d_sae)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-docs", type=int, default=20000)
    ap.add_argument("--d-sae", type=int, default=6144)
    ap.add_argument("--l0", type=int, default=40, help="features firing per document")
    ap.add_argument("--phrases", type=int, default=4096, help="vocabulary phrases embedded both ways for the precision comparison")
    ap.add_argument("--cache-dir", default=os.environ.get("SAE_SBERT_VOCAB_CACHE", str(Path.home()/".cache"/"sae_sbert"/"vocab")))
    args = ap.parse_args()
    data = shared_data_dir()
    if data is None: raise SystemExit("shared/data not found: run from the repository (it looks for ../shared/data)")
    texts = pd.concat([read_table(f)["abstract"] for f in sorted(data.glob("*.parquet"))]).dropna().drop_duplicates().tolist()
    encoder = load_encoder(device="cpu")
    cfg = InterpretConfig()

    t = time.perf_counter()
    vocab = build_vocabulary(texts, encoder, cfg.ngram_range, cfg.min_df, cfg.max_df, cfg.max_features, cfg.stop_words,
                             cache_dir=args.cache_dir, progress=False)
    t_vocab = time.perf_counter() - t
    rates = phrase_precisions(vocab.phrases[:args.phrases], encoder)

    t = time.perf_counter()
    acts = synthetic_activations(args.n_docs, args.d_sae, args.l0)
    rng = np.random.default_rng(1)
    E = rng.normal(size=(args.n_docs, vocab.embeddings.shape[1])).astype(np.float32)
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    decoder = rng.normal(size=(args.d_sae, E.shape[1])).astype(np.float32)
    docs = [texts[i % len(texts)] for i in range(args.n_docs)]
    t_synth = time.perf_counter() - t

    t = time.perf_counter()
    table = interpret_features(acts, docs, E, encoder, decoder=decoder, cfg=cfg, vocabulary=vocab, progress=False)
    t_fast = time.perf_counter() - t

    threads = os.environ.get("OMP_NUM_THREADS", f"{os.cpu_count()} (all)")
    print(f"corpus for the vocabulary: {len(texts)} real abstracts -> {len(vocab)} phrases "
          f"(built+embedded or read from cache in {t_vocab:.1f} s; cache {args.cache_dir})")
    print(f"phrase embedding, {args.phrases} phrases: fp32 {rates['fp32']:.0f}/s, OpenVINO {rates['openvino']:.0f}/s "
          f"({rates['openvino'] / rates['fp32']:.2f}x), smallest cosine {rates['min_cosine']:.6f}")
    print(f"synthetic: {args.n_docs} documents x {args.d_sae} features, L0 {args.l0}, "
          f"{int((~acts.dead).sum())} live features (made in {t_synth:.1f} s)")
    print(f"fast method, all features: {t_fast:.1f} s on {threads} threads; stages (s): "
          + ", ".join(f"{k[:-2]} {v:.1f}" for k, v in table.attrs["timing"].items()))
    print(f"labelled {int(table.label.notna().sum())} features; median detection AUROC {table.detection_auroc.median():.3f} "
          "(about 0.5 expected: synthetic activations mean nothing)")


if __name__ == "__main__": main()
