"""Embedding speed: the default fp32 path against the fast paths, side by side, on real abstracts.

Usage: python bench/embed.py [--n 512] [--chunk 64] [--threads N] [--device cpu] [--no-openvino]

Paths are timed in alternating chunks (fp32 chunk, bf16 chunk, ...) so that load from other processes on a
shared machine falls on all of them alike. Agreement is the per-vector cosine to the fp32 vectors.
OpenVINO (fp32, converted from the same torch model) is included when the `openvino` package is installed.
"""
import argparse, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from sae_sbert.corpus import corpus_from_frame, read_table
from sae_sbert.embed import _cpu_has_native_bf16, count_truncated, embedding_dim, embed_texts, fast_precision, load_encoder

DATA = Path(__file__).resolve().parents[2]/"shared"/"data"  # <repo>/../shared/data

def openvino_encoder(encoder, threads:int):
    "An fp32 OpenVINO version of `encoder`'s transformer with the same mean pooling and normalisation (or None)."
    try: import openvino as ov
    except ImportError: return None
    pooling = encoder[1].get_config_dict().get("pooling_mode", "mean")
    if pooling != "mean": return None
    tok, hf = encoder.tokenizer, encoder[0].model
    example = dict(tok(["a b", "c"], padding=True, return_tensors="pt"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = ov.Core().compile_model(ov.convert_model(hf, example_input=example), "CPU", {"INFERENCE_NUM_THREADS": str(threads)})
    normalize = any(type(m).__name__ == "Normalize" for m in encoder)
    def encode(texts, batch_size=64):
        order, out = np.argsort([-len(t) for t in texts]), np.zeros((len(texts), embedding_dim(encoder)), np.float32)
        for s in range(0, len(texts), batch_size):
            idx = order[s:s + batch_size]
            enc = tok([texts[i] for i in idx], padding=True, truncation=True, max_length=encoder.max_seq_length, return_tensors="np")
            hidden = compiled({k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc})[0]
            mask = enc["attention_mask"][..., None].astype(np.float32)
            e = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
            out[idx] = e / np.linalg.norm(e, axis=1, keepdims=True) if normalize else e
        return out
    return encode

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=512, help="abstracts to encode (at least 500 for the report)")
    p.add_argument("--chunk", type=int, default=64, help="texts per alternating timing chunk")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--device", default="cpu")
    p.add_argument("--no-openvino", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    frame = read_table(DATA/"arxiv_ml_sample.parquet")
    corpus = corpus_from_frame(frame, "abstract", limit=a.n, shuffle=True, seed=0, source="arxiv_ml_sample")
    texts = corpus.texts
    encoder = load_encoder(device=a.device)
    print(f"{len(texts)} abstracts from {DATA}; device {a.device}, torch {torch.__version__}, {a.threads} thread(s), "
          f"batch {a.batch_size}; native CPU bf16: {_cpu_has_native_bf16()}; fast_precision -> {fast_precision(a.device)!r}")
    print(f"{count_truncated(texts, encoder)} of {len(texts)} exceed max_seq_length={encoder.max_seq_length} tokens (truncated)")
    paths = {"fp32 (default)": lambda t: embed_texts(t, encoder, a.batch_size, "fp32", warn_truncation=False),
             "bf16 autocast": lambda t: embed_texts(t, encoder, a.batch_size, "bf16", warn_truncation=False)}
    if a.device == "cpu" and not a.no_openvino and (ov := openvino_encoder(encoder, a.threads)) is not None:
        paths["openvino fp32"] = lambda t: ov(t, a.batch_size)
    for f in paths.values(): f(texts[:4])  # warm up
    seconds, vectors = {k: 0.0 for k in paths}, {k: [] for k in paths}
    for s in range(0, len(texts), a.chunk):
        for k, f in paths.items():
            t0 = time.perf_counter(); vectors[k].append(f(texts[s:s + a.chunk])); seconds[k] += time.perf_counter() - t0
    ref = np.concatenate(vectors["fp32 (default)"])
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    print(f"{'path':<16} {'abstracts/s':>11} {'speed-up':>8} {'min cos':>9} {'mean cos':>9}")
    for k in paths:
        x = np.concatenate(vectors[k]); x = x / np.linalg.norm(x, axis=1, keepdims=True)
        cos = (x * ref).sum(1)
        print(f"{k:<16} {len(texts) / seconds[k]:>11.1f} {seconds['fp32 (default)'] / seconds[k]:>7.2f}x {cos.min():>9.6f} {cos.mean():>9.6f}")

if __name__ == "__main__": main()
