"""How evenly features fire: ours and SAELens (λ = 5) at the quality budget, on train and test rows.

Usage: python -m bench.firing [--steps 100] [--batch 1024]

A diagnostic behind item 2 of the table (not in it): the share of features silent on the test rows, silent on
all training rows, fire-rate quantiles over the training rows, the share of features firing on fewer than one
in n_test training rows, and the share of all firing that the top 5 % of features carry.
"""
import argparse
import numpy as np
from sae_sbert.evaluate import evaluate_sae
from sae_sbert.store import ActivationStore
from bench.data import study
from bench.quality import train_ours, train_sae_lens

def firing(sae, train, test) -> dict:
    "Fire-rate summary of `sae` on raw `train` and `test` vectors."
    on_test, on_train = evaluate_sae(sae, test).fire_rate, evaluate_sae(sae, train).fire_rate
    top = np.sort(on_train)[::-1]
    return dict(silent_test=float(np.mean(on_test == 0)), silent_train=float(np.mean(on_train == 0)),
                **{f"train_p{q}": float(np.quantile(on_train, q / 100)) for q in (10, 50, 90, 99)},
                rare=float(np.mean(on_train < 1 / len(test))), top5_share=float(top[:len(top) // 20].sum() / top.sum()))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch", type=int, default=1024)
    a = p.parse_args()
    embeddings = study()[2].embeddings
    store = ActivationStore(embeddings, batch_size=a.batch, seed=0)
    test, train = store.test(), store.read(store.train_indices(), scaled=False)
    for name, fit in (("ours", lambda: train_ours(embeddings, a.steps, a.batch, 32)),
                      ("SAELens λ=5", lambda: train_sae_lens(embeddings, a.steps, a.batch, 5.0))):
        print(name, {k: round(v, 6) for k, v in firing(fit()[0], train, test).items()}, flush=True)

if __name__ == "__main__": main()
