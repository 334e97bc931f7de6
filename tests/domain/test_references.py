"""Case references and e-mail addresses as clerks type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.references import normalise_case_reference, validate_email

from .strategies import PROPERTY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc123", "ABC123"),
        ("  c0042  ", "C0042"),
        ("1", "1"),
        ("A" * 20, "A" * 20),
        ("x1y2z3", "X1Y2Z3"),
    ],
)
def test_normalise_case_reference(text: str, expected: str) -> None:
    assert normalise_case_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "A" * 21, "AB 12", "AB-12", "AB/12", "ÄB12", "١٢٣", "AB12!", "AB_12"],
)
def test_bad_case_references_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"^A case reference is 1–20 letters and digits$"):
        normalise_case_reference(text)


@PROPERTY
@given(st.text(alphabet="abcXYZ0189", min_size=1, max_size=20))
def test_case_reference_normalising_is_idempotent(text: str) -> None:
    once = normalise_case_reference(text)
    assert normalise_case_reference(once) == once
    assert once == text.upper()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jo.bloggs@council.gov.uk", "jo.bloggs@council.gov.uk"),
        ("  Jo.Bloggs@Council.gov.uk ", "Jo.Bloggs@Council.gov.uk"),
        ("a+b@x.org", "a+b@x.org"),
    ],
)
def test_validate_email_accepts(text: str, expected: str) -> None:
    assert validate_email(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an e-mail address"),
        ("   ", "Enter an e-mail address"),
        ("jo bloggs@council.gov.uk", "cannot contain spaces"),
        ("jo.bloggs.council.gov.uk", "exactly one @"),
        ("jo@bloggs@council.gov.uk", "exactly one @"),
        ("@council.gov.uk", "before the @"),
        ("jo@council", "domain like example.org"),
        ("jo@", "domain like example.org"),
        ("jo@.council.uk", "domain like example.org"),
        ("jo@council.uk.", "domain like example.org"),
        ("jo@council..uk", "domain like example.org"),
    ],
)
def test_validate_email_refuses_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_email(text)
