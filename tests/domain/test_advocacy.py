"""Ages and automatic advocacy referral."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.advocacy import (
    AdvocacyFigures,
    NoticeDetails,
    ReferralFact,
    advocacy_figures,
    age_label,
    age_on,
    compose_notice,
    eligible_for_advocacy,
    figures_from_counts,
    latest_birth_at_referral_age,
)
from siu_tui.domain.settings import Rules

from .strategies import PROPERTY, dates

D = date


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(2016, 3, 15), D(2026, 3, 15), 10),  # tenth birthday
        (D(2016, 3, 15), D(2026, 3, 14), 9),  # the day before
        (D(2016, 3, 15), D(2016, 3, 15), 0),
        (D(2015, 12, 31), D(2026, 1, 1), 10),
        (D(2016, 1, 1), D(2025, 12, 31), 9),
        # 29 February: a year older on 1 March in a common year, on 29 February in a leap year.
        (D(2016, 2, 29), D(2026, 2, 28), 9),
        (D(2016, 2, 29), D(2026, 3, 1), 10),
        (D(2016, 2, 29), D(2028, 2, 28), 11),
        (D(2016, 2, 29), D(2028, 2, 29), 12),
        (D(2016, 2, 29), D(2017, 2, 28), 0),
        (D(2016, 2, 29), D(2017, 3, 1), 1),
        (D(2016, 2, 28), D(2026, 2, 28), 10),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(D(2026, 3, 15), D(2026, 3, 14))


@pytest.mark.parametrize(
    ("born", "conference", "eligible"),
    [
        (D(2016, 3, 15), D(2026, 3, 15), True),  # tenth birthday on the day
        (D(2016, 3, 15), D(2026, 3, 14), False),  # the day before
        (D(2016, 3, 15), D(2026, 3, 16), True),  # the day after
        (D(2016, 2, 29), D(2026, 2, 28), False),
        (D(2016, 2, 29), D(2026, 3, 1), True),
        (D(2009, 1, 1), D(2026, 3, 1), True),  # 17
        (D(2019, 1, 1), D(2026, 3, 1), False),  # a sibling aged 7
        (None, D(2026, 3, 1), False),  # unborn
        (D(2026, 6, 1), D(2026, 3, 1), False),  # expected date of birth still to come
    ],
)
def test_eligible_for_advocacy(born: date | None, conference: date, eligible: bool) -> None:
    assert eligible_for_advocacy(born, conference) is eligible


def test_advocacy_age_is_a_setting() -> None:
    born, conference = D(2019, 1, 1), D(2026, 3, 1)  # aged 7
    assert eligible_for_advocacy(born, conference, Rules(advocacy_min_age=7))
    assert not eligible_for_advocacy(born, conference, Rules(advocacy_min_age=8))
    assert eligible_for_advocacy(D(2026, 3, 1), conference, Rules(advocacy_min_age=0))


def _birthdays_passed(born: date, on: date) -> int:
    """Count birthdays one by one, with a 29 February birthday kept on 1 March in common
    years, as an independent check of the arithmetic."""
    count = 0
    for year in range(born.year + 1, on.year + 1):
        try:
            birthday = born.replace(year=year)
        except ValueError:
            birthday = D(year, 3, 1)
        count += birthday <= on
    return count


@PROPERTY
@given(dates, dates)
def test_age_on_counts_birthdays(a: date, b: date) -> None:
    born, on = sorted((a, b))
    assert age_on(born, on) == _birthdays_passed(born, on)


@PROPERTY
@given(dates, dates)
def test_eligibility_matches_age(born: date, conference: date) -> None:
    expected = born <= conference and age_on(born, conference) >= 10
    assert eligible_for_advocacy(born, conference) is expected


def test_figures_count_referrals_outcomes_and_children_supported() -> None:
    day = D(2026, 11, 25)
    facts = [
        ReferralFact("ann", D(2014, 1, 1), day, True, "accepted", True),
        ReferralFact("ann", D(2014, 1, 1), D(2026, 12, 2), True, "accepted", True),
        ReferralFact("bob", D(2018, 1, 1), day, False, "accepted", True),  # 8: younger
        ReferralFact("cat", D(2017, 1, 1), day, False, "declined", None),
        ReferralFact("dan", D(2012, 1, 1), day, True, "no_response", None),
        ReferralFact("eve", D(2013, 1, 1), day, True, "pending", None),
        ReferralFact("fay", D(2013, 1, 1), day, True, "contacted", False),
    ]
    figures = advocacy_figures(facts)
    assert figures == AdvocacyFigures(
        referrals=7,
        automatic=5,
        by_hand=2,
        pending=1,
        contacted=1,
        accepted=3,
        declined=1,
        no_response=1,
        supported=3,
        children_supported=2,
        younger_children_supported=1,
    )
    assert advocacy_figures([]) == AdvocacyFigures()
    # "Younger" follows the automatic age setting.
    assert advocacy_figures(facts, Rules(advocacy_min_age=14)).younger_children_supported == 2


def test_a_child_younger_at_one_conference_only_is_younger_once() -> None:
    facts = [
        ReferralFact("gil", D(2016, 12, 1), D(2026, 11, 25), False, "accepted", True),  # 9
        ReferralFact("gil", D(2016, 12, 1), D(2026, 12, 2), True, "accepted", True),  # 10
    ]
    figures = advocacy_figures(facts)
    assert (figures.children_supported, figures.younger_children_supported) == (1, 1)


def _details(**changes: object) -> NoticeDetails:
    values: dict[str, object] = {
        "child_name": "Robin Quillfeather",
        "age_label": "10",
        "conference_reference": "CPC-270106-AB2CD",
        "conference_type": "Initial",
        "date": D(2027, 1, 6),
        "start_time": time(13, 30),
        "venue": "Conference Room 1",
        "chair": "Iris Reed",
        "social_worker": "Sam Worker",
        "social_worker_contact": "sam.worker@example.org",
        "automatic": True,
        "reason": None,
        "min_age": 10,
    }
    values.update(changes)
    return NoticeDetails(**values)  # type: ignore[arg-type]


def test_the_referral_e_mail_says_what_the_advocate_needs() -> None:
    subject, body = compose_notice(_details(), "referral")
    assert subject == "Advocacy referral: R.Q., Initial conference 06/01/2027 [CPC-270106-AB2CD]"
    for line in (
        "Child:          Robin Quillfeather, aged 10 on the conference date",
        "Conference:     Initial child protection conference (CPC-270106-AB2CD)",
        "Date and time:  Wednesday 06/01/2027 at 13:30",
        "Venue:          Conference Room 1",
        "Chair:          Iris Reed",
        "Social worker:  Sam Worker (sam.worker@example.org)",
        "Referred:       automatically (aged 10 or over on the conference date)",
    ):
        assert line in body.splitlines()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Robin Quillfeather", "R.Q."),
        ("ann o'neil-ślęzak", "A.O."),
        ("  Unborn   Smith ", "U.S."),
        ("[b]Ann[/b] Smith", "B.S."),
        ("", "?"),
    ],
)
def test_a_subject_names_the_child_by_initials_only(name: str, expected: str) -> None:
    """Subjects show in inbox lists and server logs: no full name, no age."""
    subject, _body = compose_notice(_details(child_name=name, age_label="11"), "referral")
    assert f": {expected}, " in subject
    assert "11" not in subject.replace("06/01/2027", "")
    for word in name.split():
        if len(word) > 1:
            assert word not in subject


@pytest.mark.parametrize(
    ("notice", "starts"),
    [
        ("moved", "Advocacy referral update (conference moved):"),
        ("rebooked", "Advocacy referral (conference re-booked):"),
        ("withdrawn", "Advocacy referral withdrawn:"),
    ],
)
def test_updates_say_what_changed(notice: str, starts: str) -> None:
    subject, body = compose_notice(
        _details(automatic=False, reason="Asked to be heard", age_label="8"),
        notice,
        "Conference cancelled" if notice == "withdrawn" else None,
    )
    assert subject.startswith(starts)
    assert "Referred:       by hand: Asked to be heard" in body
    if notice == "withdrawn":
        assert "Reason: Conference cancelled." in body


@pytest.mark.parametrize(
    ("born", "on", "label"),
    [(None, D(2026, 1, 1), "unborn"), (D(2026, 2, 1), D(2026, 1, 1), "unborn"),
     (D(2025, 6, 1), D(2026, 1, 1), "under 1"), (D(2015, 1, 1), D(2026, 1, 1), "11")],
)  # fmt: skip
def test_age_label(born: date | None, on: date, label: str) -> None:
    assert age_label(born, on) == label


@PROPERTY
@given(born=dates, on=dates, age=st.integers(min_value=1, max_value=18))
def test_the_latest_birth_at_the_referral_age_agrees_with_age_on(
    born: date, on: date, age: int
) -> None:
    """The database's test (born after the date, or not born) is ``age_on``'s, for every
    date of birth and day, 29 February included."""
    rules = Rules(advocacy_min_age=age)
    younger = born > latest_birth_at_referral_age(on, rules)
    assert younger == (born > on or age_on(born, on) < age)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 3, 15), D(2016, 3, 15)),
        (D(2028, 2, 29), D(2018, 2, 28)),  # no 29 February in 2018
        (D(2026, 2, 28), D(2016, 2, 28)),  # a child born 29 February 2016 is still 9
        (D(2024, 2, 29), D(2014, 2, 28)),
    ],
)
def test_latest_birth_at_referral_age(on: date, expected: date) -> None:
    assert latest_birth_at_referral_age(on) == expected


def test_figures_from_counts_take_the_children_as_counted() -> None:
    figures = figures_from_counts(
        [(True, "accepted", True, 3), (False, "declined", None, 2), (True, "pending", False, 1)],
        children_supported=2,
        younger_children_supported=1,
    )
    assert (figures.referrals, figures.automatic, figures.by_hand) == (6, 4, 2)
    assert (figures.accepted, figures.declined, figures.pending, figures.supported) == (3, 2, 1, 3)
    assert (figures.children_supported, figures.younger_children_supported) == (2, 1)
