"""What a stood-down conference becomes when it is re-booked, and how the log is summed up.

A conference that is stood down is not a new referral: the child's wait started with the
original strategy discussion (or previous conference), so the re-booked one keeps the original
deadline. An initial conference that could not go ahead because it was adjourned or not quorate
is re-convened, with its own, shorter booking target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from siu_tui.domain.codes import ConferenceType, Reason
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.timescales import is_late, rebook_target

RECONVENE_REASONS = frozenset({Reason.NOT_QUORATE})
"""Reasons that make a stood-down initial conference an initial re-convened one."""


@dataclass(frozen=True)
class Rebooking:
    """How to re-book a stood-down conference: its type, what its deadline runs from, the
    deadline it keeps, and for a re-convened initial conference the date to re-book it by."""

    conference_type: ConferenceType
    trigger_date: date
    deadline: date
    target: date | None
    """Re-convene by this day (working days after the adjourned conference), or None."""
    late_reason: Reason
    """The reason carried to the re-booked conference if it is held after its deadline."""


def rebooking(
    conference_type: ConferenceType | str,
    reason: Reason | str,
    stood_down_on: date,
    trigger_date: date,
    deadline: date,
    rules: Rules = DEFAULT_RULES,
) -> Rebooking:
    """The re-booking of a conference of ``conference_type`` booked for ``stood_down_on``."""
    kind = ConferenceType(conference_type)
    why = Reason(reason)
    reconvene = kind.is_initial and (
        why in RECONVENE_REASONS or kind is ConferenceType.INITIAL_RECONVENED
    )
    new_type = ConferenceType.INITIAL_RECONVENED if reconvene else kind
    target = rebook_target(stood_down_on, rules) if reconvene else None
    return Rebooking(new_type, trigger_date, deadline, target, why)


def allowed_rebook_types(conference_type: ConferenceType | str) -> frozenset[ConferenceType]:
    """A re-booking is the same conference again, or an initial one re-convened."""
    kind = ConferenceType(conference_type)
    if kind.is_initial:
        return frozenset({kind, ConferenceType.INITIAL_RECONVENED})
    return frozenset({kind})


def met_deadline(held_or_booked_on: date | None, deadline: date) -> bool | None:
    """Whether the re-booked conference is (or is booked) within the original deadline;
    None when there is no re-booking yet."""
    if held_or_booked_on is None:
        return None
    return not is_late(held_or_booked_on, deadline)


def totals_by_reason(counts: Mapping[str, int]) -> list[tuple[Reason, int]]:
    """Counts per reason code in the seed's order, every reason listed (a zero is an answer
    too); codes not on the list are added to "other" rather than lost."""
    stray = sum(n for code, n in counts.items() if code not in Reason._value2member_map_)
    return [(r, counts.get(r.value, 0) + (stray if r is Reason.OTHER else 0)) for r in Reason]
