"""Every number in the unit's rules, as one immutable settings object.

Each area's safeguarding procedures differ, so no timescale is hard-coded anywhere else: the
rules take a ``Rules`` and default to ``DEFAULT_RULES``. The object is frozen so it can be
shared between screens and cached lookups without anyone changing it underneath them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

MAX_SETTING = 999
"""A ceiling well above any real procedure; it stops a typo from sending date sums past 9999."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The unit's timescales and thresholds (defaults are the seed area's procedures)."""

    initial_working_days: int = 15
    first_review_months: int = 3
    subsequent_review_months: int = 6
    pre_birth_warn_weeks_before_edd: int = 12
    expected_birth_past_weeks: int = 10
    first_review_after_birth_working_days: int = 10
    reconvene_rebook_working_days: int = 10
    report_parents_initial_working_days: int = 2
    report_chair_initial_working_days: int = 1
    report_parents_review_working_days: int = 3
    report_chair_review_working_days: int = 3
    advocacy_min_age: int = 10
    minutes_decision_letter_working_days: int = 1
    minutes_draft_working_days: int = 5
    minutes_distribution_working_days: int = 15
    challenge_response_working_days: int = 5
    quoracy_other_agencies: int = 2
    upcoming_risk_working_days: int = 10

    def __post_init__(self) -> None:
        # Validating here, not only in from_mapping, means a Rules that exists is always
        # usable: code building one by hand cannot smuggle in a negative timescale.
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{_describe(name)} must be a whole number, not {value!r}")
            minimum = _MINIMUMS[name]
            if value < minimum:
                raise ValueError(f"{_describe(name)} must be at least {minimum}, not {value}")
            if value > MAX_SETTING:
                raise ValueError(f"{_describe(name)} must be at most {MAX_SETTING}, not {value}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Rules:
        """Settings as stored or typed (often strings); unknown keys are old or foreign, so
        they are ignored rather than refusing to start."""
        chosen: dict[str, int] = {}
        for name in _FIELD_NAMES:
            if name in values:
                chosen[name] = _coerce(name, values[name])
        return cls(**chosen)

    def as_dict(self) -> dict[str, int]:
        """Plain values for storing and showing; the inverse of ``from_mapping``."""
        return {name: getattr(self, name) for name in _FIELD_NAMES}


RULE_LABELS: dict[str, str] = {
    "initial_working_days": "Initial conference within (working days)",
    "first_review_months": "1st review within (months)",
    "subsequent_review_months": "Subsequent reviews within (months)",
    "pre_birth_warn_weeks_before_edd": "Pre-birth: warn if later than (weeks before due date)",
    "expected_birth_past_weeks": "Unborn: expected date of birth no more than (weeks ago)",
    "first_review_after_birth_working_days": (
        "1st review after pre-birth: no later than (working days after birth)"
    ),
    "reconvene_rebook_working_days": "Re-convened conference re-booked within (working days)",
    "report_parents_initial_working_days": (
        "Initial: report to parents at least (working days before)"
    ),
    "report_chair_initial_working_days": "Initial: report to chair at least (working days before)",
    "report_parents_review_working_days": (
        "Review: report to parents at least (working days before)"
    ),
    "report_chair_review_working_days": "Review: report to chair at least (working days before)",
    "advocacy_min_age": "Automatic advocacy referral from age (years)",
    "minutes_decision_letter_working_days": "Decision letter within (working days)",
    "minutes_draft_working_days": "Draft minutes to chair within (working days)",
    "minutes_distribution_working_days": "Minutes distributed within (working days)",
    "challenge_response_working_days": "Response to a challenge within (working days)",
    "quoracy_other_agencies": "Quorate: other agencies needed besides social care",
    "upcoming_risk_working_days": "Flag deadlines due within (working days)",
}
"""What a clerk reads beside each setting; keys are the ``Rules`` field names."""

_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Rules))

# A report may be due on the conference day itself (0 days before), and an area may choose no
# automatic advocacy age or no extra agencies; every timescale after an event needs a day.
_ZERO_ALLOWED = frozenset(
    {
        "report_parents_initial_working_days",
        "report_chair_initial_working_days",
        "report_parents_review_working_days",
        "report_chair_review_working_days",
        "advocacy_min_age",
        "quoracy_other_agencies",
        "pre_birth_warn_weeks_before_edd",
    }
)
_MINIMUMS: dict[str, int] = {name: 0 if name in _ZERO_ALLOWED else 1 for name in _FIELD_NAMES}


def _describe(name: str) -> str:
    return f"{RULE_LABELS[name]} ({name})"


def _coerce(name: str, value: object) -> int:
    """A whole number from a stored or typed value; anything fractional or wordy is refused
    because silently rounding a timescale would move real deadlines."""
    if isinstance(value, bool):
        raise ValueError(f"{_describe(name)} must be a whole number, not {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if digits and digits.isascii() and digits.isdigit():
            return int(text)
    raise ValueError(f"{_describe(name)} must be a whole number, not {value!r}")


DEFAULT_RULES = Rules()
"""The seed area's procedures, used wherever no settings have been saved."""


def on_this_machine(host: str) -> bool:
    """Whether a mail server name points at this machine (``localhost``, ``127.x.y.z``,
    ``::1``), the only place a connection without encryption (security ``none``) may go:
    anywhere else the password and the case details would cross the network in clear."""
    name = host.strip().lower().strip("[]").rstrip(".")
    if name in ("localhost", "::1", "0:0:0:0:0:0:0:1") or name.endswith(".localhost"):
        return True
    parts = name.split(".")
    return (
        len(parts) == 4 and parts[0] == "127" and all(p.isdigit() and int(p) < 256 for p in parts)
    )
