"""clean_text's shortcut for text that needs no white-space or control-character work gives what the
full steps give."""

import json

from hypothesis import given
from hypothesis import strategies as st

from techmayor.core.text import _SPACES, DROPPED, clean_text, fold_width
from techmayor.matchmaking.importers import _json_text

TEXT = st.text(alphabet=st.sampled_from([*"常州ａ１，。 e", *"\u3000\n\t\x00\ufeff\u200b\xa0\u2028\u0301"]))


def full(value: str) -> str:
    return _SPACES.sub(" ", fold_width(value).translate(DROPPED)).strip()


@given(TEXT | st.text())
def test_clean_text_is_the_full_cleaning(value):
    assert clean_text(value) == full(value)


@given(st.lists(TEXT | st.text()))
def test_json_text_is_json_dumps(items):
    assert _json_text(items) == json.dumps(items, ensure_ascii=False)
