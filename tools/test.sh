#!/usr/bin/env bash
# Run every notebook's tests and close with "N passed, M failed" counting notebooks.
# Extra arguments go to nbdev_test: `tools/test.sh --flags slow` also runs the cells flagged `#| slow`.
set -uo pipefail
cd "$(dirname "$0")/.."
# Two workers on two cores: each notebook's torch gets one thread so they don't fight.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
log=$(mktemp)
nbdev_test --n_workers 2 --do_print --timing "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
started=$(grep -c -- '^Starting' "$log")
total=$(grep -c -- '^- Completed' "$log")
failed=$(awk '/Failed On The Following Notebooks/{f=1; next} f && /^\t/{n++} END{print n+0}' "$log")
unfinished=$((started - total))  # a notebook whose worker died never completes, and nbdev lists no failure for it
echo "$((total - failed)) passed, $((failed + unfinished)) failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
