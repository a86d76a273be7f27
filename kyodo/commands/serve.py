"""``build.py serve``: build, then serve the output folder on localhost."""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path

from kyodo.commands import build


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the site's own 404 page and UTF-8 types."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
        ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
        ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml", ".wasm": "application/wasm",
    }

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):  # quieter than the default
        if "--verbose" in sys.argv:
            super().log_message(format, *args)


def make_server(out_dir: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(Handler, directory=str(out_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)


def run(content_dir: Path, out_dir: Path, host: str, port: int, with_search: bool = True) -> int:
    code = build.run(content_dir, out_dir, with_search)
    if code != 0:
        return code
    try:
        server = make_server(out_dir, host, port)
    except OSError as exc:
        print(f"エラー: {host}:{port} で待ち受けできません（{exc.strerror}）。--port で別の番号を指定してください",
              file=sys.stderr)
        return 1
    print(f"http://{host}:{port}/ で公開中です（終了するには Ctrl+C）", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\n終了しました")
    finally:
        server.server_close()
    return 0
