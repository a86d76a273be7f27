"""``build.py serve``: build, serve on localhost, rebuild on save, reload the browser.

* ``content/``, ``templates/`` and ``assets/`` are watched (watchfiles, the
  operating system's change notifications) and the site is rebuilt
  incrementally when a file changes: only what changed is made and written;
* a failed build prints the same lines as ``check`` and leaves the last good
  site in place (the build itself is atomic), and the browser shows a notice;
* the live-reload script is added to HTML *responses* by the development
  handler only: the files in the output folder are exactly what ``build``
  writes, so the script can never reach the published site.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import urllib.parse
from pathlib import Path

import watchfiles

from kyodo import paths
from kyodo.commands import build
from kyodo.commands.check import report
from kyodo.commands.embed_preview import add_preview
from kyodo.commands.preview import quick_pages
from kyodo.errors import ContentError, UsageError, one_line
from kyodo.paths import display_path
from kyodo.render.env import make_env
from kyodo.model.assemble import Memo
from kyodo.write.output import check_out_dir

DEV_PREFIX = "/_kyodo/"
LIVE_JS = DEV_PREFIX + "live.js"
STATUS = DEV_PREFIX + "status"


MAX_PATH = 2048   # longer request targets get 414 (the site's longest URL is far shorter)


def host_allowed(host_header: str | None, served: str) -> bool:
    """The Host header names this machine (as Vite and webpack-dev-server check).

    Accepted: ``localhost`` (and ``*.localhost``), any IP address (a DNS
    rebinding attack needs a name), and the ``--host`` value. A page on
    another site that rebinds its own name to 127.0.0.1 sends that name and
    is refused, so it cannot read the preview.
    """
    if not host_header:
        return False
    host = host_header.strip().lower()
    if host.startswith("["):                     # [::1]:8000
        name = host[1:host.find("]")] if "]" in host else ""
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.rstrip(".")
    if not name:
        return False
    if name == "localhost" or name.endswith(".localhost") or name == served.strip("[]").lower():
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024    # many requests at once (a page and its assets) are all answered
    allowed_host = "127.0.0.1"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the site's own 404 page and UTF-8 types."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
        ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
        ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml", ".wasm": "application/wasm",
    }

    def parse_request(self) -> bool:
        """Refuse foreign Host names, overlong paths and NUL bytes before any file is touched."""
        if not super().parse_request():
            return False
        allowed = getattr(self.server, "allowed_host", None)
        if allowed is not None and not host_allowed(self.headers.get("Host"), allowed):
            self.send_error(403, "Host not allowed", "このホスト名でのアクセスは受け付けません（開発用サーバー）")
            return False
        if len(self.path) > MAX_PATH:
            self.send_error(414)
            return False
        if "\x00" in urllib.parse.unquote(self.path) or "\x00" in self.path:
            self.send_error(404)
            return False
        return True

    def translate_path(self, path: str) -> str:
        try:
            return super().translate_path(path)
        except ValueError:   # undecodable or otherwise odd paths: nothing is there
            return str(Path(self.directory) / "\uffff-missing")

    def send_head(self):
        try:
            return super().send_head()
        except (OSError, ValueError):   # a name too long for the file system, ...
            self.send_error(404)
            return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            self.send_body(404, self.html_body(page.read_bytes()), "text/html; charset=utf-8")
            return
        super().send_error(code, message, explain)

    def html_body(self, data: bytes) -> bytes:
        """Hook for HTML bodies served from the output folder (the dev handler adds its script)."""
        return data

    def send_body(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):  # quieter than the default
        if "--verbose" in sys.argv:
            super().log_message(format, *args)


# -- development server ---------------------------------------------------------

class DevState:
    """What the browser polls: the site's generation and the current problems."""

    def __init__(self):
        self.lock = threading.Lock()
        self.generation = 0          # +1 after every successful build (and every preview)
        self.problems: list[str] = []
        self.previews: dict[str, tuple[int, bytes]] = {}   # output path -> (number, page) until built
        self.shown = 0               # number of the last preview

    def succeeded(self) -> None:
        with self.lock:
            self.generation += 1
            self.problems = []

    def failed(self, problems: list[str]) -> None:
        with self.lock:
            self.problems = list(problems)

    def preview(self, pages: dict[str, bytes]) -> None:
        """Serve ``pages`` (kyodo.commands.preview) from memory and reload the browser."""
        with self.lock:
            self.shown += 1
            self.previews.update((rel, (self.shown, data)) for rel, data in pages.items())
            self.generation += 1

    def previews_so_far(self) -> int:
        with self.lock:
            return self.shown

    def end_preview(self, upto: int) -> None:
        """A build that started after preview ``upto`` has written (or refused) those pages."""
        with self.lock:
            self.previews = {rel: p for rel, p in self.previews.items() if p[0] > upto}

    def preview_page(self, rel: str) -> bytes | None:
        with self.lock:
            found = self.previews.get(rel) if self.previews else None
            return found[1] if found else None

    def status(self) -> dict:
        with self.lock:
            return {"generation": self.generation, "ok": not self.problems, "problems": list(self.problems)}


def has_site(out_dir: Path | str) -> bool:
    return (Path(out_dir) / "index.html").is_file()


def dev_page(name: str, **context) -> bytes:
    """A development-only template from templates/dev/ (re-read when edited)."""
    global _dev_env
    if _dev_env is None:
        _dev_env = make_env(paths.TEMPLATES)
    return _dev_env.get_template(f"dev/{name}").render(**context).encode("utf-8")


_dev_env = None


class DevHandler(Handler):
    """The static handler plus the reload script and its status endpoint."""

    def do_HEAD(self):
        self.do_GET()   # the same status and headers as GET; send_body and the static handler skip the body

    def do_GET(self):
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        if route == LIVE_JS:
            self.send_body(200, (paths.TEMPLATES / "dev" / "live.js").read_bytes(), "text/javascript; charset=utf-8")
            return
        if route == STATUS:
            status = dict(self.server.kyodo_state.status(), site=has_site(self.directory))
            body = json.dumps(status, ensure_ascii=False).encode("utf-8")
            self.send_body(200, body, "application/json; charset=utf-8")
            return
        if not has_site(self.directory):
            self.send_body(503, self.html_body(dev_page("no_site.html")), "text/html; charset=utf-8")
            return
        fresh = self._preview(route)
        if fresh is not None:
            self.send_body(200, self.html_body(fresh), "text/html; charset=utf-8")
            return
        page = self._html_file(route)
        if page is not None:
            try:
                data = page.read_bytes()
            except OSError:   # swapped out by a rebuild right now: let the static handler answer
                data = None
            if data is not None:
                self.send_body(200, self.html_body(data), "text/html; charset=utf-8")
                return
        if self.command == "HEAD":
            super().do_HEAD()
        else:
            super().do_GET()

    def _origin(self) -> str:
        """This preview's address as the browser wrote it (Host), else the listening address."""
        host = self.headers.get("Host", "") if self.headers else ""
        if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?", host):
            address, port = self.server.server_address[:2]
            host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        return f"http://{host}/"

    def _preview(self, route: str) -> bytes | None:
        """A case page saved a moment ago, before the build has written it."""
        rel = urllib.parse.unquote(route).lstrip("/")
        if rel.endswith("/"):
            rel += "index.html"
        return self.server.kyodo_state.preview_page(rel) if rel.endswith(".html") else None

    def _html_file(self, route: str) -> Path | None:
        try:
            return self._find_html(route)
        except (OSError, ValueError):
            return None

    def _find_html(self, route: str) -> Path | None:
        path = Path(self.translate_path(route))
        if path.is_dir():
            if not route.endswith("/"):
                return None   # the static handler redirects to the folder's URL
            path = path / "index.html"
        return path if path.suffix == ".html" and path.is_file() else None

    def html_body(self, data: bytes) -> bytes:
        data = add_preview(data, self._origin(), dev_page)
        generation = self.server.kyodo_state.status()["generation"]
        tag = dev_page("live_tag.html", src=LIVE_JS, generation=generation)
        at = data.rfind(b"</body>")
        return data[:at] + tag + data[at:] if at >= 0 else data + tag


class Watcher:
    """Watches content/, templates/ and assets/ (watchfiles: the operating
    system's change notifications, no polling) and rebuilds incrementally.

    The build keeps what it parsed between rebuilds (:class:`Memo`) and the
    output records what every file was made of, so a saved case re-renders
    that case and the pages that show it, and writes only changed files.
    """

    def __init__(self, content_dir: Path, out_dir: Path, with_search: bool, state: DevState):
        self.content_dir = content_dir
        self.out_dir = out_dir
        self.with_search = with_search
        self.state = state
        self.roots = [Path(content_dir), paths.TEMPLATES, paths.ASSETS]
        self.stop = threading.Event()
        self.ready = threading.Event()     # set once the watcher runs (tests wait for it)
        self.memo = Memo()
        self.published = None              # the last build's view, pages and renderer (kyodo.commands.preview)
        self.thread = threading.Thread(target=self._loop, name="kyodo-watch", daemon=True)
        # Builds run in their own thread, so that a body saved during a long build is
        # still shown at once; changes that arrive meanwhile make one more build.
        self.wanted = threading.Event()
        self.builder = threading.Thread(target=self._build_loop, name="kyodo-build", daemon=True)

    def build(self, first: bool = False) -> bool:
        """Build once; report in the terminal and in the state. True on success.

        After a change, the pages come first (the browser reloads as soon as
        they are written) and the search index right after, in a second,
        incremental build that makes nothing but the index."""
        if first or not self.with_search:
            return self._build(self.with_search)
        if not self._build(False, keep_search=True):
            return False
        return self._build(True, quiet=True)

    def _build(self, with_search: bool, keep_search: bool = False, quiet: bool = False) -> bool:
        try:
            result = build.build(self.content_dir, self.out_dir, with_search, memo=self.memo, keep_search=keep_search)
        except ContentError as exc:
            report(exc.problems, sys.stdout)
            kept = f"{self.out_dir} は前回のままです" if has_site(self.out_dir) else "まだ一度も作れていません"
            print(f"サイトは更新していません（{kept}）。ファイルを直して保存すると、もう一度作ります。", flush=True)
            self.state.failed([str(p) for p in exc.problems])
            return False
        except UsageError:
            raise
        except Exception as exc:  # a template being edited, for example: keep serving
            text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            print(f"エラー: サイトを作れませんでした。\n{text}\n"
                  f"サイトは更新していません（{self.out_dir} は前回のままです）。", flush=True)
            self.state.failed([f"サイトを作れませんでした: {text}"])
            return False
        if result.published is not None:
            self.published = result.published
        w = result.written
        if quiet:   # the search index after the pages: the browser has reloaded already
            if w.get("written"):
                print(f"検索インデックスを更新しました（{result.seconds:.1f} 秒）", flush=True)
            return True
        self.state.succeeded()
        search_note = "" if with_search else ("（検索インデックスはこの後で更新）" if keep_search else "（検索インデックスは省略）")
        changed = f"（変更 {w['written']:,} ファイル）" if w.get("kept") else ""
        print(f"{self.out_dir} に書き出しました: 事例 {result.cases} 件、{result.pages} ページ、"
              f"{result.seconds:.1f} 秒{search_note}{changed}", flush=True)
        return True

    def preview(self, changes) -> None:
        """A saved case body: show its page at once (from memory), before the build."""
        if any(kind != watchfiles.Change.modified for kind, _ in changes) or self.state.status()["problems"]:
            return   # files added or removed, or the last build failed: the build decides
        started = time.perf_counter()
        try:
            pages = quick_pages(self.published, sorted({p for _, p in changes}))
        except Exception:   # noqa: BLE001 - only a shortcut: the build that follows reports everything
            pages = None
        if pages:
            self.state.preview(pages)
            shown = "、".join("/" + rel.removesuffix("index.html") for rel in sorted(pages))
            print(f"{shown} を表示しました（{time.perf_counter() - started:.2f} 秒）。サイト全体を更新しています…",
                  flush=True)

    def _changes(self):
        roots = [str(r) for r in self.roots if r.is_dir()]
        out = str(Path(self.out_dir).resolve())
        watch_filter = WatchFilter(out)
        for changes in watchfiles.watch(*roots, watch_filter=watch_filter, stop_event=self.stop, step=50,
                                        debounce=1600, raise_interrupt=False, yield_on_timeout=True,
                                        rust_timeout=500):
            self.ready.set()
            if changes:
                yield changes

    def _loop(self) -> None:
        try:
            for changes in self._changes():
                if self.stop.is_set():
                    return
                changed = sorted({p for _, p in changes})
                shown = "、".join(one_line(display_path(p)) for p in changed[:3]) + (" ほか" if len(changed) > 3 else "")
                print(f"\n変更を見つけました: {shown}。作り直します…", flush=True)
                self.preview(changes)
                self.wanted.set()
        except Exception as exc:   # noqa: BLE001 - the watcher must say why it stopped, never vanish
            print(f"エラー: ファイルの変更を見張れなくなりました（{one_line(exc)}）。serve を起動し直してください。",
                  flush=True)
            self.ready.set()

    def _build_loop(self) -> None:
        while not self.stop.is_set():
            if not self.wanted.wait(timeout=0.5):
                continue
            self.wanted.clear()
            if self.stop.is_set():
                return
            shown = self.state.previews_so_far()   # the files read from here on include those saves
            try:
                self.build()
            except UsageError as exc:
                print(f"エラー: {one_line(exc)}", flush=True)
                self.state.failed([str(exc)])
            except Exception as exc:   # noqa: BLE001 - keep serving; the next save builds again
                print(f"エラー: サイトを作れませんでした（{one_line(exc)}）。", flush=True)
            finally:
                self.state.end_preview(shown)

    def start(self) -> None:
        self.builder.start()
        self.thread.start()
        self.ready.wait(timeout=10)

    def close(self) -> None:
        self.stop.set()
        self.wanted.set()
        for thread in (self.thread, self.builder):
            if thread.is_alive():
                thread.join(timeout=60)   # let a running build finish its clean-up


class WatchFilter(watchfiles.DefaultFilter):
    """watchfiles' default filter (version control, editors' swap and backup
    files) plus the output folder and kyodo's own cache."""

    def __init__(self, out: str):
        super().__init__(ignore_paths=[out], ignore_dirs=[*watchfiles.DefaultFilter.ignore_dirs, ".kyodo-cache"])

    def __call__(self, change, path: str) -> bool:
        name = os.path.basename(path)
        if name.endswith(".kyodo-new") or name.startswith(".tmp-"):
            return False
        return super().__call__(change, path)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(content_dir: Path, out_dir: Path, host: str, port: int, with_search: bool = True) -> int:
    try:
        sys.stdout.reconfigure(line_buffering=True)
    except (AttributeError, ValueError):
        pass
    try:   # the same rule as build and pdf, before anything starts
        check_out_dir(out_dir, [content_dir, paths.TEMPLATES, paths.ASSETS])
    except UsageError as exc:
        print(f"エラー: {one_line(exc)}", file=sys.stderr)
        return 1
    state = DevState()
    try:
        server = Server((host, port), functools.partial(DevHandler, directory=str(out_dir)))
    except OSError as exc:
        print(f"エラー: {host}:{port} で待ち受けできません（{exc.strerror}）。--port で別の番号を指定してください",
              file=sys.stderr)
        return 1
    server.kyodo_state = state
    server.allowed_host = host
    watcher = Watcher(content_dir, out_dir, with_search, state)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)   # stop cleanly when a test or a terminal ends us
    try:
        print("サイトを作っています…", flush=True)
        try:
            watcher.build(first=True)
        except UsageError as exc:
            print(f"エラー: {one_line(exc)}", file=sys.stderr)
            return 1
        watcher.start()
        url_host = f"[{host}]" if ":" in host else host
        print(f"\nhttp://{url_host}:{server.server_address[1]}/ で表示しています（終了するには Ctrl+C）。\n"
              "content/・templates/・assets/ のファイルを保存すると、自動で作り直してブラウザを再読み込みします。",
              flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        print("\n終了しました", flush=True)
    finally:
        server.server_close()
        watcher.close()
    return 0
