"""Check the static docs site in a real browser: `python tools/check_site.py` (`make docs-check`, after `make docs`).

Two passes over every page of the site (`_site/`, from `tools/docs.py`):
- on disk: every internal link resolves to a built file, and to an element with that id when it has a `#fragment`;
  every image is a non-empty file or a `data:` URI that decodes;
- in headless Chromium, driven over the DevTools protocol (CDP) with a `websockets` client: the page loads with no
  console error, uncaught exception or failed request, has its title, and every `<img>` decoded (naturalWidth > 0).
Screenshots of the home page and of the cs.LG tutorial go to `<site>/_screenshots/`. Needs `chromium`
(`apt-get install chromium`) or Chrome; `$CHROME` names another binary. Exits 1 on any problem."""
import argparse, base64, binascii, json, os, shutil, subprocess, sys, tempfile, time, urllib.parse, urllib.request
from html.parser import HTMLParser
from pathlib import Path

from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
ANCHOR_WARNING = 'link to a missing anchor:'
SHOTS = {'index.html': 'home.png', 'tutorials/cslg.html': 'tutorial-cslg.png'}


# -- on disk ----------------------------------------------------------------------------------------------------------

class PageParser(HTMLParser):
    "The links, image sources and element ids of one HTML page."
    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('href') is not None: self.links.append(a['href'])
        if tag == 'link' and a.get('href'): self.links.append(a['href'])
        if tag in ('img', 'script') and a.get('src'): (self.images if tag == 'img' else self.links).append(a['src'])


def parse(path:Path) -> PageParser:
    "Parse a built page."
    p = PageParser()
    p.feed(path.read_text(encoding='utf-8'))
    return p


def is_internal(url:str) -> bool:
    "A link into the site itself (relative path or bare #fragment), not another site or a mailto:."
    return not urllib.parse.urlsplit(url).scheme and not url.startswith('//')


def link_problems(page:Path, site:Path, parsed:dict) -> list:
    "Internal links of `page` that point to no built file, or to no element with the fragment's id."
    problems = []
    for url in parsed[page].links:
        if not is_internal(url): continue
        path, _, frag = urllib.parse.unquote(url).partition('#')
        target = (page.parent/path).resolve() if path else page.resolve()
        if not target.is_file() or site.resolve() not in target.parents:
            problems.append(f'broken link {url}'); continue
        if frag and target.suffix == '.html':
            ids = parsed[target].ids if target in parsed else parse(target).ids
            if frag not in ids: problems.append(f'{ANCHOR_WARNING} {url}: no element with id "{frag}"')
    return problems


def image_problems(page:Path, parsed:dict) -> list:
    "Images of `page` that are missing, empty, or `data:` URIs that do not decode."
    problems = []
    for src in parsed[page].images:
        if src.startswith('data:'):
            head, _, payload = src.partition(',')
            try: ok = len(base64.b64decode(payload, validate=True) if ';base64' in head else payload) > 0
            except (binascii.Error, ValueError): ok = False
            if not ok: problems.append(f'data: image does not decode ({src[:40]}...)')
        elif is_internal(src):
            f = page.parent/urllib.parse.unquote(src.partition('#')[0])
            if not f.is_file() or f.stat().st_size == 0: problems.append(f'image missing or empty: {src}')
    return problems


# -- in the browser ---------------------------------------------------------------------------------------------------

def find_browser() -> str:
    "The Chromium or Chrome binary: `$CHROME`, else the first on PATH."
    names = [os.environ.get('CHROME', ''), 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
    for name in filter(None, names):
        if path := shutil.which(name): return path
    sys.exit('no Chromium found: apt-get install -y chromium (or set CHROME=/path/to/chrome)')


class CDP:
    "A DevTools protocol session with one tab (an open websocket): `send` a command, events collect in `events`."
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def send(self, method:str, timeout:float=60, **params) -> dict:
        "Run a command and return its result (events that arrive meanwhile are kept)."
        self.next_id += 1
        self.ws.send(json.dumps(dict(id=self.next_id, method=method, params=params)))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if msg.get('id') == self.next_id: break
            self.events.append(msg)
        if 'error' in msg: raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get('result', {})

    def wait_for(self, method:str, timeout:float=60) -> dict:
        "Wait for an event, returning it."
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get('method') == method: return self.events.pop(i)
            self.events.append(json.loads(self.ws.recv(timeout=max(deadline - time.monotonic(), 0.01))))

    def evaluate(self, js:str):
        "The JSON value of a JavaScript expression in the page (awaited when it is a promise)."
        result = self.send('Runtime.evaluate', expression=js, returnByValue=True, awaitPromise=True)['result']
        return result.get('value')


def start_browser(binary:str, profile:str) -> tuple:
    "Start headless Chromium with remote debugging on a free port; returns (process, http base URL)."
    args = [binary, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
            '--disable-extensions', '--remote-debugging-port=0', '--remote-allow-origins=*',
            f'--user-data-dir={profile}', '--window-size=1280,900', 'about:blank']
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = Path(profile)/'DevToolsActivePort'
    for _ in range(300):
        if port_file.exists() and port_file.read_text().strip(): break
        if proc.poll() is not None: sys.exit(f'{binary} exited with code {proc.returncode}')
        time.sleep(0.1)
    else:
        proc.kill()
        sys.exit(f'{binary} opened no DevTools port within 30 s')
    return proc, f'http://127.0.0.1:{port_file.read_text().split()[0]}'


def new_tab(base:str) -> str:
    "Open a tab; returns its DevTools websocket URL."
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    tab = json.load(opener.open(urllib.request.Request(f'{base}/json/new?about:blank', method='PUT'), timeout=30))
    return tab['webSocketDebuggerUrl']


def prepare_tab(cdp:CDP) -> CDP:
    "Switch on the events we check, at a laptop's window size."
    for domain in ('Page', 'Runtime', 'Log', 'Network'): cdp.send(f'{domain}.enable')
    cdp.send('Emulation.setDeviceMetricsOverride', width=1280, height=900, deviceScaleFactor=1, mobile=False)
    return cdp


def event_problems(events:list) -> list:
    "Console errors, uncaught exceptions, error log entries and failed requests among CDP events."
    problems = []
    for e in events:
        m, p = e.get('method'), e.get('params', {})
        if m == 'Runtime.consoleAPICalled' and p['type'] in ('error', 'assert'):
            words = (str(a.get('value', a.get('description', ''))) for a in p['args'])
            problems.append('console error: ' + ' '.join(words))
        elif m == 'Runtime.exceptionThrown':
            d = p['exceptionDetails']
            problems.append(f"uncaught exception: {d.get('exception', {}).get('description', d.get('text'))}")
        elif m == 'Log.entryAdded' and p['entry']['level'] == 'error':
            problems.append(f"console error: {p['entry']['text']} {p['entry'].get('url', '')}".strip())
        elif m == 'Network.loadingFailed' and not p.get('canceled'):
            problems.append(f"request failed: {p.get('errorText')}")
    return problems


def browser_problems(cdp:CDP, page:Path) -> list:
    "Load `page` in the tab: problems from the console and network, a missing title, images that did not decode."
    cdp.events.clear()
    cdp.send('Page.navigate', url=page.resolve().as_uri())
    cdp.wait_for('Page.loadEventFired')
    cdp.evaluate('document.fonts.ready.then(() => true)')
    time.sleep(0.2)  # late console messages
    problems = event_problems(cdp.events)
    if not cdp.evaluate("document.querySelector('main h1') ? document.title : ''"): problems.append('no title')
    broken = cdp.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth == 0).map(i => i.src)")
    problems += [f'image did not load in the browser: {src[:80]}' for src in broken]
    return problems


def screenshot(cdp:CDP, dest:Path, max_height:int=8000) -> Path:
    "A PNG of the whole page currently loaded (at most `max_height` CSS pixels tall)."
    size = cdp.send('Page.getLayoutMetrics')['cssContentSize']
    height = min(int(size['height']) + 1, max_height)
    cdp.send('Emulation.setDeviceMetricsOverride', width=1280, height=height, deviceScaleFactor=1, mobile=False)
    clip = dict(x=0, y=0, width=1280, height=height, scale=1)
    shot = cdp.send('Page.captureScreenshot', format='png', captureBeyondViewport=True, clip=clip)
    cdp.send('Emulation.setDeviceMetricsOverride', width=1280, height=900, deviceScaleFactor=1, mobile=False)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(base64.b64decode(shot['data']))
    return dest


# -- all together -----------------------------------------------------------------------------------------------------

def check_site(site:Path, strict_anchors:bool=False) -> int:
    "Check every page of `site` on disk and in the browser, print what is wrong, save the screenshots; problem count."
    pages = sorted(p for p in site.rglob('*.html') if '_screenshots' not in p.parts)
    if not pages: sys.exit(f'no pages in {site}/: run `make docs` first')
    parsed = {p.resolve(): parse(p) for p in pages}
    n_links = sum(len(v.links) for v in parsed.values())
    n_images = sum(len(v.images) for v in parsed.values())
    total = n_warnings = 0
    with tempfile.TemporaryDirectory() as profile:
        proc, base = start_browser(find_browser(), profile)
        try:
            with connect(new_tab(base), max_size=None, proxy=None, open_timeout=30) as ws:
                cdp = prepare_tab(CDP(ws))
                for page in pages:
                    rel = page.relative_to(site).as_posix()
                    problems = link_problems(page.resolve(), site, parsed) + image_problems(page.resolve(), parsed)
                    problems += browser_problems(cdp, page)
                    warnings = [p for p in problems if p.startswith(ANCHOR_WARNING)] if not strict_anchors else []
                    problems = [p for p in problems if p not in warnings]
                    if rel in SHOTS: print(f'screenshot: {screenshot(cdp, site/"_screenshots"/SHOTS[rel])}')
                    print(f"{'ok  ' if not problems else 'FAIL'} {rel}" + ''.join(f'\n     {p}' for p in problems)
                          + ''.join(f'\n     (warning) {w}' for w in warnings))
                    total += len(problems)
                    n_warnings += len(warnings)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    missing = [rel for rel in SHOTS if not (site/rel).exists()]
    total += len(missing)
    for rel in missing: print(f'FAIL {rel}: page not built, no screenshot')
    print(f'{len(pages)} pages, {n_links} links, {n_images} images checked: {total} problems, '
          f'{n_warnings} links to a missing #anchor (a name nbdev linked that has no show_doc on its page)')
    return total


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--site', default='_site', help='the built site to check')
    parser.add_argument('--strict-anchors', action='store_true', help='fail on links to a missing #anchor too')
    args = parser.parse_args()
    sys.exit(1 if check_site((ROOT/args.site).resolve(), args.strict_anchors) else 0)
