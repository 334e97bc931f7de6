"""Checks on identifiers clerks type in, so bad values are caught at the form, not in a
census return or a bounced e-mail weeks later."""

from __future__ import annotations

import string

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


def validate_email(text: str) -> str:
    """A light check that catches typing slips; deliverability is the mail server's business,
    and a stricter pattern would refuse real addresses."""
    address = text.strip()
    if not address:
        raise ValueError("Enter an e-mail address")
    if any(ch.isspace() for ch in address):
        raise ValueError("An e-mail address cannot contain spaces")
    if address.count("@") != 1:
        raise ValueError("An e-mail address has exactly one @, like name@example.org")
    local, domain = address.split("@")
    if not local:
        raise ValueError("Put the name before the @, like name@example.org")
    if "." not in domain or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        raise ValueError("The part after the @ should be a domain like example.org")
    return address
