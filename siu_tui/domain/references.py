"""Checks on identifiers clerks type in, so bad values are caught at the form, not in a
census return or a bounced e-mail weeks later."""

from __future__ import annotations

import re
import string
from email.utils import parseaddr

from siu_tui.domain.text import line_problem

CASE_REFERENCE_MAX = 20
"""The census's LAchildID allows at most 20 characters."""

_ALPHANUMERIC = frozenset(string.ascii_letters + string.digits)


def normalise_case_reference(text: str) -> str:
    """The stored form of a case reference: upper-case ASCII letters and digits only, so the
    same child typed twice with different case is found as one."""
    reference = text.strip().upper()
    if not reference or len(reference) > CASE_REFERENCE_MAX or set(reference) - _ALPHANUMERIC:
        raise ValueError("A case reference is 1–20 letters and digits")
    return reference


REFERENCE_MAX = 32
"""A family's or a conference's reference: the width of its column."""

_REFERENCE = re.compile(rf"[A-Za-z0-9_/-]{{1,{REFERENCE_MAX}}}")


def reference_problem(text: str) -> str | None:
    """Why ``text`` cannot be a family or conference reference, or None. A reference is 1–32
    letters, digits and ``-_/``: it goes into spreadsheets, file names and e-mail subjects,
    where ``=HYPERLINK(…)`` or a line break would do harm."""
    if _REFERENCE.fullmatch(text):
        return None
    return "A reference is 1–32 letters, digits and - _ /"


EMAIL_MAX = 254
"""The longest address SMTP carries (RFC 5321), and the width of every e-mail column."""

_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
"""A plain address, name@example.org: no display name, no angle brackets, no quoted or
bracketed parts, so it can go into a header and a screen as it is."""


def validate_email(text: str) -> str:
    """A plain address as a mail client would read it (``email.utils.parseaddr``) and as a
    strict pattern allows: ``<a@b.co>``, ``a\\x00@b.co``, markup and line breaks are refused.
    Deliverability is the mail server's business."""
    address = text.strip()
    if not address:
        raise ValueError("Enter an e-mail address")
    problem = line_problem(address, EMAIL_MAX)
    if problem is not None:
        raise ValueError(f"An e-mail address {problem}")
    if any(ch.isspace() for ch in address):
        raise ValueError("An e-mail address cannot contain spaces")
    if address.count("@") != 1:
        raise ValueError("An e-mail address has exactly one @, like name@example.org")
    local, domain = address.split("@")
    if not local:
        raise ValueError("Put the name before the @, like name@example.org")
    if "." not in domain or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        raise ValueError("The part after the @ should be a domain like example.org")
    if parseaddr(address) != ("", address) or not _ADDRESS.fullmatch(address):
        raise ValueError(
            "Type the address alone, like name@example.org (letters, digits and . _ + - only)"
        )
    return address
