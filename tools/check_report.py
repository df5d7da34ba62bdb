"""Check a run report's feature browser in a real browser: `python tools/check_report.py runs/demo/report`.

Opens `index.html` from disk (no server) in headless Chromium, driven over the DevTools protocol with the helpers of
`tools/check_site.py`, and checks: the page and its `data.js` load with no console error, uncaught exception or
failed request; typing in the filter box narrows the table; a card opened by its link (`#f<id>`) shows its top
abstracts; an abstract containing `<script>` or other markup is shown as text (no element from it in the card, no
script of it run); the families and map tabs open without errors. Screenshots of the window (table and card), of
the card alone, of the families and of the map go to `--shots` (default: `<report>/_screenshots/`) and their paths
are printed. Needs `chromium` (`apt-get install chromium`) or Chrome (`$CHROME`). Exits 1 on any problem."""
import argparse, base64, json, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_site import CDP, event_problems, find_browser, new_tab, prepare_tab, screenshot, start_browser
from websockets.sync.client import connect

MARKUP_PROBE = "window.__sae_sbert_injected"  # set by the test abstracts' scripts if one ever ran


def _load(cdp:CDP, page:Path, hash_:str="") -> None:
    "Navigate to `page` (with `#hash_`) and wait until it has loaded and rendered."
    cdp.send("Page.navigate", url=page.resolve().as_uri() + hash_)
    cdp.wait_for("Page.loadEventFired")
    time.sleep(0.3)


def _rows(cdp:CDP) -> dict:
    return cdp.evaluate("({rows: document.querySelectorAll('#features tbody tr').length, "
                        "count: document.getElementById('count').textContent})")


def element_screenshot(cdp:CDP, selector:str, dest:Path) -> Path:
    "A PNG of the part of the window that the element `selector` covers (a card, without the table beside it)."
    box = cdp.evaluate(f"(r => ({{x: r.x, y: r.y, width: r.width, height: Math.min(r.height, innerHeight - r.y)}}))"
                       f"(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
    shot = cdp.send("Page.captureScreenshot", format="png", clip=dict(box, scale=1))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(base64.b64decode(shot["data"]))
    return dest


def check_report(report:Path, shots:Path|None=None, query:str|None=None,
                 feature:int|None=None,  # the card to open; default: one citing an abstract with markup, if any
                ) -> tuple[list, dict]:
    "Problems found in the report's browser, and what was seen (row counts, the card checked, screenshot paths)."
    page, shots = report/"index.html", shots or report/"_screenshots"
    if not page.exists(): return [f"no {page}: write the report first"], {}
    data = json.loads((report/"data.js").read_text(encoding="utf-8").removeprefix("window.SAE_SBERT = ")
                      .removesuffix(";\n"))
    cited = [f for f in data["features"] if f["top"]]
    if not cited: return ["no feature has top abstracts: nothing to check a card on"], {}
    # by default a card citing an abstract with markup (it must show as text), else the first with abstracts
    marked = [f for f in cited if any("<" in data["docs"][str(d)]["text"] for d, _ in f["top"])]
    feature = (marked or cited)[0] if feature is None else data["features"][feature]
    if not feature["top"]: return [f"feature {feature['id']} has no top abstracts: nothing to check its card on"], {}
    query = query or (feature["label"] or feature["keywords"][0][0]).split()[0]
    problems, seen = [], dict(feature=feature["id"], query=query)
    with tempfile.TemporaryDirectory() as profile:
        proc, base = start_browser(find_browser(), profile)
        try:
            with connect(new_tab(base), max_size=None, proxy=None, open_timeout=30) as ws:
                cdp = prepare_tab(CDP(ws))
                cdp.events.clear()
                _load(cdp, page)
                seen["load_ms"] = round(cdp.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                seen["before"] = _rows(cdp)
                cdp.evaluate(f"(q => {{const i = document.getElementById('query'); i.value = q; "
                             f"i.dispatchEvent(new Event('input')); return true}})({json.dumps(query)})")
                seen["after"] = _rows(cdp)
                if not 0 < seen["after"]["rows"] < seen["before"]["rows"]:
                    problems.append(f"filtering by {query!r} did not narrow the table: "
                                    f"{seen['before']} -> {seen['after']}")
                cdp.evaluate(f"(location.hash = 'f{feature['id']}', true)")
                time.sleep(0.3)
                card = cdp.evaluate("({docs: document.querySelectorAll('#card .doc').length, "
                                    "text: document.getElementById('card').textContent, "
                                    "elements: [...document.querySelectorAll('#card *')].map(e => e.localName), "
                                    f"injected: Boolean({MARKUP_PROBE})}})")
                seen["card_docs"] = card["docs"]
                if card["docs"] < len(feature["top"]):
                    problems.append(f"card #{feature['id']} shows {card['docs']} abstracts, "
                                    f"expected {len(feature['top'])}")
                first = data["docs"][str(feature["top"][0][0])]["text"][:60]
                if first not in card["text"]: problems.append(f"card #{feature['id']} lacks its top abstract {first!r}")
                ours = {"h3", "h4", "div", "span", "b", "a", "mark", "ul", "li", "svg", "rect", "title", "text"}
                foreign = sorted(set(card["elements"]) - ours)
                if foreign or card["injected"]:
                    problems.append(f"markup from the data became page elements ({foreign}) or ran: "
                                    "abstracts must be shown as text")
                if feature in marked and "<" not in card["text"]:
                    problems.append("the abstract's markup is not shown as text")
                seen["shots"] = [str(screenshot(cdp, shots/"browser.png", max_height=900)),
                                 str(element_screenshot(cdp, "#card", shots/"card.png"))]
                for tab in ("families", "map"):
                    cdp.evaluate(f"(document.querySelector(\"nav button[data-tab='{tab}']\").click(), true)")
                    time.sleep(0.3)
                    seen["shots"].append(str(screenshot(cdp, shots/f"{tab}.png", max_height=1400)))
                shown = card["text"] + cdp.evaluate("document.getElementById('families').textContent")
                problems += [f"the page shows {bad!r}: a value was rendered as text by mistake"
                             for bad in ("[object ", "undefined", "NaN", "null") if bad in shown]
                problems += event_problems(cdp.events)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return problems, seen


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="a report folder (holding index.html and data.js)")
    parser.add_argument("--shots", type=Path, help="where to save the screenshots (default: REPORT/_screenshots)")
    parser.add_argument("--query", help="what to type in the filter box (default: a word of the checked card's label)")
    parser.add_argument("--feature", type=int, help="the card to check (default: one citing an abstract with markup)")
    args = parser.parse_args()
    problems, seen = check_report(args.report, args.shots, args.query, args.feature)
    print(json.dumps(seen, indent=1))
    print("\n".join(f"FAIL {p}" for p in problems) or "ok: no console errors, the filter narrows, the card shows its "
          "abstracts as text")
    sys.exit(1 if problems else 0)
