"""Settings: defaults, labels, and refusing values that would make nonsense deadlines."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields

import pytest

from siu_tui.domain.settings import DEFAULT_RULES, MAX_SETTING, RULE_LABELS, Rules

EXPECTED_DEFAULTS = {
    "initial_working_days": 15,
    "first_review_months": 3,
    "subsequent_review_months": 6,
    "pre_birth_warn_weeks_before_edd": 12,
    "expected_birth_past_weeks": 10,
    "first_review_after_birth_working_days": 10,
    "reconvene_rebook_working_days": 10,
    "report_parents_initial_working_days": 2,
    "report_chair_initial_working_days": 1,
    "report_parents_review_working_days": 3,
    "report_chair_review_working_days": 3,
    "advocacy_min_age": 10,
    "minutes_decision_letter_working_days": 1,
    "minutes_draft_working_days": 5,
    "minutes_distribution_working_days": 15,
    "challenge_response_working_days": 5,
    "quoracy_other_agencies": 2,
    "upcoming_risk_working_days": 10,
}

MAY_BE_ZERO = {
    "report_parents_initial_working_days",
    "report_chair_initial_working_days",
    "report_parents_review_working_days",
    "report_chair_review_working_days",
    "advocacy_min_age",
    "quoracy_other_agencies",
    "pre_birth_warn_weeks_before_edd",
}
FIELD_NAMES = [f.name for f in fields(Rules)]


def test_defaults_match_the_seed_procedures() -> None:
    assert DEFAULT_RULES.as_dict() == EXPECTED_DEFAULTS
    assert Rules() == DEFAULT_RULES


def test_every_setting_has_a_clerk_readable_label() -> None:
    assert set(RULE_LABELS) == set(FIELD_NAMES)
    assert all(label.strip() and "_" not in label for label in RULE_LABELS.values())
    assert RULE_LABELS["initial_working_days"] == "Initial conference within (working days)"


def test_rules_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        DEFAULT_RULES.initial_working_days = 20  # type: ignore[misc]


def test_from_mapping_round_trips_as_dict() -> None:
    custom = Rules(initial_working_days=20, quoracy_other_agencies=3)
    assert Rules.from_mapping(custom.as_dict()) == custom


def test_from_mapping_keeps_defaults_for_missing_and_ignores_unknown_keys() -> None:
    rules = Rules.from_mapping({"first_review_months": 4, "colour_scheme": "dark", "x": None})
    assert rules.first_review_months == 4
    assert rules.initial_working_days == 15
    assert Rules.from_mapping({}) == DEFAULT_RULES


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20", 20), (" 20 ", 20), ("+7", 7), (20, 20), (20.0, 20), ("0015", 15)],
)
def test_from_mapping_coerces_whole_numbers(value: object, expected: int) -> None:
    assert Rules.from_mapping({"initial_working_days": value}).initial_working_days == expected


@pytest.mark.parametrize("value", ["abc", "", "1.5", 1.5, "15 days", None, True, "١٥", [15]])
def test_from_mapping_refuses_non_whole_numbers_naming_the_setting(value: object) -> None:
    with pytest.raises(ValueError, match="whole number") as caught:
        Rules.from_mapping({"initial_working_days": value})
    message = str(caught.value)
    assert "Initial conference within (working days)" in message
    assert "initial_working_days" in message


@pytest.mark.parametrize("name", FIELD_NAMES)
def test_lower_bounds(name: str) -> None:
    minimum = 0 if name in MAY_BE_ZERO else 1
    assert getattr(Rules.from_mapping({name: minimum}), name) == minimum
    with pytest.raises(ValueError, match=f"must be at least {minimum}") as caught:
        Rules.from_mapping({name: str(minimum - 1)})
    assert RULE_LABELS[name] in str(caught.value)


@pytest.mark.parametrize("name", FIELD_NAMES)
def test_upper_bound_stops_absurd_values(name: str) -> None:
    assert getattr(Rules.from_mapping({name: MAX_SETTING}), name) == MAX_SETTING
    with pytest.raises(ValueError, match=f"at most {MAX_SETTING}"):
        Rules.from_mapping({name: MAX_SETTING + 1})


def test_constructor_validates_too() -> None:
    with pytest.raises(ValueError, match="first_review_months"):
        Rules(first_review_months=0)
    with pytest.raises(ValueError, match="whole number"):
        Rules(initial_working_days="15")  # type: ignore[arg-type]
