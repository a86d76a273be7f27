"""kyodo/load/yamlsafe.py builds the data itself once its checks pass: it must
be exactly what PyYAML's safe loader gives for the same text."""

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.load import yamlsafe

SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

scalars = (st.none() | st.booleans() | st.integers(-(2 ** 53) + 1, 2 ** 53 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
           | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6) | st.integers(-5, 2030) | st.booleans(), inner, max_size=4),
    max_leaves=25)


def same_as_pyyaml(text: str) -> None:
    loaded = yamlsafe.load(text)
    if loaded.issues:
        return
    expected = yaml.load(text, Loader=SAFE)
    assert loaded.data == expected and type(loaded.data) is type(expected), text
    assert repr(loaded.data) == repr(expected), text   # bool vs int, 1.0 vs 1, key order


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([None, True]))
def test_dumped_documents_load_as_pyyaml_loads_them(data, flow):
    same_as_pyyaml(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False))


WORDS = ["a", "title", "2024", "2024-02-29", "2024-02-30", "2025-04-01 10:00:00", "0x1F", "0o17", "1_000", "1e3",
         ".5", "-0", "+12", "yes", "No", "on", "~", "null", "true", "FALSE", ".inf", ".nan", "'quoted'",
         '"dq \\u3042"', "[1, two]", "{a: 1}", "協働", "子ども・子育て", "- x", "!!str 12", "!!int '7'", "=", "<<",
         "&a x", "*a", "? k", "|", ">", "#c", "9007199254740993", "3.0", "01"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["key", "fiscal_year", "title", "  sub", "2024", "- ", "-", "'k'"]),
                          st.sampled_from(WORDS), st.sampled_from([": ", ":", " ", ": - "])),
                min_size=1, max_size=8))
def test_hand_written_front_matter_loads_as_pyyaml_loads_it(lines):
    text = "\n".join(f"{k}{sep}{v}" for k, sep, v in lines) + "\n"
    try:
        yaml.load(text, Loader=SAFE)
    except yaml.YAMLError:
        assert yamlsafe.load(text).data is None   # reported as an issue, never raised
        return
    except Exception:   # noqa: BLE001 - PyYAML itself fails (an unhashable key): kyodo reports it
        assert yamlsafe.load(text).data is None
        return
    same_as_pyyaml(text)


def test_a_key_that_is_a_list_is_reported_not_raised():
    loaded = yamlsafe.load("? [a, b]\n: 1\n")
    assert loaded.data is None and loaded.issues


def test_numbers_and_dates_keep_their_types():
    loaded = yamlsafe.load("fiscal_year: 2024\nupdated: 2025-03-31\nrate: 1.5\nok: true\n2024: x\nnone: ~\n")
    assert loaded.data == {"fiscal_year": 2024, "updated": dt.date(2025, 3, 31), "rate": 1.5, "ok": True,
                           2024: "x", "none": None}
    assert loaded.line("updated") == 2
