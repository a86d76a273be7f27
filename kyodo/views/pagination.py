"""Split long case lists into numbered pages: ``x/``, ``x/page/2/``, …"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Pager:
    number: int
    total: int
    items: list
    base: str            # url of page 1, e.g. "partner/npo/"
    first_index: int     # 1-based position of items[0] in the whole list
    count: int           # items in the whole list

    def url_of(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def url(self) -> str:
        return self.url_of(self.number)

    @property
    def prev_url(self) -> str | None:
        return self.url_of(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_of(self.number + 1) if self.number < self.total else None

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1

    def numbers(self) -> list[int | None]:
        """Page numbers to show, with None for a gap: 1 … 4 5 6 … 12."""
        show = {1, self.total, self.number - 1, self.number, self.number + 1}
        out: list[int | None] = []
        for n in range(1, self.total + 1):
            if n in show:
                out.append(n)
            elif out and out[-1] is not None:
                out.append(None)
        return out


def paginate(items: list, per_page: int, base: str) -> list[Pager]:
    total = max(1, -(-len(items) // per_page))
    return [Pager(i + 1, total, items[i * per_page:(i + 1) * per_page], base, i * per_page + 1, len(items))
            for i in range(total)]
