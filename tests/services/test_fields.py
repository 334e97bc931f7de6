"""Text is refused at the door: control characters, NUL, line breaks in one-line fields, and
anything longer than its column, each with a sentence for its field and nothing written."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from siu_tui.services import booking, challenges, invites, minutes_week, reference
from siu_tui.services import people as registry
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.settings import save_setting
from siu_tui.services.standdown import StandDownFilter, export_stood_down, stand_down

from .conftest import Counts, People

CLIPBOARD = "Ada\x1b]52;c;SGVsbG8=\x07"
HOSTILE_LINES = [
    (CLIPBOARD, "cannot hold the control character \u241b"),
    ("Ada\x00", "cannot hold the control character \u2400"),
    ("Ada\nSmith", "is one line: it cannot hold a line break"),
    ("Ada\u202eSmith", "cannot hold the control character \\u202e"),
    ("A" * 10_000, "is at most"),
]


def refused(call: Callable[[], object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.errors, caught.value.errors
    assert words in caught.value.errors[field]


@pytest.mark.parametrize(("text", "words"), HOSTILE_LINES)
def test_people_and_families_are_one_line_of_visible_text(
    desk: Desk, people: People, count_rows: Callable[[], Counts], text: str, words: str
) -> None:
    before = count_rows()
    refused(lambda: registry.add_staff(desk, text, "clerk"), "name", words)
    refused(lambda: registry.create_family(desk, "FAM-9", text), "name", words)
    refused(
        lambda: registry.add_child(
            desk, people.family, "CR9", text, "Smith", date_of_birth=date(2020, 1, 1)
        ),
        "first_name",
        words,
    )
    refused(lambda: reference.update_staff(desk, people.iro, name=text), "name", words)
    refused(lambda: reference.add_room(desk, text), "name", words)
    refused(lambda: reference.add_locality_team(desk, text), "name", words)
    assert count_rows() == before


def test_a_ten_thousand_character_name_is_refused_against_its_column(desk: Desk) -> None:
    refused(
        lambda: registry.add_staff(desk, "N" * 10_000, "clerk"),
        "name",
        "The name is at most 120 characters (this is 10,000)",
    )
    assert registry.add_staff(desk, "N" * 120, "clerk")


@pytest.mark.parametrize(
    "reference_text", ['=HYPERLINK("http://x")', "+1+cmd|calc", "@SUM(1+1)", "A B", "x" * 33]
)
def test_family_references_are_letters_digits_and_dashes(desk: Desk, reference_text: str) -> None:
    refused(
        lambda: registry.create_family(desk, reference_text, "Smith"),
        "reference",
        "A reference is 1–32 letters, digits and - _ /",
    )
    assert registry.create_family(desk, "FAM-2026/07_a", "Smith")


@pytest.mark.parametrize(
    "address", ["<a@b.co>", "a\x00@b.co", "[b]a@b.co", "Ada <a@b.co>", "a@b.co\nBcc: c@d.co"]
)
def test_e_mail_addresses_are_plain_addresses(desk: Desk, address: str) -> None:
    with pytest.raises(ValidationError) as caught:
        registry.add_staff(desk, "Ada", "clerk", address)
    assert "email" in caught.value.errors


def test_venue_invitee_challenge_stand_down_and_week_notes(desk: Desk, people: People) -> None:
    request = booking.BookingRequest(
        family_id=people.family,
        child_ids=[people.amy],
        conference_type="initial",
        date=date(2026, 12, 7),
        trigger_date=date(2026, 11, 24),
        chair_id=people.iro,
        venue=f"Room {CLIPBOARD}",
    )
    refused(lambda: booking.book_conference(desk, request), "venue", "control character")
    conference = booking.book_conference(
        desk,
        booking.BookingRequest(**{**request.__dict__, "venue": "Room 1"}),  # type: ignore[arg-type]
    )
    refused(
        lambda: invites.add_invitee(
            desk, conference, invites.InviteeInput(name="Mo\nSmith", agency="family")
        ),
        "name",
        "line break",
    )
    refused(
        lambda: invites.add_invitee(
            desk, conference, invites.InviteeInput(name="Mo", agency="police", role=CLIPBOARD)
        ),
        "role",
        "control character",
    )
    refused(
        lambda: challenges.log_challenge(
            desk,
            challenges.ChallengeRequest(
                family_id=people.family,
                raised_by_id=people.iro,
                level="practice",
                category="visits",
                description="Visits\nhave lapsed \x1b[2J",
                raised_on=date(2026, 11, 25),
            ),
        ),
        "description",
        "control character \u241b",
    )
    refused(
        lambda: stand_down(
            desk,
            conference,
            reason="other",
            decided_by="chair",
            decided_on=date(2026, 11, 25),
            note="Room\x00 flooded",
        ),
        "note",
        "control character \u2400",
    )
    refused(
        lambda: minutes_week.review_week(desk, date(2026, 11, 23), "Fine\x07"),
        "note",
        "control character",
    )
    # A note keeps its lines and tabs.
    stood = stand_down(
        desk,
        conference,
        reason="other",
        decided_by="chair",
        decided_on=date(2026, 11, 25),
        note="Room flooded.\r\n\tRe-book next week.",
    )
    assert stood is not None


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("smtp_host", "mail.example.org\r\nRCPT", "mail server's name"),
        ("smtp_user", "ada\x1b[2J", "control character"),
        ("advocacy_email", "<a@b.co>", "Type the address alone"),
        ("smtp_sender", "a\x00@b.co", "control character"),
    ],
)
def test_mail_settings_are_refused_at_the_door(
    desk: Desk, key: str, value: str, words: str
) -> None:
    refused(lambda: save_setting(desk, key, value), key, words)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])
def test_security_none_is_allowed_for_a_server_on_this_machine(desk: Desk, host: str) -> None:
    save_setting(desk, "smtp_host", host)
    save_setting(desk, "smtp_security", "none")


def test_security_none_is_refused_for_a_server_elsewhere(desk: Desk) -> None:
    save_setting(desk, "smtp_host", "smtp.council.example.org")
    refused(
        lambda: save_setting(desk, "smtp_security", "none"),
        "smtp_security",
        "only for a mail server on this machine",
    )
    # Set the other way round: a remote host after none is refused too.
    save_setting(desk, "smtp_host", "localhost")
    save_setting(desk, "smtp_security", "none")
    refused(
        lambda: save_setting(desk, "smtp_host", "10.0.0.5"),
        "smtp_host",
        "only for a mail server on this machine",
    )
    save_setting(desk, "smtp_security", "starttls")
    save_setting(desk, "smtp_host", "10.0.0.5")


def test_every_cell_of_the_stood_down_export_is_guarded(
    desk: Desk, people: People, tmp_path: Path
) -> None:
    """References came out live: ``=HYPERLINK(...)`` in the conference reference and the
    re-booked one (the import used to accept any 32 characters)."""
    conference = booking.book_conference(
        desk,
        booking.BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial",
            date=date(2026, 11, 30),
            trigger_date=date(2026, 11, 24),
            chair_id=people.iro,
        ),
    )
    stand_down(
        desk, conference, reason="family_request", decided_by="chair", decided_on=date(2026, 11, 25)
    )
    with desk.store.write() as session:
        session.execute(
            text("UPDATE conference SET reference = :ref"), {"ref": '=HYPERLINK("http://x")'}
        )
        session.execute(text("UPDATE family SET name = :name"), {"name": "@SUM(1+1)\x1b[2J"})
    path = tmp_path / "stood-down.csv"
    assert export_stood_down(desk, StandDownFilter(), path) == 1
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    cells = dict(zip(header, row, strict=True))
    assert cells["reference"] == '\'=HYPERLINK("http://x")'
    assert cells["family"] == "'@SUM(1+1)\u241b[2J"
    assert not any(cell and cell[0] in "=+-@" for cell in row)
