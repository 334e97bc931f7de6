"""Reference data: staff, rooms and locality teams are validated, audited, and never lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest

from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.changes import change_chair
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.families import create_family, get_family
from siu_tui.services.people import add_staff
from siu_tui.services.record import conference_record
from siu_tui.services.reference import (
    add_locality_team,
    add_room,
    delete_staff,
    list_locality_teams,
    list_rooms,
    list_staff,
    rename_locality_team,
    rename_room,
    set_locality_team_active,
    set_room_active,
    set_room_site,
    set_staff_active,
    update_staff,
)

from .conftest import ACTOR, Counts, Event, People


def book(desk: Desk, people: People, **changes: object) -> str:
    request = BookingRequest(
        family_id=people.family,
        child_ids=[people.amy],
        conference_type="initial",
        date=date(2027, 1, 6),
        start_time=time(13, 30),
        trigger_date=date(2026, 12, 14),
        chair_id=people.iro,
        clerk_id=people.clerk,
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return book_conference(desk, request)


# --- Rooms ----------------------------------------------------------------------------------


def test_room_names_are_unique_ignoring_case(desk: Desk, count_rows: Callable[[], Counts]) -> None:
    room = add_room(desk, "  Conference   Room 2 ", "Civic Centre")
    other = add_room(desk, "Boardroom")
    before = count_rows()
    for name in ("Conference Room 2", "conference room 2", "CONFERENCE ROOM 2  "):
        with pytest.raises(ValidationError) as caught:
            add_room(desk, name)
        assert caught.value.errors == {"name": "There is already a room called Conference Room 2"}
    with pytest.raises(ValidationError) as caught:
        rename_room(desk, other, "conference room 2")
    assert set(caught.value.errors) == {"name"}
    with pytest.raises(ValidationError):
        add_room(desk, "   ")
    assert count_rows() == before

    rename_room(desk, room, "Conference Room Two")
    rename_room(desk, other, "boardroom")  # its own name in another case is fine
    set_room_site(desk, other, "Town Hall")
    assert [(r.name, r.site) for r in list_rooms(desk)] == [
        ("Conference Room Two", "Civic Centre"),
        ("boardroom", "Town Hall"),
    ]
    with pytest.raises(NotFound):
        rename_room(desk, "f" * 32, "Room")


def test_an_inactive_room_leaves_the_picker_and_cannot_be_booked(
    desk: Desk, people: People, audit_events: Callable[..., list[Event]]
) -> None:
    room = add_room(desk, "Conference Room 2")
    book(desk, people, room_id=room)
    assert set_room_active(desk, room, False) == 1  # still booked for one conference
    assert list_rooms(desk) == []
    assert [r.active for r in list_rooms(desk, active_only=False)] == [False]
    with pytest.raises(ValidationError) as caught:
        book(desk, people, room_id=room)
    assert caught.value.errors == {"room": "Conference Room 2 is no longer in use: choose another"}
    assert set_room_active(desk, room, True) == 0
    assert [e.action for e in audit_events("room", room)] == ["create", "deactivate", "activate"]


# --- Staff ----------------------------------------------------------------------------------


def test_a_deactivated_iro_cannot_chair(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    conference_id = book(desk, people)
    ivy = add_staff(desk, "Ivy Ross", "iro")
    assert set_staff_active(desk, people.iro, False) == 1  # still chairs one booked conference
    assert set_staff_active(desk, ivy, False) == 0
    assert [s.name for s in list_staff(desk, "iro")] == []
    assert {s.name for s in list_staff(desk, "iro", active_only=False)} == {
        "Iris Reed",
        "Ivy Ross",
    }
    before = count_rows()
    with pytest.raises(ValidationError) as caught:
        book(desk, people, chair_id=ivy)
    assert caught.value.errors == {"chair": "The chair must be an active IRO"}
    with pytest.raises(ValidationError):
        change_chair(desk, conference_id, ivy)
    assert count_rows() == before
    # The record still names the chair who has gone.
    assert conference_record(desk, conference_id).chair_name == "Iris Reed"


def test_update_staff(desk: Desk, people: People, audit_events: Callable[..., list[Event]]) -> None:
    update_staff(desk, people.clerk, name=" Colin Clarke ", email="colin@example.org")
    (row,) = [s for s in list_staff(desk) if s.id == people.clerk]
    assert (row.name, row.email, row.role) == ("Colin Clarke", "colin@example.org", "clerk")
    update_staff(desk, people.clerk, email=None)
    (row,) = [s for s in list_staff(desk) if s.id == people.clerk]
    assert row.email is None
    (event,) = [e for e in audit_events("staff", people.clerk) if e.action == "update"][:1]
    assert event.before == {"email": "colin.clark@example.org", "name": "Colin Clark"}
    assert event.actor == ACTOR

    with pytest.raises(ValidationError) as caught:
        update_staff(desk, people.clerk, name="", role="boss", email="no at sign")
    assert set(caught.value.errors) == {"name", "role", "email"}
    with pytest.raises(NotFound):
        update_staff(desk, "f" * 32, name="Nobody")


def test_an_iro_who_chairs_booked_conferences_keeps_the_role(desk: Desk, people: People) -> None:
    conference_id = book(desk, people)
    with pytest.raises(ValidationError) as caught:
        update_staff(desk, people.iro, role="manager")
    assert "chairs 1 booked conference(s)" in caught.value.errors["role"]
    ivy = add_staff(desk, "Ivy Ross", "iro")
    change_chair(desk, conference_id, ivy)
    update_staff(desk, people.iro, role="manager")
    assert [s.role for s in list_staff(desk) if s.id == people.iro] == ["manager"]


def test_staff_named_on_records_are_never_deleted(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    book(desk, people)
    before = count_rows()
    for staff_id in (people.iro, people.clerk):
        with pytest.raises(ValidationError) as caught:
            delete_staff(desk, staff_id)
        assert "make them inactive instead" in caught.value.errors["staff"]
    assert count_rows() == before

    typo = add_staff(desk, "Iris Reeed", "iro")
    delete_staff(desk, typo)
    assert typo not in {s.id for s in list_staff(desk, active_only=False)}


# --- Locality teams -------------------------------------------------------------------------


def test_locality_teams(desk: Desk, audit_events: Callable[..., list[Event]]) -> None:
    # With no list set up yet, any team name is taken as typed.
    free = create_family(desk, "FAM-0100", "Able", locality_team="  Far East ")
    north = add_locality_team(desk, "North")
    add_locality_team(desk, "South")
    with pytest.raises(ValidationError) as caught:
        add_locality_team(desk, "north")
    assert caught.value.errors == {"name": "There is already a team called North"}

    # Once there is a list, a family's team must come from it (stored as listed).
    family = create_family(desk, "FAM-0101", "Baker", locality_team="north")
    with pytest.raises(ValidationError) as caught:
        create_family(desk, "FAM-0102", "Carter", locality_team="Far East")
    assert caught.value.errors == {
        "locality_team": "Far East is not a current locality team (choose from: North, South)"
    }
    assert [(t.name, t.families) for t in list_locality_teams(desk)] == [
        ("North", 1),
        ("South", 0),
    ]

    # A rename changes the list, not the families already recorded.
    rename_locality_team(desk, north, "North & West")
    assert [t.name for t in list_locality_teams(desk)] == ["North & West", "South"]
    assert get_family(desk, family).locality_team == "North"
    assert get_family(desk, free).locality_team == "Far East"

    set_locality_team_active(desk, north, False)
    assert [t.name for t in list_locality_teams(desk)] == ["South"]
    assert [t.name for t in list_locality_teams(desk, active_only=False)] == [
        "North & West",
        "South",
    ]
    with pytest.raises(ValidationError):
        create_family(desk, "FAM-0103", "Dunmore", locality_team="North & West")
    assert [e.action for e in audit_events("locality_team", north)] == [
        "create",
        "update",
        "deactivate",
    ]
