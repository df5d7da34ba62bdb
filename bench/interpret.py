"""Labelling: our default interpreter against the thesis's per-document KeyBERT loop, on the same SAE and evidence.

Usage: python -m bench.interpret [--loop-features 30] [--steps 300]

Both name features of one JumpReLU SAE trained on the study corpus (cs.LG + astro-ph abstracts) from the same
evidence: each feature's 10 top-activating documents outside the test split.

- ours: `interpret_features` with its defaults (the fast method), first run included: the phrase vocabulary is
  built and embedded from scratch into a temporary folder, as on a corpus seen for the first time.
- thesis loop: what the thesis did and users write: for each feature, for each of its top documents,
  `KeyBERT.extract_keywords(doc, keyphrase_ngram_range=(1, 1), stop_words='english', top_n=5)`, then each
  word scored by its mean KeyBERT score × log(1 + documents it was found in), the top 5 kept. (The thesis then
  merged near-duplicates, formed 2-word phrases and clustered terms; those steps embed a few dozen short terms
  per feature and are left out, so the loop's time here is a lower bound.) It runs on a random sample of live
  features; its time per feature is scaled to all live features.

Judge score: detection AUROC, the library's held-out test of a label: the cosine between the label (the mean
embedding of its keywords) and documents separates the feature's firing test documents from non-firing ones
(20 of each). Both methods are scored on the same sampled features, positives and negatives.
"""
import argparse, tempfile, time
from collections import defaultdict
from pathlib import Path
import numpy as np
from sae_sbert.detection import detection_samples, top_evidence
from sae_sbert.encoder import fast_precision
from sae_sbert.features import feature_activations
from sae_sbert.interpret import InterpretConfig, detection_auroc, interpret_features
from sae_sbert.phrases import build_vocabulary
from sae_sbert.store import ActivationStore

def thesis_loop(texts, top_idx:np.ndarray, features:np.ndarray, encoder, top_n:int=5) -> dict:
    "Per feature, the top keywords of the per-document KeyBERT loop."
    from keybert import KeyBERT
    model, labels = KeyBERT(model=encoder), {}
    for f in features:
        scores = defaultdict(list)
        for d in top_idx[f][top_idx[f] >= 0]:
            for word, s in model.extract_keywords(texts[d], keyphrase_ngram_range=(1, 1), stop_words="english",
                                                  top_n=top_n):
                scores[word].append(s)
        labels[int(f)] = sorted(scores, key=lambda w: -np.mean(scores[w]) * np.log1p(len(scores[w])))[:top_n]
    return labels

def labelling(sae, corpus, encoder, cache, loop_features:int=30, seed:int=0) -> dict:
    "Seconds per live feature and median detection AUROC of ours and of the thesis loop on the same features."
    cfg, texts = InterpretConfig(), corpus.texts
    heldout = ActivationStore(cache, batch_size=1024, seed=seed).test_indices()  # as sae_sbert_run holds them out
    with tempfile.TemporaryDirectory() as tmp:
        acts = feature_activations(sae, cache, cache_dir=tmp, progress=False)
        t = time.perf_counter()
        vocab = build_vocabulary(texts, encoder, cfg.ngram_range, cfg.min_df, cfg.max_df, cfg.max_features,
                                 cfg.stop_words, cache_dir=Path(tmp), precision=fast_precision("cpu"), progress=False)
        table = interpret_features(acts, texts, cache.embeddings, encoder, decoder=sae.W_dec.detach().numpy(),
                                   heldout=heldout, vocabulary=vocab, progress=False)
        ours_s = time.perf_counter() - t
    live = np.flatnonzero(~table["dead"].to_numpy() & table["label"].notna().to_numpy())
    evidence = np.setdiff1d(np.arange(len(texts)), heldout)
    top_idx, _ = top_evidence(acts, evidence, cfg.top_k)
    pos, neg = detection_samples(acts, heldout, cfg.n_detect, cfg.seed)
    scorable = live[(pos[live] >= 0).sum(1) >= cfg.min_detect]
    sample = np.sort(np.random.default_rng(seed).choice(scorable, min(loop_features, len(scorable)), replace=False))
    t = time.perf_counter()
    labels = thesis_loop(texts, top_idx, sample, encoder)
    loop_s = time.perf_counter() - t
    vectors = np.stack([encoder.encode(labels[f]).mean(0) for f in sample])
    loop_auroc = detection_auroc(vectors, cache.embeddings, pos[sample], neg[sample])
    ours_auroc = table["detection_auroc"].to_numpy()[sample]
    return dict(live_features=int(len(live)), sampled=int(len(sample)), ours_s=ours_s,
                ours_s_per_feature=ours_s / len(live), loop_s_per_feature=loop_s / len(sample),
                loop_s_all_features=loop_s / len(sample) * len(live),
                speedup=loop_s / len(sample) * len(live) / ours_s,
                ours_auroc=float(np.nanmedian(ours_auroc)), loop_auroc=float(np.nanmedian(loop_auroc)),
                ours_wins=int((ours_auroc > loop_auroc).sum()),
                examples={int(f): dict(ours=table.loc[f, "label"], loop=labels[f][0]) for f in sample[:5]})

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--loop-features", type=int, default=30)
    p.add_argument("--steps", type=int, default=300)
    a = p.parse_args()
    from bench.data import study
    from bench.quality import train_ours
    corpus, encoder, cache = study()
    sae, _ = train_ours(cache.embeddings, a.steps, 1024, 32)
    print(labelling(sae, corpus, encoder, cache, a.loop_features))

if __name__ == "__main__": main()
