"""Related cases: the ones sharing the most terms with a case.

Scores are computed with bit-sliced counters over Python integers used as
bitsets (one bit per case), so finding related cases for every case stays
fast at 10,000 cases without quadratic Python loops.
"""

from __future__ import annotations

from collections import defaultdict

from kyodo.core.case import Case


def related(cases: list[Case], k: int = 4, min_shared: int = 2) -> dict[str, list[Case]]:
    """Up to ``k`` cases sharing at least ``min_shared`` terms, best first.

    Ties keep catalogue order (``cases`` is expected newest first).
    """
    n = len(cases)
    everyone = (1 << n) - 1
    postings: dict = defaultdict(int)
    terms_of = [list(case.all_terms()) for case in cases]
    for i, terms in enumerate(terms_of):
        for term in terms:
            postings[term] |= 1 << i
    result: dict[str, list[Case]] = {}
    for i, case in enumerate(cases):
        terms = terms_of[i]
        planes: list[int] = []          # planes[p] holds bit p of each case's score
        for term in terms:
            carry = postings[term]
            for p in range(len(planes)):
                planes[p], carry = planes[p] ^ carry, planes[p] & carry
                if not carry:
                    break
            if carry:
                planes.append(carry)
        others = everyone & ~(1 << i)
        picked: list[int] = []
        # no case shares more terms than this one has: start there, not at the planes' maximum
        for score in range(min((1 << len(planes)) - 1, len(terms)), min_shared - 1, -1):
            mask = others
            for p, plane in enumerate(planes):
                mask &= plane if score >> p & 1 else ~plane
                if not mask:
                    break
            while mask and len(picked) < k:
                low = mask & -mask
                picked.append(low.bit_length() - 1)
                mask ^= low
            if len(picked) >= k:
                break
        result[case.slug] = [cases[j] for j in picked]
    return result
