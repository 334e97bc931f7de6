"""Folding names for search, so what a clerk types finds the name however it was written.

A clerk types on an English keyboard, often without accents and in any case: "zoe" must
find Zoë and "slezak" Ślęzak. Each name is stored beside a folded copy (the services keep
it), and a search folds what was typed the same way and compares the two.

Folding is Unicode's compatibility decomposition (NFKD: "é" is "e" and an accent, "ﬁ" is
"fi", a full-width "Ｚ" is "Z"), without the accents (combining marks), case-folded ("ß" is
"ss"); then the letters that NFKD leaves whole but a keyboard lacks are spelt as an English
keyboard types them (ł→l, ø→o, æ→ae, đ→d, ı→i ...), and curly apostrophes and dashes become
the keyboard's ' and -. Folding is done letter by letter, so a part of a name folds to a part
of the folded name: "contains" and "starts with" keep their meaning.
"""

from __future__ import annotations

import unicodedata

_LETTERS = {
    # Letters with a stroke, a hook or a ligature, which NFKD does not take apart.
    "ł": "l",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ĸ": "k",
    "ƒ": "f",
    "ƀ": "b",
    "ɓ": "b",
    "ƈ": "c",
    "ɗ": "d",
    "ɠ": "g",
    "ƙ": "k",
    "ƴ": "y",
    "ɨ": "i",
    "ʉ": "u",
    "ə": "e",
    "ɛ": "e",
    "ɔ": "o",
    "ʒ": "z",
    "ſ": "s",
    # Apostrophes and dashes as typed: O’Brien is found by o'brien, Smith–Jones by smith-jones.
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "ʻ": "'",
    "´": "'",
    "′": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
}
_TABLE = str.maketrans(_LETTERS)


def fold(text: str) -> str:
    """``text`` as a search compares it: no accents, no case, keyboard letters."""
    if text.isascii():
        return text.lower()
    # Decomposed before and after case folding: folding can make a letter that decomposes
    # ("İ" is "i" and a dot) and decomposing can make a capital (the letter "ℌ" is "H").
    text = unicodedata.normalize("NFKD", text.translate(_TABLE)).casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).translate(_TABLE)
