"""Write README.md from nbs/index.ipynb (Quarto cannot run everywhere): markdown as is, shown code as python blocks.
`python tools/readme.py --check` fails when README.md is out of step."""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render() -> str:
    nb = json.loads((root/"nbs"/"index.ipynb").read_text())
    parts = []
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip()
        if cell["cell_type"] == "markdown": parts.append(src)
        elif not any(l.startswith("#|") and "hide" in l for l in src.splitlines()[:3]):
            code = "\n".join(l for l in src.splitlines() if not l.startswith("#|"))
            parts.append(f"```python\n{code}\n```")
    return "\n\n".join(parts) + "\n"

if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        if (root/"README.md").read_text() != text: sys.exit("README.md is out of step with nbs/index.ipynb: run python tools/readme.py")
    else: (root/"README.md").write_text(text)
