"""Share cards: the 1200×630 PNG a shared link shows (og:image, twitter:card).

Drawn at build time with Pillow in the Noto Sans CJK JP font the booklet uses
(Debian's fonts-noto-cjk): a kicker (the page's category), the title, a note,
and the catalogue's name and organisation. The plan gives each page its card
(kyodo/views/sources/: one per page type and facet term, one per case when
``site.yml`` has ``cards: cases: true``); identical cards are drawn once.

Cards are cached by their text (kyodo/cache.py), so a rebuild redraws only the
cards whose text changed: an unchanged case is never redrawn. Misses are
drawn on all cores (kyodo/parallel.pmap). The PNGs are 4-bit palette images
(eight anti-aliasing steps of the text colour and of the accent): small and quick to encode.
"""

from __future__ import annotations

import functools
import io
import subprocess
import sys
from pathlib import Path

from kyodo.cache import Cache, cache_root, digest
from kyodo.parallel import pmap

WIDTH, HEIGHT = 1200, 630
DESIGN = "card-v4"                      # change when the drawing or its encoding changes (a new cache salt)
MARGIN = 80
INK = (0x1A, 0x1A, 0x1A)
ACCENT = (0x00, 0x31, 0xD8)            # the site's --primary
MUTED = 0.72                            # the organisation line: ink at 72 %
FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc",
              "/usr/share/fonts/noto-cjk/NotoSansCJK-{}.ttc")
# No line starts with these (closing brackets, small kana, prolonged sound mark …)
NO_START = set("、。，．,.・：:；;？！?!ー―‐…‥）)」』】〕〉》］]”’ァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖ々〻")
NO_END = set("（(「『【〔〈《［[“‘")


def _font_file(weight: str) -> tuple[str, int] | None:
    """(file, face index) of Noto Sans CJK JP in ``weight`` (Bold/Regular), via fontconfig."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", f"Noto Sans CJK JP:{weight.lower()}"],
                             capture_output=True, text=True, timeout=10).stdout.split("\n")
        if len(out) >= 3 and "CJK" in out[0] and "JP" in out[2]:
            return out[0], int(out[1] or 0)
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    for pattern in FONT_FILES:
        path = pattern.format(weight)
        if Path(path).is_file():
            return path, 0               # face 0 of the Noto CJK collections is JP
    return None


@functools.lru_cache(maxsize=None)
def _fonts() -> dict | None:
    from PIL import ImageFont

    bold, regular = _font_file("Bold"), _font_file("Regular") or _font_file("Bold")
    if bold is None or regular is None:
        print("注意: 日本語フォント（Noto Sans CJK JP）が見つからないため、シェア用の画像に文字を入れていません。"
              "fonts-noto-cjk を入れてください", file=sys.stderr)
        return None
    def font(face, size):   # basic layout: Japanese needs no shaping, and it is faster
        return ImageFont.truetype(face[0], size, index=face[1], layout_engine=ImageFont.Layout.BASIC)
    return {
        "title": [font(bold, size) for size in (64, 56, 48)],
        "kicker": font(bold, 30), "note": font(regular, 28), "site": font(bold, 32), "org": font(regular, 26),
    }


LEVELS = 8                              # anti-aliasing steps per colour: 16 colours, 4-bit PNG


def _palette() -> list[int]:
    """Indices 0–7: white → ink; 8–15: white → accent."""
    pal: list[int] = []
    for colour in (INK, ACCENT):
        for i in range(LEVELS):
            a = i / (LEVELS - 1)
            pal += [round(255 + (c - 255) * a) for c in colour]
    return pal


_widths: dict[tuple[int, str], float] = {}


def _width(font, unit: str) -> float:
    """Advance width of ``unit`` (memoised: Japanese text has no kerning to lose)."""
    key = (id(font), unit)
    w = _widths.get(key)
    if w is None:
        w = _widths[key] = font.getlength(unit)
    return w


def lines(text: str, font, width: int, limit: int) -> list[str]:
    """Wrap Japanese ``text`` to ``width`` px: never inside an ASCII word, no line
    starting with a closing mark; at most ``limit`` lines (the last ends in …)."""
    units: list[str] = []                 # unbreakable pieces
    for ch in text.replace("\n", " "):
        if units and (
            (ch.isascii() and ch.isalnum() and units[-1][-1].isascii() and units[-1][-1].isalnum())
            or ch in NO_START or units[-1][-1] in NO_END
        ):
            units[-1] += ch
        else:
            units.append(ch)
    out: list[str] = []
    line, used = "", 0.0
    for unit in units:
        w = _width(font, unit)
        if line and used + w > width:
            out.append(line.rstrip())
            line, used = unit.lstrip(), _width(font, unit.lstrip())
        else:
            line, used = line + unit, used + w
    if line.strip():
        out.append(line.rstrip())
    if len(out) > limit:
        last = out[limit - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        out = out[:limit - 1] + [last + "…"]
    return out


def _lut(base: int) -> list[int]:
    """Coverage 0–255 -> palette index base … base + LEVELS - 1."""
    step = 256 // LEVELS
    return [base + min(LEVELS - 1, (v + step // 2) // step) for v in range(256)]


INK_LUT, ACCENT_LUT = _lut(0), _lut(LEVELS)
KICKER_TOP, KICKER_H = 56, 64


def draw(kicker: str, title: str, note: str, site_title: str, organization: str) -> bytes:
    """One card as PNG bytes."""
    from PIL import Image, ImageDraw

    ink = Image.new("L", (WIDTH, HEIGHT), 0)       # coverage of the text colour
    di = ImageDraw.Draw(ink)
    fonts = _fonts()
    text_w = WIDTH - 2 * MARGIN
    strip = None
    if fonts:
        y = 140
        for font in fonts["title"]:               # the largest size that fits in 3 lines
            wrapped = lines(title, font, text_w, 99)
            if len(wrapped) <= 3:
                break
        wrapped = lines(title, font, text_w, 3)
        step = round(font.size * 1.4)
        for line in wrapped:
            di.text((MARGIN, y), line, font=font, fill=255)
            y += step
        if note:
            for line in lines(note, fonts["note"], text_w, 2 if len(wrapped) < 3 else 1):
                di.text((MARGIN, y + 8), line, font=fonts["note"], fill=round(255 * MUTED))
                y += 40
        di.line((MARGIN, 500, WIDTH - MARGIN, 500), fill=40, width=2)
        for line in lines(site_title, fonts["site"], text_w, 1):
            di.text((MARGIN, 520), line, font=fonts["site"], fill=255)
        for line in lines(organization, fonts["org"], text_w, 1):
            di.text((MARGIN, 568), line, font=fonts["org"], fill=round(255 * MUTED))
        strip = Image.new("L", (WIDTH, KICKER_H), 0)   # the kicker, in the accent colour
        for line in lines(kicker, fonts["kicker"], text_w, 1):
            ImageDraw.Draw(strip).text((MARGIN, 8), line, font=fonts["kicker"], fill=255)
    index = ink.point(INK_LUT)
    if strip is not None:
        index.paste(strip.point(ACCENT_LUT), (0, KICKER_TOP), strip.point(lambda v: 255 if v >= 16 else 0))
    ImageDraw.Draw(index).rectangle((0, 0, WIDTH, 16), fill=2 * LEVELS - 1)
    card = Image.frombytes("P", (WIDTH, HEIGHT), index.tobytes())
    card.putpalette(_palette())
    buf = io.BytesIO()
    # zlib's run-length strategy (Z_RLE): the runs of one colour that make a card
    # compress smaller than with the default strategy, in two thirds of the time
    card.save(buf, "PNG", bits=4, compress_level=6, compress_type=3)
    return buf.getvalue()


def write_cards(cards, site, content_dir: Path, staging) -> dict[str, int]:
    """Draw (or take from the cache) every distinct card and write it into ``staging``.
    Returns counts: {"cards": n, "drawn": m}."""
    unique = {c.path: c for c in cards}
    order = sorted(unique)
    cache = Cache(cache_root(content_dir), "cards", DESIGN)

    def key(c) -> str:   # the drawing's version too: a new one redraws the cards an output keeps
        return digest(DESIGN, c.kicker, c.title, c.note, site.title, site.organization)

    data: dict[str, bytes] = {}
    missing = []
    order = [path for path in order if staging.want(path, key(unique[path]))]   # unchanged: kept as is
    for path in order:
        hit = cache.get_bytes(key(unique[path]))
        if hit is not None and hit.startswith(b"\x89PNG"):
            data[path] = hit
        else:
            missing.append(path)
    _fonts()                                 # look the font up once, before forking
    drawn = pmap(lambda i: draw(unique[missing[i]].kicker, unique[missing[i]].title, unique[missing[i]].note,
                                site.title, site.organization), len(missing), min_items=16)
    for path, png in zip(missing, drawn):
        data[path] = png
        cache.put_bytes(key(unique[path]), png)
    for path in order:
        staging.write(path, data[path])
    return {"cards": len(order), "drawn": len(missing)}
