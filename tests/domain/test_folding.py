"""Folding names for search: "zoe" finds Zoë, "slezak" finds Ślęzak.

Every Unicode character is folded and checked: a search folds what was typed and compares it
with the stored folded copy, so folding must never leave an accent, a capital, or anything
that would fold differently a second time.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.folding import fold

EVERY_CHARACTER = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Zoë", "zoe"),
        ("Zoe\u0308", "zoe"),  # the same name with the accent as a separate mark
        ("Ślęzak", "slezak"),
        ("ŁÓDŹ", "lodz"),
        ("Søren", "soren"),
        ("Æthelred", "aethelred"),
        ("Cœur", "coeur"),
        ("Straße", "strasse"),
        ("STRAẞE", "strasse"),
        ("Đorđević", "dordevic"),
        ("Þór Guðmundsson", "thor gudmundsson"),
        ("Işık", "isik"),
        ("İpek", "ipek"),
        ("Ångström", "angstrom"),
        ("Nguyễn", "nguyen"),
        ("François Müller", "francois muller"),
        ("ǅemal", "dzemal"),
        ("ＺＯＥ", "zoe"),  # full-width letters
        ("ﬁona", "fiona"),  # a ligature
        ("O’Brien", "o'brien"),
        ("Smith–Jones", "smith-jones"),
        ("Robin SMITH", "robin smith"),
        ("Smith [/x]", "smith [/x]"),
    ],
)
def test_names_fold_to_what_a_keyboard_types(written: str, typed: str) -> None:
    assert fold(written) == typed
    assert fold(typed) == typed


def test_plain_text_is_only_lower_cased() -> None:
    printable = "".join(chr(c) for c in range(32, 127))
    assert fold(printable) == printable.lower()


def test_every_character_folds_to_text_without_accents_or_capitals_and_stays_folded() -> None:
    for character in EVERY_CHARACTER:
        folded = fold(character)
        assert not any(unicodedata.combining(c) for c in folded), hex(ord(character))
        assert folded.casefold() == folded, hex(ord(character))
        assert fold(folded) == folded, hex(ord(character))


@given(st.text(), st.text())
def test_a_part_of_a_name_folds_to_a_part_of_the_folded_name(left: str, right: str) -> None:
    """Letter by letter: "contains" and "starts with" mean the same before and after."""
    assert fold(left + right) == fold(left) + fold(right)


@given(st.text())
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)
