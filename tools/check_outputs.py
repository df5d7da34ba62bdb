"""CI: the library notebooks carry the outputs that teach (issue 13), so a rendered page shows what a lesson shows.

The rule needs no run and no list to maintain: every cell that `nbdev_test` runs and the docs show (not hidden, not
`output: false`, not `show_doc`) and that ends in a value has a saved output. "Ends in a value" is
`tools/outputs.py:ends_in_value`: a bare last expression, not a method call, not `test_*`/`print`/`display`, no
closing `;`. So clearing outputs (`nbdev_clean --clear_all`, an editor's "clear all"), or adding a lesson cell
without `make outputs`, fails. Plots and printed examples are kept by `make outputs` but not demanded here.
Every saved output must also be one `tools/outputs.py` would keep (no stderr or progress bar, each within its cap),
with no execution count, and hidden or `show_doc` cells carry none.
`python tools/check_outputs.py`: one line per notebook; exits 1 naming the cells to fix."""
import json, os, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from outputs import (ends_in_value, is_skipped, joined, keep, library_notebooks, read_cells, root, skip_flags,
                     wants_outputs)

def flat(out:dict|None) -> str:
    "An output as comparable text: lists of lines joined."
    if out is None: return ""
    plain = {k: {m: joined(t) for m, t in v.items()} if k == "data" else joined(v) if k == "text" else v
             for k, v in out.items() if k != "metadata"}
    return json.dumps(plain, sort_keys=True)

def cell_problems(cell, flags:set) -> list:
    "What is wrong with the saved outputs of one code cell, as short phrases."
    outs, run = cell.get("outputs", []), not is_skipped(cell, flags)
    if not wants_outputs(cell): return ["a hidden or show_doc cell carries outputs"] if outs else []
    problems = ["ends in a value but has no saved output"] if run and ends_in_value(cell) and not outs else []
    if cell.get("execution_count") is not None or any(o.get("execution_count") is not None for o in outs):
        problems.append("has an execution count (run nbdev_clean)")
    noisy = [o.get("name", o["output_type"]) for o in outs if flat(keep(o)) != flat(o)]
    if noisy: problems.append(f"has outputs that do not teach or are over their cap ({', '.join(noisy)})")
    return problems

def check(path:Path) -> list:
    "Print a notebook's summary line; its problems as `path: cell id (first line): phrase` lines."
    flags, cells = skip_flags(), [c for c in read_cells(path) if c.cell_type == "code"]
    res = [f"{path.relative_to(root)}: cell {c.id} ({(c.source.strip() or ' ').splitlines()[0][:60]}): {p}"
           for c in cells for p in cell_problems(c, flags)]
    values = sum(ends_in_value(c) and wants_outputs(c) and not is_skipped(c, flags) for c in cells)
    print(f"{path.relative_to(root)}: {sum(bool(c.get('outputs')) for c in cells)} cells with outputs, "
          f"{values} value cells, {len(res)} problems")
    return res

if __name__ == "__main__":
    os.chdir(root)  # settings.ini: tst_flags
    problems = [p for nb in library_notebooks() for p in check(nb)]
    if problems:
        print("\n".join(problems))
        sys.exit("Saved outputs are missing or noisy: run `make outputs` (tools/outputs.py) and commit the notebooks.")
