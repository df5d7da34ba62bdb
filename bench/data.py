"""The study corpus and its embedding cache, opened as `sae_sbert_run --data study` opens them."""
import functools, time
from sae_sbert.corpus import load_corpus
from sae_sbert.embed import embed_corpus
from sae_sbert.encoder import fast_precision, load_encoder

@functools.cache
def study(source:str="study"):
    "(corpus, encoder, cache) of the study corpus; embeds it first (minutes) when the cache is cold."
    t = time.perf_counter()
    corpus, encoder = load_corpus(source), load_encoder(device="cpu")
    cache = embed_corpus(corpus, encoder, precision=fast_precision("cpu"))
    print(f"[bench] {source}: {len(corpus)} abstracts, cache {cache.path.name} ({time.perf_counter() - t:.0f} s)")
    return corpus, encoder, cache
