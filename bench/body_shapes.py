"""How long `check` and `build` take for one case whose body is 500 KB of a
hostile shape (thousands of identical headings, brackets, term references …).

    python3 bench/body_shapes.py            # 500 KB bodies
    python3 bench/body_shapes.py 200000     # another size

Prints CPU and wall seconds per shape; each should be seconds, growing
linearly with the size (run two sizes to compare).
"""

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo.cli import main  # noqa: E402
from tests.factory import case_text, make_content  # noqa: E402

SHAPES = {
    "identical headings": "## h\n", "numbered headings": "## h-1\n## h\n", "term references": "[[form:委託]] ",
    "images": "![a](b.png) ", "open brackets": "[", "image brackets": "![", "emphasis": "*a ", "links": "[a](b) ",
    "list markers": "- ", "table rows": "|x|y|\n", "footnote refs": "[^1] ", "short lines": "x\n",
    "html": "<div>", "entities": "&amp;", "autolinks": "<http://a>", "quotes": "> ", "fences": "```\n",
}


def timed(argv):
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    return code, time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    print(f"{'shape':20} {'check':>14} {'build':>14}   (CPU s / wall s, body {size:,} bytes)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, unit in SHAPES.items():
            body = (unit * (size // len(unit.encode()) + 1))
            body = body.encode()[:size].decode(errors="ignore")
            if name == "table rows":
                body = "|a|b|\n|-|-|\n" + body
            content = make_content(Path(tmp, name.replace(" ", "-"), "content"), {"a.md": case_text(body=body)})
            out = content.parent / "site"
            c = timed(["check", "--content", str(content)])
            b = timed(["build", "--content", str(content), "--out", str(out), "--no-search"])
            print(f"{name:20} {c[2]:6.1f} /{c[1]:6.1f} {b[2]:6.1f} /{b[1]:6.1f}   exit {c[0]}/{b[0]}", flush=True)
