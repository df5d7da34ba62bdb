"""FLOPs of embedding the study corpus with MiniLM-L6, counted from the model's shapes: `python -m bench.embed_flops`.

Tokenises every study abstract with the encoder's own tokenizer (cut at its `max_seq_length`), then counts 2 FLOPs per
multiply-add in the projections and the MLP of each layer, and in attention's QK^T and AV at each text's length.
Padding within sorted batches is not counted, so the result is a floor. bench/NOTES.md divides it into the measured
abstracts per second of bench/README.md's table to get each path's GFLOP/s.
"""
import numpy as np
from sae_sbert.corpus import study_corpus
from sae_sbert.encoder import load_encoder

def embed_flops(chunk:int=2048) -> dict:
    "Mean tokens per study abstract, the share cut at max_seq_length, and GFLOP per abstract."
    encoder, texts = load_encoder(device="cpu"), study_corpus().texts
    lengths = np.concatenate([encoder.preprocess(texts[i:i + chunk])["attention_mask"].sum(1).numpy()
                              for i in range(0, len(texts), chunk)])
    config = encoder[0].auto_model.config
    h, ff, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    dense = 2 * layers * (4 * h * h + 2 * h * ff) * lengths  # per text: Q, K, V, O projections and the MLP
    attention = 2 * layers * 2 * h * lengths.astype(float) ** 2  # per text: QK^T and AV
    return dict(texts=len(lengths), mean_tokens=float(lengths.mean()),
                cut_share=float(np.mean(lengths >= encoder.max_seq_length)),
                gflop_per_text=float((dense + attention).mean() / 1e9))

if __name__ == "__main__":
    r = embed_flops()
    print(f"{r['texts']} abstracts, {r['mean_tokens']:.1f} tokens on average, {r['cut_share']:.1%} cut at "
          f"max_seq_length; {r['gflop_per_text']:.2f} GFLOP per abstract")
