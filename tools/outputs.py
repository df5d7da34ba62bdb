"""Refresh the saved outputs of the library notebooks, so the docs show what the lessons print and draw (issue 13).

`python tools/outputs.py` (or `make outputs`) runs nbs/0*.ipynb and nbs/1*.ipynb one at a time; name notebooks to run
only those: `python tools/outputs.py nbs/04_sae.ipynb`; `--flags slow` also runs the cells flagged `slow`, as
`nbdev_test --flags slow` does (they need the study corpus and take minutes). Each runs the way `nbdev_test` runs
it (execnb's CaptureShell, cwd nbs/, cells flagged with a `tst_flags` flag or `#| eval: false` skipped), with
MPLBACKEND=Agg, OMP_NUM_THREADS=1 and plots as plain PNG; `IN_TEST` is not set (outputs are what a reader running the
notebook sees). Only outputs change, never a source; skipped cells keep the outputs they had, filtered alike.
Kept: the value a lesson cell ends with, printed examples, small tables, plots, each within `CAPS`.
Dropped: stderr (progress bars, warnings), progress lines on stdout, `show_doc` (the docs render it), hidden cells,
widgets, anything over its cap. The notebook is then cleaned by `nbdev_clean` (ids, execution counts, metadata)."""
import os
os.environ.update(MPLBACKEND="Agg", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
import ast, base64, json, re, subprocess, sys, time, traceback
from pathlib import Path

root = Path(__file__).resolve().parent.parent
CAPS = {"text/plain": 4_000, "text/markdown": 4_000, "text/html": 8_000, "image/png": 150_000}  # chars; PNG: bytes
STDOUT_CAP = 4_000  # characters of printed text
TEMP_NAME = re.compile(r"(?<=/tmp/tmp)[a-z0-9_]{8}(?![a-z0-9_])")  # tempfile's random folder name
PROGRESS = re.compile(r"\r|\d+%\||\d+/\d+ \[\d|it/s\]|s/it\]")  # a tqdm line

def library_notebooks() -> list:
    "The library notebooks: nbs/0*.ipynb and nbs/1*.ipynb (not index, not the tutorials)."
    return sorted([*(root/"nbs").glob("0*.ipynb"), *(root/"nbs").glob("1*.ipynb")])

def read_cells(path:Path) -> list:
    "The cells of `path` as `nbdev_test` sees them: `directives_` parsed, `source` without them, `id` kept."
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor
    return NBProcessor(path, procs=FrontmatterProc, process=True).nb.cells

def skip_flags() -> set:
    "The flags `nbdev_test` skips: `tst_flags` in settings.ini, less those named in $SAE_SBERT_OUTPUTS_FLAGS."
    from nbdev.config import get_config
    return set(get_config().get("tst_flags", "").split()) - set(os.environ.get("SAE_SBERT_OUTPUTS_FLAGS", "").split())

def is_skipped(cell, flags:set) -> bool:
    "Whether `nbdev_test` leaves `cell` unrun (the rule of `nbdev.test.test_nb`)."
    if cell.cell_type != "code" or "nbdev_export(" in cell.source: return True
    direc = cell.directives_ or {}
    return direc.get("eval:", [""])[0].lower() == "false" or bool(flags & direc.keys())

def wants_outputs(cell) -> bool:
    "Hidden cells, `output: false` cells and `show_doc` cells keep no output: the docs show none or render their own."
    direc = cell.directives_ or {}
    return not ("hide" in direc or direc.get("output:", [""])[0].lower() == "false" or "show_doc(" in cell.source)

def ends_in_value(cell) -> bool:
    "Whether a cell ends in a value: a bare expression, not a method call, not `test_*`/`show_doc`/`print`/`display`."
    # method calls (`shutil.rmtree(tmp)`, `fig.savefig(p)`) are mostly there for their effect and return None
    from IPython.core.inputtransformer2 import TransformerManager
    if cell.source.rstrip().endswith(";"): return False
    try: body = ast.parse(TransformerManager().transform_cell(cell.source)).body
    except SyntaxError: return False
    if not body or not isinstance(body[-1], ast.Expr): return False
    value = body[-1].value
    if not isinstance(value, ast.Call): return True
    name = getattr(value.func, "id", None)  # None for a method call
    return name is not None and not (name.startswith("test_") or name in ("show_doc", "print", "display"))

def joined(value) -> str:
    "An output's text, saved as one string or as a list of lines."
    return "".join(value) if isinstance(value, list) else value

def size(mime:str, value) -> int:
    "Characters of a text output, bytes of a base64 image."
    return len(base64.b64decode(joined(value))) if mime.startswith("image/") else len(joined(value))

def steady(mime:str, value):
    "Text as lines (as Jupyter saves it), tempfile's random folder names as `tmpXXXXXXXX`; images as they are."
    if mime.startswith("image/"): return value
    return TEMP_NAME.sub("XXXXXXXX", joined(value)).splitlines(keepends=True)  # a refresh does not churn temp names

def keep_stream(out:dict) -> dict|None:
    "stdout without its progress lines, if anything short is left; stderr never."
    if out["name"] != "stdout": return None
    text = "".join(l for l in joined(out["text"]).splitlines(keepends=True) if not PROGRESS.search(l))
    return dict(out, text=steady("text", text)) if text.strip() and len(text) <= STDOUT_CAP else None

def keep_data(out:dict) -> dict|None:
    "A result or display with only the types we show, each within its cap; None for a huge repr or a dropped image."
    data = {k: steady(k, v) for k, v in out["data"].items() if k in CAPS and size(k, v) <= CAPS[k]}
    if "text/plain" in out["data"] and "text/plain" not in data: return None  # a huge repr: its html is a wall too
    if any(k.startswith("image/") for k in out["data"]) and not any(k.startswith("image/") for k in data): return None
    meta = {k: v for k, v in out.get("metadata", {}).items() if k in data}
    return dict(out, data=data, metadata=meta) if data else None

def keep(out:dict) -> dict|None:
    "One output as we save it, or None when it does not teach."
    if out["output_type"] == "stream": return keep_stream(out)
    return keep_data(out) if "data" in out else None  # errors never: a failing cell stops the run

def teaching(outs:list) -> list:
    "The outputs of one cell worth saving."
    return [o for o in map(keep, outs) if o is not None]

def run_notebook(path:Path) -> dict:
    "Run `path` as `nbdev_test` does; the teaching outputs of every code cell, by cell id."
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    flags, shell, res = skip_flags(), CaptureShell(path, mpl_format="png"), {}
    with working_directory(path.parent):
        for cell in read_cells(path):
            if cell.cell_type != "code": continue
            if is_skipped(cell, flags): outs = json.loads(json.dumps(cell.get("outputs", [])))  # saved, not rerun
            else:
                outs = json.loads(json.dumps(shell.run(cell.source)))
                if shell.exc:  # execnb's prettytb needs the cell index only run_all sets
                    raise RuntimeError(f"{path.name}: cell {cell.id} failed\n{''.join(traceback.format_exception(shell.exc))}")
            res[cell.id] = teaching(outs) if wants_outputs(cell) else []
    return res

def save_outputs(path:Path, outputs:dict):
    "Write `outputs` into the cells of `path` by id (sources untouched, atomically), then `nbdev_clean` it."
    from nbdev.clean import nbdev_clean
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") in outputs: cell["outputs"] = outputs[cell["id"]]
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    nbdev_clean(fname=str(path))

def refresh(path:Path):
    "Run one notebook, save its teaching outputs and say what was kept (and which value cells show nothing)."
    before, start = path.stat().st_size, time.time()
    outputs = run_notebook(path)
    save_outputs(path, outputs)
    flags = skip_flags()
    bare = [c.id for c in read_cells(path) if c.cell_type == "code" and not is_skipped(c, flags)
            and wants_outputs(c) and ends_in_value(c) and not outputs.get(c.id)]
    print(f"{path.relative_to(root)}: {sum(map(bool, outputs.values()))} cells with outputs, "
          f"{path.stat().st_size - before:+,} bytes, {time.time() - start:.0f} s"
          + (f"; value cells with nothing kept: {', '.join(bare)}" if bare else ""), flush=True)

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--flags"]: os.environ["SAE_SBERT_OUTPUTS_FLAGS"], args = args[1], args[2:]
    paths = [Path(a).resolve() for a in args] or library_notebooks()
    os.chdir(root)  # settings.ini: tst_flags, clean options
    if os.environ.get("SAE_SBERT_OUTPUTS_CHILD"): refresh(paths[0])
    else:  # a fresh process per notebook, as nbdev_test; fixed string hashes: a refresh changes only what changed
        env = dict(os.environ, SAE_SBERT_OUTPUTS_CHILD="1", PYTHONHASHSEED="0")
        failed = [p for p in paths if subprocess.run([sys.executable, __file__, str(p)], env=env).returncode]
        if failed: sys.exit(f"outputs not refreshed (a cell failed): {' '.join(p.name for p in failed)}")
