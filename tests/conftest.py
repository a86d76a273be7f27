"""Shared fixtures: built sites, a local server, and a real browser.

In CI (``CI`` set) a missing tool is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import http.server
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kyodo.commands.build import build
from kyodo.commands.serve import Handler
from tests.factory import ROOT, SAMPLE
from tests.html import Node, parse

# The session keeps large trees alive (every page of the sample, parsed once): the
# cycle collector's full passes would walk them again and again. It runs rarely.
gc.set_threshold(50_000, 50, 100)

CHROMIUM = os.environ.get("KYODO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = bool(os.environ.get("CI"))


def require(ok: bool, why: str) -> None:
    """Skip locally when a tool is missing; fail in CI."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"missing in CI: {why}")
    pytest.skip(why)


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped and session.exitstatus == 0:
        print(f"\nCI: {len(_skipped)} test(s) were skipped; a skip counts as a failure in CI.")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The shipped sample content, built once with the search index."""
    out = tmp_path_factory.mktemp("sample") / "site"
    build(SAMPLE, out, with_search=True)
    return out


class Background:
    """A test helper run in a process of its own (``python -m <module> … <report>``) while
    the tests go on; ``result()`` waits for it and reads the JSON report it wrote."""

    def __init__(self, module: str, args: list[str], report: Path):
        self.report = report
        self.log = report.with_name(report.name + ".log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", module, *args, str(report)], cwd=ROOT,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def result(self, timeout: float = 900):
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"{self.proc.args[2]} did not finish in {timeout:.0f} s")
        if code != 0 or not self.report.is_file():
            log = self.log.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"{self.proc.args[2]} failed ({code}):\n{log[-4000:]}")
        return json.loads(self.report.read_text(encoding="utf-8"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="session")
def sample_audit(sample_site, tmp_path_factory):
    """The accessibility audit of the sample site (tests/audit.py: axe and text spacing on
    every page type at both widths) in a process of its own: chromium works on it on one
    core while the rest of the suite goes on on the other."""
    job = Background("tests.audit", [str(sample_site)], tmp_path_factory.mktemp("audit") / "report.json")
    yield job
    job.stop()


@pytest.fixture(scope="session")
def half_sample(tmp_path_factory) -> Path:
    """The sample with every other case (in file order), 32 of its 64: the booklet tests' content."""
    content = tmp_path_factory.mktemp("half-sample") / "content"
    shutil.copytree(SAMPLE, content)
    for i, path in enumerate(sorted((content / "cases").rglob("*.md"))):
        if i % 2:
            path.unlink()
    return content


@pytest.fixture(scope="session")
def booklet_folders(tmp_path_factory) -> dict[str, Path]:
    """Small content folders for the booklet commands' tests (tests/test_booklet.py):
    "two" (two cases, two years) and "years" (three cases: two of 2024, one of 2023)."""
    from tests.factory import case_text, make_content

    root = tmp_path_factory.mktemp("booklets")
    return {
        "two": make_content(root / "two" / "c", {
            "a.md": case_text(title="甲の事例"), "b.md": case_text(title="乙の事例", fiscal_year=2023)}),
        "years": make_content(root / "years" / "c", {
            "a.md": case_text(title="甲町会の見守り", fiscal_year=2024),
            "b.md": case_text(title="乙商店街の夏祭り", fiscal_year=2024, domain="[C]"),
            "c.md": case_text(title="丙公園の清掃", fiscal_year=2023)}),
    }


@pytest.fixture(scope="session")
def sample_booklet_job(half_sample, booklet_folders, tmp_path_factory):
    """The booklets of the booklet tests typeset (tests/booklet_job.py: make_pdf, two
    typesettings each; about 100 pages for half_sample) in a process of its own while the
    rest of the suite goes on: booklet_folders' (the 2024 edition of "years") first."""
    specs = [str(booklet_folders["two"]), f"{booklet_folders['years']}=2024", str(half_sample)]
    job = Background("tests.booklet_job", specs, tmp_path_factory.mktemp("booklet-job") / "report.json")
    yield job
    job.stop()


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


# The jobs started as the session starts, and whether their tools are there (when one is
# missing, the tests reading the job skip, or fail in CI, through their own checks).
BACKGROUND = {
    "sample_audit": lambda: Path(CHROMIUM).exists() and AXE.exists() and _has_module("playwright"),
    "sample_booklet_job": lambda: _has_module("weasyprint"),
}


def _background_of(item) -> list[str]:
    return [name for name in BACKGROUND if name in getattr(item, "fixturenames", ())]


def pytest_collection_modifyitems(items):
    """The tests reading a background job run last: by then it is done."""
    items.sort(key=lambda item: bool(_background_of(item)))


@pytest.fixture(scope="session", autouse=True)
def _background_jobs(request):
    """Start the background jobs the collected tests read, as the session starts."""
    wanted = {name for item in request.session.items for name in _background_of(item)}
    for name in BACKGROUND:
        if name in wanted and BACKGROUND[name]():
            request.getfixturevalue(name)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory, sample_site) -> Path:
    """A build cache for tests that build copies of the sample again and again: a copy of
    the cache the sample site's build filled, so they redo only what they changed. Set it
    with ``monkeypatch.setenv("KYODO_CACHE", str(shared_cache))``. Entries are keyed by
    their input, so sharing changes no output; the tests of the cache itself use their own."""
    from kyodo.cache import cache_root

    cache = tmp_path_factory.mktemp("kyodo-cache") / "cache"
    seed = cache_root(SAMPLE)
    if seed is not None and seed.is_dir():
        shutil.copytree(seed, cache)
    return cache


@pytest.fixture(scope="session")
def sample_doc(sample_site):
    """``sample_doc(path)``: a page of the sample site parsed with tests.html, once per session
    (several modules read every page). The trees are shared: read them, never change them."""
    parsed: dict[Path, Node] = {}

    def doc(path: Path) -> Node:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]
    return doc


@contextlib.contextmanager
def serve_dir(directory: Path):
    """Serve ``directory`` on a free localhost port; yields the base URL."""
    handler = functools.partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(sample_site):
    with serve_dir(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.exists(), "axe-core is not installed (npm ci)")
    return AXE.read_text(encoding="utf-8")


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run_axe(page, axe_source: str) -> list[dict]:
    """Run axe-core on the loaded page; return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)
