"Benchmarks of sae_sbert side by side with what users would otherwise run (`python -m bench`; see README.md)."
