"""Build the search index inside the staged output.

Every case becomes one Pagefind record (templates/search_record.html) whose
searchable text is character-bigram tokens (kyodo/search/ngram.py), indexed
by the Pagefind binary into ``pagefind/``. The records are written to a
temporary folder for the command-line indexer: Pagefind's Python API answers
one request per 100 ms, which is minutes for a thousand cases. Then
``search/cases.json`` maps each Pagefind result id to what the search page
shows and counts (title, summary, organisations, year, term slugs), in
catalogue order, so the page never loads Pagefind's per-result fragments.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kyodo import paths
from kyodo.errors import UsageError
from kyodo.render.env import make_env
from kyodo.search.records import Record, record

FRAGMENT_MAGIC = b"pagefind_dcd"
# Pagefind's own UIs are not used by the site (assets/search.js is).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def index(site_dir: Path, view) -> None:
    """Index every case of ``view`` into ``site_dir/pagefind`` and write ``search/cases.json``."""
    if importlib.util.find_spec("pagefind") is None:  # the pip package that ships the binary
        raise UsageError("検索インデックスを作る pagefind が入っていません。"
                         "pip install 'pagefind[extended]' を実行するか、--no-search を付けてください")
    site_dir = Path(site_dir).resolve()
    records = [record(case, rank, view.case_html[case.slug].html) for rank, case in enumerate(view.cases)]
    template = make_env(paths.TEMPLATES).get_template("search_record.html")
    pages = [(r.url, template.render(record=r)) for r in records]
    out = site_dir / "pagefind"
    if pages:
        _run_pagefind(pages, out)
        for name in UNUSED:
            (out / name).unlink(missing_ok=True)
    ids = fragment_ids(out)
    missing = [r.url for r in records if r.url not in ids]
    if missing:
        raise UsageError("検索インデックスに入らなかった事例があります: " + "、".join(missing[:5]))
    data = {"cases": [case_entry(r, ids[r.url]) for r in records]}
    target = site_dir / "search" / "cases.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")


def _run_pagefind(pages: list[tuple[str, str]], out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="kyodo-search-") as tmp:
        for url, html in pages:
            target = Path(tmp, url.strip("/"), "index.html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        cmd = [sys.executable, "-m", "pagefind", "--site", tmp, "--output-path", str(out), "--silent"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise UsageError("検索インデックスを作れませんでした（pagefind）: " + " / ".join(detail))


def fragment_ids(out: Path) -> dict[str, str]:
    """Record URL -> Pagefind result id (the fragment file's name)."""
    ids: dict[str, str] = {}
    folder = out / "fragment"
    if not folder.is_dir():
        return ids
    for path in sorted(folder.glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(FRAGMENT_MAGIC):
            data = data[len(FRAGMENT_MAGIC):]
        ids[json.loads(data)["url"]] = path.name.removesuffix(".pf_fragment")
    return ids


def case_entry(r: Record, pagefind_id: str) -> dict:
    case = r.case
    return {
        "id": pagefind_id,
        "url": case.url,
        "title": case.title,
        "summary": case.summary,
        "organizations": list(case.organizations),
        "year": case.fiscal_year,
        "terms": {key: [t.slug for t in terms] for key, terms in case.terms.items()},
    }
