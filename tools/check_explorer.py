"""Check the ipywidgets explorer in a real JupyterLab: `python tools/check_explorer.py` (`make explorer-check`).

Takes the code cells of `nbs/11a_explore.ipynb` up to the one that shows the toy explorer, writes them into a
notebook in a temporary folder, starts JupyterLab
there (`--LabApp.expose_app_in_browser`, no token, a free local port) and opens the notebook in headless Chromium,
driven over the DevTools protocol with the helpers of `tools/check_site.py`. Then, as a reader would:
- runs all cells (JupyterLab's `notebook:run-all-cells`) and waits until the widget shows its card (feature 7);
- types a word into the find box with real key events: the matching feature's card must open;
- opens the Text tab, types a text and leaves the box: a slider per firing feature and the nearest abstracts must
  appear; types 0 into the "halo" slider's readout: the results must say they are steered.
Fails on a console error or uncaught exception in the page, a widget that does not render ("Error displaying
widget"), or any step whose result does not show. Screenshots of each step go to `--shots`. Needs `jupyterlab`
(`pip install jupyterlab`) and `chromium` (`apt-get install chromium`). Exits 1 on any problem."""
import argparse, json, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_site import CDP, event_problems, find_browser, new_tab, prepare_tab, screenshot, start_browser
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT/"nbs"/"11a_explore.ipynb"
SHOWN_BY = "explorer.show(7)"  # the source cell that leaves the toy explorer as its output
OUTPUT = ".jp-OutputArea-output"


def toy_notebook(dest:Path) -> Path:
    "The source notebook's code cells up to the one that shows the explorer, as a notebook at `dest`."
    nb = json.loads(SOURCE.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] != "code": continue
        cells.append(dict(cell_type="code", execution_count=None, id=cell["id"], metadata={}, outputs=[], source=src))
        if SHOWN_BY in src: break
    else: sys.exit(f"no cell of {SOURCE} contains {SHOWN_BY!r}: update SHOWN_BY")
    nb = dict(nbformat=4, nbformat_minor=5, cells=cells,
              metadata=dict(kernelspec=dict(name="python3", display_name="Python 3", language="python")))
    dest.write_text(json.dumps(nb), encoding="utf-8")
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(folder:Path, port:int) -> subprocess.Popen:
    "JupyterLab serving `folder` on `port`, without a token, its app exposed as `window.jupyterapp`."
    args = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
            f"--ServerApp.root_dir={folder}", "--ServerApp.disable_check_xsrf=True", "--allow-root"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(folder/"lab.log", "w"))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for _ in range(600):
        if proc.poll() is not None: sys.exit(f"JupyterLab exited with code {proc.returncode}:\n{(folder/'lab.log').read_text()[-2000:]}")
        try:
            opener.open(f"http://127.0.0.1:{port}/api/status", timeout=2)
            return proc
        except OSError: time.sleep(0.1)
    proc.kill()
    sys.exit("JupyterLab did not answer within 60 s")


def wait_until(cdp:CDP, js:str, timeout:float):
    "Poll the JavaScript expression `js` until it is truthy; its value, or None after `timeout` seconds."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := cdp.evaluate(js): return value
        time.sleep(0.25)
    return None


def type_into(cdp:CDP, selector:str, text:str, then:str|None=None):
    "Focus the element at `selector` (in the explorer's output), select its content, type `text`, press `then`."
    cdp.evaluate(f"(() => {{const e = document.querySelector({json.dumps(selector)}); e.focus(); "
                 f"if (e.select) e.select(); else document.execCommand('selectAll'); return true}})()")
    cdp.send("Input.insertText", text=text)
    for key in filter(None, [then]):
        code = dict(Enter=13, Tab=9)[key]
        for kind in ("keyDown", "keyUp"):
            cdp.send("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code)


def click(cdp:CDP, element:str):
    "A real mouse click (press and release) at the centre of the element that the JavaScript `element` finds."
    box = cdp.evaluate(f"(e => {{e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); "
                       f"return [r.x + r.width / 2, r.y + r.height / 2]}})({element})")
    for kind in ("mousePressed", "mouseReleased"):
        cdp.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


def text_of(selector:str) -> str:
    return f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText"


def check_explorer(shots:Path) -> list:
    "Problems found driving the toy explorer in JupyterLab; screenshots of each step go to `shots`."
    problems = []
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as profile:
        folder = Path(tmp)
        toy_notebook(folder/"explore.ipynb")
        port = free_port()
        lab = start_lab(folder, port)
        proc, base = start_browser(find_browser(), profile)
        try:
            with connect(new_tab(base), max_size=None, proxy=None, open_timeout=30) as ws:
                cdp = prepare_tab(CDP(ws))
                cdp.send("Page.navigate", url=f"http://127.0.0.1:{port}/lab/tree/explore.ipynb")
                panel = ("Array.from(jupyterapp.shell.widgets('main')).find(w => w.context && "
                         "w.context.path == 'explore.ipynb')")
                ready = (f"window.jupyterapp && (p => p && p.sessionContext.session && p.sessionContext.session.kernel "
                         f"&& p.sessionContext.session.kernel.connectionStatus == 'connected')({panel})")
                if not wait_until(cdp, ready, 120): return ["the notebook's kernel did not start in 120 s"]
                cdp.evaluate(f"jupyterapp.shell.activateById({panel}.id) || true")  # the commands act on it
                cdp.evaluate("jupyterapp.commands.execute('notebook:run-all-cells').then(() => true)")
                card = f"{OUTPUT} .widget-tab .widget-html-content"
                shown = wait_until(cdp, f"[...document.querySelectorAll({json.dumps(card)})].map(e => e.innerText)"
                                        f".find(t => t.includes('#7 graph'))", 180)
                errors = cdp.evaluate(f"[...document.querySelectorAll('{OUTPUT}')].map(e => e.innerText)"
                                      ".filter(t => /Error displaying widget|Traceback|Error:/.test(t))")
                problems += [f"an output shows an error: {e[:300]}" for e in errors]
                print(f"screenshot: {screenshot(cdp, shots/'explorer-card.png')}")
                if not shown:
                    return problems + event_problems(cdp.events) + ["the explorer did not show feature 7's card"]
                type_into(cdp, f"{OUTPUT} .widget-text input", "galaxy")
                if not wait_until(cdp, f"{text_of(card)}.startsWith('#3 galaxy')", 30):
                    problems.append(f"typing 'galaxy' did not open its card: {cdp.evaluate(text_of(card))[:200]!r}")
                print(f"screenshot: {screenshot(cdp, shots/'explorer-find.png')}")
                text_tab = f"[...document.querySelectorAll('{OUTPUT} .lm-TabBar-tab')].find(t => t.innerText.trim() == 'Text')"
                for _ in range(5):  # the notebook may still be scrolling under the pointer
                    click(cdp, text_tab)
                    if wait_until(cdp, f"{text_tab}.classList.contains('lm-mod-current')", 2): break
                else: return problems + ["clicking the Text tab did not open it"]
                type_into(cdp, f"{OUTPUT} .widget-textarea textarea", "dark matter halo", then="Tab")
                results = (f"[...document.querySelectorAll('{OUTPUT} .widget-html-content')].map(e => e.innerText)"
                           ".find(t => t.includes('Nearest abstracts')) || ''")
                wait_until(cdp, f"({results}).includes('Cold dark matter halo')", 30)  # the old text's go
                sliders = cdp.evaluate(f"document.querySelectorAll('{OUTPUT} .widget-slider').length")
                results = cdp.evaluate(results)
                if not sliders or "Cold dark matter halo" not in results:
                    problems.append(f"the text gave {sliders or 0} sliders and results {results[:200]!r}")
                else:
                    halo = (f"[...document.querySelectorAll('{OUTPUT} .widget-slider')].findIndex(s => "
                            f"s.innerText.includes('#2'))")
                    index = cdp.evaluate(halo)
                    readout = f"{OUTPUT} .widget-slider:nth-of-type({index + 1}) .widget-readout"
                    cdp.evaluate(f"(() => {{const s = [...document.querySelectorAll('{OUTPUT} .widget-slider')]"
                                 f"[{index}].querySelector('.widget-readout'); s.focus(); "
                                 f"document.execCommand('selectAll'); return true}})()")
                    cdp.send("Input.insertText", text="0")
                    for kind in ("keyDown", "keyUp"):
                        cdp.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                                 windowsVirtualKeyCode=13)
                    steered = wait_until(cdp, f"[...document.querySelectorAll('{OUTPUT} .widget-html-content')]"
                                              ".map(e => e.innerText).find(t => t.includes('(steered)'))", 30)
                    if not steered: problems.append(f"setting the halo slider ({readout}) to 0 did not steer")
                print(f"screenshot: {screenshot(cdp, shots/'explorer-text.png')}")
                problems += event_problems(cdp.events)
        finally:
            proc.terminate()
            lab.terminate()
            proc.wait(timeout=30)
            lab.wait(timeout=30)
    return problems


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", default=str(ROOT/"_explorer_screenshots"), help="folder for the screenshots")
    problems = check_explorer(Path(parser.parse_args().shots))
    print("\n".join(f"FAIL {p}" for p in problems) or "ok: the explorer renders and answers in JupyterLab")
    sys.exit(1 if problems else 0)
