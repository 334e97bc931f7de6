"""Whether enough of the right agencies are present for a conference to go ahead.

A conference decides on a child's safety, so it needs children's social care plus a number of
other agencies that actually know the child. Counting is by agency, not by person: two police
officers are still one agency's view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from siu_tui.domain.codes import Agency
from siu_tui.domain.settings import DEFAULT_RULES, Rules

NON_COUNTING_AGENCIES: frozenset[Agency] = frozenset(
    {
        Agency.FAMILY,
        Agency.CHILD,
        Agency.ADVOCATE,
        Agency.INTERPRETER,
        Agency.CLERK,
        Agency.CHAIR,
    }
)
"""People who take part but bring no agency's knowledge of the child, so never make quorum."""


@dataclass(frozen=True)
class Participant:
    """Someone present, by the agency they represent; ``direct_contact`` is whether that
    agency has worked with the child itself rather than only heard about the family."""

    agency: Agency | str
    direct_contact: bool = True

    def __post_init__(self) -> None:
        # Attendance rows hand over stored codes; normalising here means every comparison
        # below is between members, and an unknown code fails loudly instead of never counting.
        if not isinstance(self.agency, Agency):
            object.__setattr__(self, "agency", Agency.parse(self.agency))


@dataclass(frozen=True)
class QuoracyResult:
    """The verdict with enough detail for the chair to see what is missing."""

    quorate: bool
    social_care_present: bool
    counting: tuple[Agency, ...]
    needed: int
    not_counting: tuple[Agency, ...]

    @property
    def summary(self) -> str:
        """One line for the attendance screen and the record of the chair's decision."""
        if self.quorate:
            if self.counting:
                names = ", ".join(a.label for a in self.counting)
                return f"Quorate: social care + {names}"
            return "Quorate: social care"
        problems: list[str] = []
        if not self.social_care_present:
            problems.append("social care missing")
        if self.needed:
            noun = "agency" if self.needed == 1 else "agencies"
            problems.append(f"needs {self.needed} more {noun} with direct contact")
        return "Not quorate: " + "; ".join(problems)


AGENCY_RANK: dict[Agency, int] = {a: i for i, a in enumerate(Agency)}
"""Each agency's place in the code list, the order verdicts list agencies in."""


def _in_agency_order(agencies: set[Agency]) -> tuple[Agency, ...]:
    # Sorting a handful by rank: iterating the enum itself costs far more, and lists judge
    # quoracy for every conference they show.
    return tuple(sorted(agencies, key=AGENCY_RANK.__getitem__))


def assess_quoracy(
    participants: Iterable[Participant], rules: Rules = DEFAULT_RULES
) -> QuoracyResult:
    """Judge quoracy from who attended.

    Social care counts whenever it is present: it holds the case, so "direct contact" is
    only asked of the other agencies. "Other" counts like any agency when it has direct
    contact, but however many "other" people attend they are one agency, because nothing
    here can tell them apart.
    """
    social_care = False
    counting: set[Agency] = set()
    seen: set[Agency] = set()
    for participant in participants:
        agency = participant.agency
        assert isinstance(agency, Agency)  # normalised by Participant.__post_init__
        if agency is Agency.SOCIAL_CARE:
            social_care = True
            continue
        seen.add(agency)
        if participant.direct_contact and agency not in NON_COUNTING_AGENCIES:
            counting.add(agency)
    needed = max(0, rules.quoracy_other_agencies - len(counting))
    return QuoracyResult(
        quorate=social_care and needed == 0,
        social_care_present=social_care,
        counting=_in_agency_order(counting),
        needed=needed,
        not_counting=_in_agency_order(seen - counting),
    )
