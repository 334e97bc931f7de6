"""A write that fails loses nothing already saved, and the store carries on working."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from siu_tui.db.models import Child, Family, Staff
from siu_tui.services import audit
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError, WriteConflict
from siu_tui.services.people import add_child, add_staff, create_family

from .conftest import Counts, People


def saved_records(desk: Desk) -> dict[str, list[str]]:
    with desk.store.read() as session:
        return {
            "staff": sorted(s.id for s in session.exec(select(Staff))),
            "family": sorted(f.reference for f in session.exec(select(Family))),
            "child": sorted(c.case_reference for c in session.exec(select(Child))),
        }


def test_validation_error_inside_a_write_keeps_earlier_records(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    before, records = count_rows(), saved_records(desk)
    # Both refusals are raised inside store.write(), after its transaction began.
    with pytest.raises(ValidationError):
        create_family(desk, "FAM-0001", "Smith again")
    with pytest.raises(ValidationError):
        add_child(desk, people.family, "CR1002", "Ben", "Smith", date_of_birth=date(2019, 6, 1))
    assert count_rows() == before
    assert saved_records(desk) == records

    # The same desk goes on writing.
    family = create_family(desk, "FAM-0003", "Patel")
    add_child(desk, family, "CR3001", "Dev", "Patel", date_of_birth=date(2018, 2, 2))
    assert count_rows()["family"] == before["family"] + 1
    assert count_rows()["child"] == before["child"] + 1


def test_integrity_error_rolls_back_the_whole_transaction_only(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    before, records = count_rows(), saved_records(desk)

    # A duplicate case reference that slipped past the service's check: the constraint stops
    # it, and the family and audit event added earlier in the same transaction go too. The
    # clerk is told in a sentence (the database's own error is kept as the cause).
    with (
        pytest.raises(WriteConflict, match="at the same moment") as refused,
        desk.store.write() as session,
    ):
        family = Family(reference="FAM-0009", name="Brown")
        session.add(family)
        audit.record(session, "clerk.anna", "create", family)
        session.add(
            Child(
                case_reference="CR1001",
                family_id=family.id,
                first_name="Eve",
                last_name="Brown",
                date_of_birth=date(2017, 1, 1),
            )
        )
        session.flush()
    assert isinstance(refused.value.__cause__, IntegrityError)

    # A link to a family that is not there.
    with pytest.raises(WriteConflict), desk.store.write() as session:
        session.add(
            Child(
                case_reference="CR9999",
                family_id="0" * 32,
                first_name="Eve",
                last_name="Brown",
                date_of_birth=date(2017, 1, 1),
            )
        )

    assert count_rows() == before
    assert saved_records(desk) == records

    staff = add_staff(desk, "Mo Manager", "manager")
    conference = book_conference(
        desk,
        BookingRequest(
            family_id=people.family,
            child_ids=[people.amy],
            conference_type="initial",
            date=date(2027, 1, 6),
            trigger_date=date(2026, 12, 14),
            chair_id=people.iro,
        ),
    )
    after = count_rows()
    assert after["staff"] == before["staff"] + 1
    assert after["conference"] == before["conference"] + 1
    assert staff in saved_records(desk)["staff"]
    assert conference


def test_an_exception_in_the_callers_code_discards_the_write(
    desk: Desk, people: People, count_rows: Callable[[], Counts]
) -> None:
    before = count_rows()
    with pytest.raises(RuntimeError), desk.store.write() as session:
        session.add(Family(reference="FAM-0010", name="Green"))
        session.flush()
        raise RuntimeError("the screen crashed mid-save")
    assert count_rows() == before
    create_family(desk, "FAM-0010", "Green")
    assert count_rows()["family"] == before["family"] + 1


def test_failed_writes_do_not_leave_a_transaction_open(desk: Desk, db_url: str) -> None:
    """After a failure, another clerk's desk can still take the write lock at once."""
    for _ in range(3):
        with pytest.raises(ValidationError):
            create_family(desk, "", "")
        with pytest.raises(WriteConflict), desk.store.write() as session:
            session.add(Staff(name="Nobody", role="janitor"))  # fails ck_staff_role
    other = Desk.open(db_url, "clerk.bob")
    try:
        create_family(other, "FAM-0011", "White")
    finally:
        other.close()
    create_family(desk, "FAM-0012", "Black")
    assert saved_records(desk)["family"] == ["FAM-0011", "FAM-0012"]
