"""Settings kept in the database: validated before writing, audited, and used by bookings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from siu_tui.clock import set_today
from siu_tui.db.models import Conference
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.settings import describe_settings, load_rules, load_settings, save_setting

from .conftest import ACTOR, Counts, Event, People


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("initial_working_days", 0),
        ("initial_working_days", "0"),
        ("initial_working_days", -3),
        ("initial_working_days", "ten"),
        ("initial_working_days", "15.5"),
        ("initial_working_days", 1000),
        ("first_review_months", ""),
        ("no_such_setting", 5),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    desk: Desk, count_rows: Callable[[], Counts], key: str, value: object
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        save_setting(desk, key, value)
    assert set(caught.value.errors) == {key}
    assert count_rows() == before
    assert load_rules(desk.store).initial_working_days == 15


def test_a_saved_rule_is_loaded_and_moves_booking_deadlines(
    desk: Desk, people: People, db_url: str
) -> None:
    request = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy],
        conference_type="initial",
        date=date(2027, 1, 14),
        trigger_date=date(2026, 12, 14),
        chair_id=people.iro,
    )
    with pytest.raises(ValidationError) as caught:  # 15 working days: due 7 January
        book_conference(desk, request)
    assert "late_reason" in caught.value.errors

    save_setting(desk, "initial_working_days", "20")

    assert load_rules(desk.store).initial_working_days == 20
    assert load_settings(desk.store)["initial_working_days"] == 20
    assert desk.rules.initial_working_days == 20
    conference_id = book_conference(desk, request)
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
    assert conference is not None
    assert conference.deadline == date(2027, 1, 14)
    assert conference.late_reason is None

    # Another clerk opening the same database works to the same rule.
    other = Desk.open(db_url, "clerk.bob")
    try:
        assert other.rules.initial_working_days == 20
    finally:
        other.close()


def test_changing_a_setting_records_before_and_after(
    desk: Desk, audit_events: Callable[..., list[Event]]
) -> None:
    save_setting(desk, "initial_working_days", "20")
    set_today(date(2026, 11, 26))
    save_setting(desk, "initial_working_days", 25)

    events = audit_events(record_type="setting", record_id="initial_working_days")
    assert [e.action for e in events] == ["create", "update"]
    assert all(e.actor == ACTOR for e in events)
    created, updated = events
    assert created.before is None
    assert created.after is not None
    assert created.after["value"] == "20"
    assert updated.before == {"value": "20", "updated_at": "2026-11-25T09:00:00+00:00"}
    assert updated.after == {"value": "25", "updated_at": "2026-11-26T09:00:00+00:00"}


def test_saving_the_same_value_again_keeps_it(desk: Desk) -> None:
    save_setting(desk, "first_review_months", 4)
    save_setting(desk, "first_review_months", "4")
    assert load_rules(desk.store).first_review_months == 4
    assert load_settings(desk.store)["first_review_months"] == 4


@pytest.mark.parametrize("address", ["advocacy", "advocacy@", "advo cacy@example.org", "a@b"])
def test_advocacy_email_is_validated(
    desk: Desk, count_rows: Callable[[], Counts], address: str
) -> None:
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        save_setting(desk, "advocacy_email", address)
    assert set(caught.value.errors) == {"advocacy_email"}
    assert count_rows() == before


def test_advocacy_email_is_saved_and_can_be_cleared(desk: Desk) -> None:
    save_setting(desk, "advocacy_email", " referrals@advocacy.example.org ")
    assert load_settings(desk.store)["advocacy_email"] == "referrals@advocacy.example.org"
    rows = {row.key: row for row in describe_settings(desk)}
    assert rows["advocacy_email"].value == "referrals@advocacy.example.org"
    assert rows["advocacy_email"].changed

    save_setting(desk, "advocacy_email", "  ")
    assert load_settings(desk.store)["advocacy_email"] == ""
    # A preference is not a rule: the rules still load.
    assert load_rules(desk.store).initial_working_days == 15


def test_describe_settings_shows_values_against_defaults(desk: Desk) -> None:
    save_setting(desk, "initial_working_days", "20")
    rows = {row.key: row for row in describe_settings(desk)}
    assert rows["initial_working_days"].value == 20
    assert rows["initial_working_days"].default == 15
    assert rows["initial_working_days"].changed
    assert not rows["subsequent_review_months"].changed
    assert rows["advocacy_email"].value == ""
