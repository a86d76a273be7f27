"""Pixel sizes of the images under ``content/images/`` (read once per build).

Only a file that really lies inside the content folder is opened (the same
rule as kyodo.paths.inside for every content file). Anything Pillow cannot
read has no known size.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from pathlib import Path

from kyodo.paths import inside

IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def image_size(folder: Path, rel: str) -> tuple[int, int] | None:
    """(width, height) in pixels of ``<folder>/<rel>`` (folder: content/images), or None."""
    path = folder / rel
    if not inside(path, folder.parent) or not path.is_file():
        return None
    try:
        from PIL import Image
        with Image.open(path) as im:
            w, h = im.size
    except Exception:          # any unreadable or unknown image: no size, never a crash
        return None
    return (w, h) if w > 0 and h > 0 else None


def resolve_image(src: str, images_dir: Path) -> str:
    """Normalise an image reference to a path under ``images/``.

    Returns the relative path (``photo.jpg``) or a message starting with "!".
    """
    s = src.strip().replace("\\", "/")
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", s) or s.startswith("//"):
        return f"!画像「{src}」は使えません。外部の URL ではなく、content/images/ に置いたファイル名を書いてください"
    if s.startswith("/"):
        s = s.lstrip("/")
    if s.startswith("images/"):
        s = s[len("images/"):]
    norm = posixpath.normpath(s)
    if norm.startswith("..") or norm.startswith("/") or norm in (".", ""):
        return f"!画像「{src}」は content/images/ の外を指しています。content/images/ の中のファイル名を書いてください"
    if not norm.lower().endswith(IMAGE_TYPES):
        return f"!画像「{src}」の形式は使えません。使える形式: {'、'.join(IMAGE_TYPES)}"
    target = images_dir / norm
    if not inside(target, images_dir.parent):
        return (f"!画像「{src}」は content/ の外のファイルを指すリンク（シンボリックリンク）です。"
                "リンクではなく画像ファイルそのものを content/images/ に置いてください")
    if not target.is_file():
        return f"!画像「{src}」が content/images/ にありません"
    return norm


def folder_state(folder: Path) -> str:
    """A hash of the names, sizes, times and modes of every file below ``folder``
    (content/images/): what a body with images and a case's image check depend on."""
    h = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                h.update(f"{os.path.relpath(path, folder)}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_mode}\n".encode())
    return h.hexdigest()
