"""Build the docs as a static HTML site, without Quarto: `python tools/docs.py` (`make docs`) writes `_site/`.

Quarto (`nbdev_docs`, `make docs-quarto`) stays the canonical builder; this one exists for machines without it.
It reads the notebooks exactly as nbdev prepares them for Quarto (`_proc/`: `show_doc` rendered, hidden cells and
exported sources dropped, the title cell turned into front matter), and writes one page per notebook under the same
names Quarto uses (`05_train.ipynb` -> `train.html`), with nbdev's sidebar, the outputs SAVED in the notebooks
(nothing runs but nbdev's own imports/exports/`show_doc` cells), maths as MathML and links between notebooks made
local. Check the result in a browser with `python tools/check_site.py` (`make docs-check`)."""
import argparse, base64, html, json, os, re, shutil, sys
from pathlib import Path

import yaml
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from nbdev.config import get_config
from nbdev.doclinks import _build_modidx, _nbpath2html
from nbdev.quarto import nbdev_sidebar, refresh_quarto_yml
from nbdev.serve import proc_nbs

ROOT = Path(__file__).resolve().parent.parent
ASSETS = {'.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.css'}  # files in nbs/ copied as they are
IMAGE_TYPES = {'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif'}


# -- nbdev's side: the processed notebooks and the sidebar ------------------------------------------------------------

def process_notebooks(n_workers:int=1, force:bool=False) -> Path:
    "nbdev's docs preprocessing, as `nbdev_docs` runs it before Quarto (less installing Quarto); returns `_proc/`."
    refresh_quarto_yml()  # nbs/nbdev.yml from settings.ini
    _build_modidx()  # the symbol index nbdev turns backticked names into links with
    nbdev_sidebar.__wrapped__()  # nbs/sidebar.yml, in nbdev's order (unless settings.ini says custom_sidebar)
    return proc_nbs(n_workers=n_workers, force=force)


def sidebar_entries() -> list:
    "The sidebar Quarto would show: notebook paths (relative to nbs/) and `{'section': .., 'contents': [..]}` dicts."
    return yaml.safe_load((get_config().nbs_path/'sidebar.yml').read_text())['website']['sidebar']['contents']


def front_matter(nb:dict) -> dict:
    "The YAML front matter nbdev puts in the first raw cell (title, description, output-file)."
    for cell in nb['cells']:
        src = ''.join(cell['source']).strip()
        if cell['cell_type'] == 'raw' and src.startswith('---'): return yaml.safe_load(src.strip('-\n')) or {}
    return {}


def output_path(nb_rel:Path, fm:dict) -> Path:
    "Where Quarto writes a notebook's page: its `output-file` (nbdev drops the number: `05_train` -> `train.html`)."
    return nb_rel.parent/fm['output-file'] if 'output-file' in fm else _nbpath2html(nb_rel)


def load_pages(proc:Path) -> dict:
    "Every processed notebook: {notebook path relative to nbs/: dict(nb, title, description, out)}."
    pages = {}
    for p in sorted(proc.rglob('*.ipynb')):
        if any(part.startswith(('.', '_')) for part in p.relative_to(proc).parts): continue
        nb, rel = json.loads(p.read_text(encoding='utf-8')), p.relative_to(proc)
        fm = front_matter(nb)
        pages[rel.as_posix()] = dict(nb=nb, title=fm.get('title', rel.stem), description=fm.get('description', ''),
                                     out=output_path(rel, fm).as_posix())
    return pages


# -- links ------------------------------------------------------------------------------------------------------------

def site_target(href:str, page_nb:str, pages:dict) -> str|None:
    "The site path `href` points to (`train.html#x`), for links nbdev makes absolute or between notebooks; else None."
    cfg = get_config()
    doc_url = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/') + '/'
    if href.startswith(doc_url): return href[len(doc_url):]
    if re.match(r'^[a-z][a-z0-9+.-]*:|^[#/]', href): return None  # another site, mailto:, an anchor, site-absolute
    path, _, frag = href.partition('#')
    target = os.path.normpath(Path(page_nb).parent/path).replace(os.sep, '/')
    if target in pages: return pages[target]['out'] + (f'#{frag}' if frag else '')
    return None


def relative_href(target:str, page_out:str) -> str:
    "`target` (a site path) as seen from the page at `page_out`."
    path, _, frag = target.partition('#')
    rel = os.path.relpath(path or page_out, Path(page_out).parent).replace(os.sep, '/')
    return rel + (f'#{frag}' if frag else '')


# -- markdown ---------------------------------------------------------------------------------------------------------

def highlight_code(code:str, lang:str='python', attrs:str='') -> str:
    "Pygments-coloured `<pre>` for a code block (plain when the language is unknown)."
    try: lexer = get_lexer_by_name(lang) if lang else None
    except ClassNotFound: lexer = None
    body = highlight(code, lexer, HtmlFormatter(nowrap=True)) if lexer else html.escape(code)
    return f'<pre class="highlight"><code>{body}</code></pre>'


def render_math(tex:str, opts:dict) -> str:
    "LaTeX as MathML, which browsers draw natively (no script); the TeX itself when the converter can't read it."
    try: return latex_to_mathml(tex, display='block' if opts.get('display_mode') else 'inline')
    except Exception: return f'<code class="tex">{html.escape(tex)}</code>'


def slug(text:str) -> str:
    "Pandoc's heading identifier (what Quarto and nbdev's links use): `JumpReLUSAE.encode` -> `jumprelusae.encode`."
    s = re.sub(r'[^\w\s.-]', '', text.lower(), flags=re.UNICODE)
    s = re.sub(r'\s+', '-', s.strip())
    return re.sub(r'^[^a-z_]+', '', s) or 'section'  # pandoc also drops a leading _, nbdev links keep it


def heading_ids(state) -> None:
    "Core rule: give h1-h4 pandoc ids, unique across the page (the seen ids live in `env['ids']`)."
    seen = state.env.setdefault('ids', set())
    for i, tok in enumerate(state.tokens):
        if tok.type != 'heading_open' or tok.attrGet('id') or tok.tag not in ('h1', 'h2', 'h3', 'h4'): continue
        text = ''.join(c.content for c in state.tokens[i+1].children if c.type in ('text', 'code_inline'))
        base = new = slug(text)
        n = 0
        while new in seen:
            n += 1
            new = f'{base}-{n}'
        seen.add(new)
        tok.attrSet('id', new)


def local_links(state) -> None:
    "Core rule: links to other notebooks or to the docs host point to the built page instead (`env['page']`)."
    if 'page' not in state.env: return
    page, pages = state.env['page'], state.env['pages']
    for block in state.tokens:
        for tok in block.children or []:
            if tok.type != 'link_open': continue
            target = site_target(tok.attrGet('href') or '', page, pages)
            if target is not None: tok.attrSet('href', relative_href(target, pages[page]['out']))


def notebook_names(pages:dict) -> dict:
    "Names prose gives a notebook in backticks (`tutorials/cslg.ipynb`, `nbs/05_train.ipynb`, `05_train`): {name: key}."
    names, stems = {}, {}
    for key in pages:
        stem = Path(key).stem
        for name in (key, f'nbs/{key}', key.removesuffix('.ipynb'), f'{stem}.ipynb'): names[name] = key
        stems.setdefault(stem, []).append(key)
    # a bare stem only when it can't be an ordinary word (`astro` is also a corpus preset): `05_train`, `sae_study`
    return names | {stem: keys[0] for stem, keys in stems.items() if len(keys) == 1 and re.search(r'^\d|_', stem)}


def notebook_mentions(state) -> None:
    "Core rule: a backticked notebook name (`05_train.ipynb`) outside a link becomes a link to its page."
    if 'page' not in state.env: return
    page, pages, names = state.env['page'], state.env['pages'], state.env['names']
    for block in state.tokens:
        children, depth = [], 0
        for tok in block.children or []:
            depth += (tok.type == 'link_open') - (tok.type == 'link_close')
            key = names.get(tok.content) if tok.type == 'code_inline' and not depth else None
            if key is None: children.append(tok); continue
            link = Token('link_open', 'a', 1, attrs={'href': relative_href(pages[key]['out'], pages[page]['out'])})
            children += [link, tok, Token('link_close', 'a', -1)]
        if block.children: block.children = children


def markdown_renderer() -> MarkdownIt:
    "CommonMark, tables, `$maths$`, `{attrs}` after links (nbdev's [source]), pandoc ids, local links, notebook names."
    md = MarkdownIt('commonmark', {'html': True, 'highlight': highlight_code}).enable(['table', 'strikethrough'])
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True, renderer=render_math)
    md.use(attrs_plugin, after=('image', 'link_close'))
    md.core.ruler.push('heading_ids', heading_ids)
    md.core.ruler.push('local_links', local_links)
    md.core.ruler.push('notebook_mentions', notebook_mentions)
    return md


# -- cells and outputs ------------------------------------------------------------------------------------------------

def directives(src:str) -> dict:
    "The Quarto cell options nbdev leaves in a processed cell (`#| echo: false` -> {'echo': 'false'})."
    return dict(re.match(r'#\|\s*([\w-]+)\s*:?\s*(.*)', l).groups() for l in src.splitlines() if l.startswith('#|'))


def code_source(src:str) -> str:
    "A code cell's source without its `#|` lines."
    return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip('\n')


def save_image(data:str, ext:str, page:dict, site:Path) -> str:
    "Write a base64 image output next to the page (`train_files/figure-3.png`); returns its path from the page."
    files = Path(page['out']).with_suffix('').name + '_files'
    page['n_images'] = n = page.get('n_images', 0) + 1
    dest = site/Path(page['out']).parent/files/f'figure-{n}.{ext}'
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(base64.b64decode(data))
    return f'{files}/{dest.name}'


def ansi_free(text) -> str:
    "Text without terminal colour codes."
    return re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', ''.join(text) if isinstance(text, list) else text)


def render_output(out:dict, page:dict, site:Path, md:MarkdownIt, env:dict) -> str:
    "One saved output as HTML: the richest type we can show (html, image, markdown, text)."
    kind = out['output_type']
    if kind == 'stream':
        return f'<pre class="output stream {out.get("name", "")}">{html.escape(ansi_free(out["text"]))}</pre>'
    if kind == 'error':
        tb = ansi_free('\n'.join(out.get('traceback', [])) or f"{out['ename']}: {out['evalue']}")
        return f'<pre class="output error">{html.escape(tb)}</pre>'
    data = {k: ''.join(v) if isinstance(v, list) else v for k, v in out.get('data', {}).items()}
    if 'text/html' in data: return f'<div class="output html">{data["text/html"]}</div>'
    for mime, ext in IMAGE_TYPES.items():
        if mime in data: return f'<img class="output" alt="figure" src="{save_image(data[mime], ext, page, site)}">'
    if 'image/svg+xml' in data: return f'<div class="output svg">{data["image/svg+xml"]}</div>'
    if 'text/markdown' in data: return f'<div class="output markdown">{md.render(data["text/markdown"], env)}</div>'
    if 'text/plain' in data: return f'<pre class="output">{html.escape(ansi_free(data["text/plain"]))}</pre>'
    return ''


def render_cell(cell:dict, page:dict, site:Path, md:MarkdownIt, env:dict) -> str:
    "A cell as HTML: markdown rendered; code shown unless `echo: false`; outputs unless `output: false`."
    src = ''.join(cell['source'])
    if cell['cell_type'] == 'markdown': return md.render(src, env)
    if cell['cell_type'] != 'code': return ''
    opts = directives(src)
    parts = [] if opts.get('echo') == 'false' or not code_source(src) else [highlight_code(code_source(src))]
    if opts.get('output') != 'false':
        parts += [render_output(o, page, site, md, env) for o in cell.get('outputs', [])]
    if opts.get('output') == 'asis': return '\n'.join(parts)  # show_doc: its markdown becomes part of the page
    return f'<div class="cell">{"".join(parts)}</div>' if parts else ''


# -- pages ------------------------------------------------------------------------------------------------------------

def sidebar_html(entries:list, pages:dict, current:str) -> str:
    "The sidebar as nested lists, links relative to the current page, the current one marked."
    items = []
    for e in entries:
        if isinstance(e, dict):
            inner = sidebar_html(e.get('contents', []), pages, current)
            items.append(f'<li class="section"><span>{html.escape(str(e.get("section", "")))}</span>{inner}</li>')
        elif e in pages:
            here = ' class="active" aria-current="page"' if e == current else ''
            href = relative_href(pages[e]['out'], pages[current]['out'])
            items.append(f'<li><a href="{href}"{here}>{html.escape(pages[e]["title"])}</a></li>')
    return f'<ul>{"".join(items)}</ul>'


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site_title}</title>
<meta name="description" content="{description}">
<link rel="stylesheet" href="{root}site.css">
<link rel="stylesheet" href="{root}styles.css">
</head>
<body>
<header class="navbar"><a href="{root}index.html">{site_title}</a></header>
<div class="layout">
<nav class="sidebar" aria-label="Notebooks">{sidebar}</nav>
<main>
<h1 class="title">{title}</h1>
<p class="description">{description_html}</p>
{body}
</main>
</div>
</body>
</html>
"""


def render_page(nb_rel:str, pages:dict, entries:list, site:Path, md:MarkdownIt) -> Path:
    "Write one notebook's page; returns its path."
    page = pages[nb_rel]
    env = dict(page=nb_rel, pages=pages, names=notebook_names(pages))
    body = '\n'.join(render_cell(c, page, site, md, env) for c in page['nb']['cells'])
    dest = site/page['out']
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(PAGE.format(
        title=html.escape(page['title']), site_title=html.escape(get_config().title),
        root='../' * (len(Path(page['out']).parts) - 1),
        description=html.escape(page['description'], quote=True), description_html=md.renderInline(page['description']),
        sidebar=sidebar_html(entries, pages, nb_rel), body=body), encoding='utf-8')
    return dest


SITE_CSS = """
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; }
.navbar { background: #2780e3; padding: .6rem 1.2rem; }
.navbar a { color: #fff; font-weight: 600; text-decoration: none; font-size: 1.15rem; }
.layout { display: flex; align-items: flex-start; }
.sidebar { position: sticky; top: 0; width: 15rem; flex: none; max-height: 100vh; overflow-y: auto; padding: 1rem;
           font-size: .9rem; border-right: 1px solid #dee2e6; box-sizing: border-box; }
.sidebar ul { list-style: none; margin: 0; padding-left: .6rem; }
.sidebar > ul { padding-left: 0; }
.sidebar li { margin: .25rem 0; }
.sidebar li.section > span { display: block; margin-top: .8rem; font-weight: 600; text-transform: capitalize; }
.sidebar a { color: #495057; text-decoration: none; }
.sidebar a.active { color: #2780e3; font-weight: 600; }
main { flex: 1; min-width: 0; max-width: 60rem; padding: 1rem 2rem 4rem; }
h1.title { margin-bottom: .2rem; }
p.description { color: #6c757d; font-size: 1.1rem; margin-top: 0; }
a { color: #2780e3; }
pre { background: #f7f7f7; padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; font-size: .85rem; }
code { font-size: .9em; }
.cell { margin: 1rem 0; }
.cell > pre.highlight { border-left: 3px solid #2780e3; }
pre.output { background: #fff; border: 1px solid #eee; }
pre.output.stderr, pre.output.error { background: #fff5f5; }
img.output { max-width: 100%; height: auto; }
.output.html { overflow-x: auto; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #dee2e6; padding: .25rem .5rem; text-align: left; vertical-align: top; }
math[display="block"] { margin: .8rem 0; }
"""


def write_assets(proc:Path, site:Path) -> None:
    "The stylesheet (ours plus Pygments' colours) and the files nbs/ ships (styles.css, images), as they are."
    (site/'site.css').write_text(SITE_CSS + HtmlFormatter().get_style_defs('.highlight'), encoding='utf-8')
    for f in proc.rglob('*'):
        if f.suffix.lower() in ASSETS and not f.relative_to(proc).parts[0].startswith(('_', '.')):
            (site/f.relative_to(proc)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, site/f.relative_to(proc))


def build_site(site:Path=ROOT/'_site', n_workers:int=1, force:bool=False) -> list:
    "Process the notebooks with nbdev and write every page into `site` (emptied first); returns the pages written."
    os.chdir(ROOT)  # nbdev finds settings.ini from the working directory
    proc = process_notebooks(n_workers=n_workers, force=force)
    pages, entries, md = load_pages(proc), sidebar_entries(), markdown_renderer()
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    write_assets(proc, site)
    written = [render_page(nb, pages, entries, site, md) for nb in pages]
    (site/'.nojekyll').touch()  # served as is by GitHub Pages, should anyone publish this
    return written


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='_site', help='output folder (emptied first)')
    parser.add_argument('--workers', type=int, default=1, help="nbdev's notebook-processing workers")
    parser.add_argument('--force', action='store_true', help='reprocess every notebook (after renaming one, say)')
    args = parser.parse_args()
    written = build_site(ROOT/args.out, n_workers=args.workers, force=args.force)
    print(f"{len(written)} pages written to {args.out}/")
    sys.exit(0 if written else 1)
