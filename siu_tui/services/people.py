"""Staff, families and children: the people conferences are booked for and by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from siu_tui import clock
from siu_tui.db.models import Child, Family, Staff
from siu_tui.db.periods import copy_child_details
from siu_tui.domain.children import check_birth_dates
from siu_tui.domain.codes import ETHNICITIES, Role, Sex
from siu_tui.domain.references import normalise_case_reference, reference_problem
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError


@dataclass(frozen=True, slots=True)
class StaffRow:
    id: str
    name: str
    role: str
    email: str | None
    active: bool


def add_staff(desk: Desk, name: str, role: str, email: str | None = None) -> str:
    errors: dict[str, str] = {}
    name = fields.line("name", name, fields.NAME_MAX, label="The name", errors=errors) or ""
    if not name and "name" not in errors:
        errors["name"] = "Enter the person's name"
    try:
        role = Role.parse(role).value
    except ValueError as exc:
        errors["role"] = str(exc)
    email = fields.email("email", email, errors=errors)
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        staff = Staff(name=name, role=role, email=email or None)
        session.add(staff)
        audit.record(session, desk.actor, "create", staff)
        return staff.id


def list_staff(desk: Desk, role: str | None = None, *, active_only: bool = True) -> list[StaffRow]:
    query = select(Staff).order_by(col(Staff.name), col(Staff.id))
    if role:
        query = query.where(Staff.role == role)
    if active_only:
        query = query.where(col(Staff.active).is_(True))
    with desk.store.read() as session:
        return [StaffRow(s.id, s.name, s.role, s.email, s.active) for s in session.exec(query)]


def create_family(
    desk: Desk,
    reference: str,
    name: str,
    *,
    locality_team: str | None = None,
    social_worker: str | None = None,
    social_worker_email: str | None = None,
    team_manager: str | None = None,
    team_manager_email: str | None = None,
) -> str:
    errors: dict[str, str] = {}
    reference = reference.strip().upper()
    if not reference:
        errors["reference"] = "Enter the family reference"
    elif problem := reference_problem(reference):
        errors["reference"] = problem
    name = fields.line("name", name, fields.NAME_MAX, label="The family name", errors=errors) or ""
    if not name and "name" not in errors:
        errors["name"] = "Enter the family name"
    locality_team = fields.line(
        "locality_team", locality_team, fields.NAME_MAX, label="The team", errors=errors
    )
    social_worker = fields.line(
        "social_worker", social_worker, fields.NAME_MAX, label="The social worker", errors=errors
    )
    team_manager = fields.line(
        "team_manager", team_manager, fields.NAME_MAX, label="The team manager", errors=errors
    )
    social_worker_email = fields.email("social_worker_email", social_worker_email, errors=errors)
    team_manager_email = fields.email("team_manager_email", team_manager_email, errors=errors)
    if errors:
        raise ValidationError(errors)
    # Imported here: reference data builds on this module's staff functions.
    from siu_tui.services.reference import locality_team_name

    with desk.store.write() as session:
        if session.exec(select(Family.id).where(Family.reference == reference)).first():
            raise ValidationError.single("reference", f"Family {reference} already exists")
        family = Family(
            reference=reference,
            name=name,
            locality_team=locality_team_name(session, locality_team),
            social_worker=social_worker,
            social_worker_email=social_worker_email or None,
            team_manager=team_manager,
            team_manager_email=team_manager_email or None,
        )
        session.add(family)
        audit.record(session, desk.actor, "create", family)
        return family.id


def _check_child(
    desk: Desk,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    sex: str,
    ethnicity: str | None,
    errors: dict[str, str],
) -> tuple[str, str | None]:
    """The child's details checked as the census records them (the birth dates by
    ``domain.children``); returns the sex and ethnicity codes to store."""
    fields.line(
        "first_name", first_name, fields.CHILD_NAME_MAX, label="The first name", errors=errors
    )
    fields.line("last_name", last_name, fields.CHILD_NAME_MAX, label="The last name", errors=errors)
    if not first_name.strip() and "first_name" not in errors:
        errors["first_name"] = "Enter a first name (or 'Unborn')"
    if not last_name.strip() and "last_name" not in errors:
        errors["last_name"] = "Enter a last name"
    errors.update(
        check_birth_dates(date_of_birth, expected_date_of_birth, clock.today(), desk.rules)
    )
    try:
        sex = Sex.parse(sex).value
    except ValueError as exc:
        errors["sex"] = str(exc)
    if date_of_birth is None and sex != "U":
        errors["sex"] = "An unborn child's sex is recorded as U (unknown)"
    if ethnicity and ethnicity.strip().upper() not in ETHNICITIES:
        errors["ethnicity"] = f"{ethnicity!r} is not a DfE ethnicity code"
    return sex, ethnicity.strip().upper() if ethnicity else None


def add_child(
    desk: Desk,
    family_id: str,
    case_reference: str,
    first_name: str,
    last_name: str,
    *,
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    sex: str = "U",
    ethnicity: str | None = None,
) -> str:
    errors: dict[str, str] = {}
    try:
        case_reference = normalise_case_reference(case_reference)
    except ValueError as exc:
        errors["case_reference"] = str(exc)
    sex, ethnicity = _check_child(
        desk, first_name, last_name, date_of_birth, expected_date_of_birth, sex, ethnicity, errors
    )
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        if session.get(Family, family_id) is None:
            raise ValidationError.single("family", "That family is no longer on record")
        if session.exec(select(Child.id).where(Child.case_reference == case_reference)).first():
            raise ValidationError.single(
                "case_reference", f"Case reference {case_reference} belongs to another child"
            )
        child = Child(
            case_reference=case_reference,
            family_id=family_id,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            date_of_birth=date_of_birth,
            expected_date_of_birth=expected_date_of_birth,
            sex=sex,
            ethnicity=ethnicity,
        )
        session.add(child)
        audit.record(session, desk.actor, "create", child)
        return child.id


def update_child(
    desk: Desk,
    child_id: str,
    first_name: str,
    last_name: str,
    *,
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    sex: str = "U",
    ethnicity: str | None = None,
) -> bool:
    """Change a child's details, most often to record the birth of a baby (the date of
    birth in place of the expected date, the sex, the name). The case reference stays: other
    systems know the child by it. Returns False when nothing changed (nothing is written)."""
    errors: dict[str, str] = {}
    sex, ethnicity = _check_child(
        desk, first_name, last_name, date_of_birth, expected_date_of_birth, sex, ethnicity, errors
    )
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        child = session.get(Child, child_id)
        if child is None:
            raise NotFound("That child is no longer on record")
        before = audit.snapshot(child)
        child.first_name = first_name.strip()
        child.last_name = last_name.strip()
        child.date_of_birth = date_of_birth
        child.expected_date_of_birth = expected_date_of_birth
        child.sex = sex
        child.ethnicity = ethnicity
        if audit.snapshot(child) == before:
            return False
        session.add(child)
        audit.record(session, desk.actor, "update", child, before=before)
        # The report counts children on a plan from the plan periods' copy of these details.
        session.flush()
        copy_child_details(session.connection(), [child.id])
        return True
