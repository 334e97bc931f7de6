"""Quoracy: social care plus enough distinct agencies with direct contact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.codes import Agency
from siu_tui.domain.quoracy import (
    NON_COUNTING_AGENCIES,
    Participant,
    QuoracyResult,
    assess_quoracy,
)
from siu_tui.domain.settings import Rules

from .strategies import PROPERTY

A = Agency
SC = Participant(A.SOCIAL_CARE)


def people(*agencies: Agency | str) -> list[Participant]:
    return [Participant(a) for a in agencies]


def test_social_care_plus_two_is_quorate() -> None:
    result = assess_quoracy([SC, *people(A.POLICE, A.EDUCATION)])
    assert result == QuoracyResult(
        quorate=True,
        social_care_present=True,
        counting=(A.POLICE, A.EDUCATION),
        needed=0,
        not_counting=(),
    )
    assert result.summary == "Quorate: social care + Police, School / education"


def test_social_care_plus_one_is_not() -> None:
    result = assess_quoracy([SC, *people(A.POLICE)])
    assert not result.quorate
    assert result.needed == 1
    assert result.summary == "Not quorate: needs 1 more agency with direct contact"


def test_no_social_care_is_not_quorate_however_many_agencies() -> None:
    result = assess_quoracy(people(A.POLICE, A.EDUCATION, A.GP, A.HOUSING))
    assert not result.quorate
    assert not result.social_care_present
    assert result.needed == 0
    assert result.summary == "Not quorate: social care missing"


def test_social_care_missing_and_short() -> None:
    result = assess_quoracy(people(A.POLICE))
    assert result.summary == (
        "Not quorate: social care missing; needs 1 more agency with direct contact"
    )
    assert assess_quoracy([]).summary == (
        "Not quorate: social care missing; needs 2 more agencies with direct contact"
    )


def test_two_officers_from_one_agency_count_once() -> None:
    result = assess_quoracy([SC, *people(A.POLICE, A.POLICE, A.SOCIAL_CARE)])
    assert not result.quorate
    assert result.counting == (A.POLICE,)
    assert result.needed == 1


def test_school_school_nurse_and_health_visitor_are_three_agencies() -> None:
    result = assess_quoracy([SC, *people(A.SCHOOL_NURSE, A.HEALTH_VISITOR, A.EDUCATION)])
    assert result.quorate
    assert result.counting == (A.HEALTH_VISITOR, A.SCHOOL_NURSE, A.EDUCATION)  # Agency order


@pytest.mark.parametrize(
    "agency",
    [A.FAMILY, A.CHILD, A.ADVOCATE, A.INTERPRETER, A.CLERK, A.CHAIR],
)
def test_people_without_an_agency_view_never_count(agency: Agency) -> None:
    assert agency in NON_COUNTING_AGENCIES
    result = assess_quoracy([SC, Participant(A.POLICE), Participant(agency)])
    assert not result.quorate
    assert result.not_counting == (agency,)


def test_family_advocate_and_clerk_together_do_not_make_quorum() -> None:
    result = assess_quoracy([SC, *people(A.FAMILY, A.FAMILY, A.ADVOCATE, A.CLERK, A.CHAIR)])
    assert not result.quorate
    assert result.counting == ()
    assert result.needed == 2
    assert result.not_counting == (A.FAMILY, A.ADVOCATE, A.CLERK, A.CHAIR)


def test_non_counting_set_is_exactly_the_non_agencies() -> None:
    assert frozenset({A.FAMILY, A.CHILD, A.ADVOCATE, A.INTERPRETER, A.CLERK, A.CHAIR}) == (
        NON_COUNTING_AGENCIES
    )


def test_an_agency_without_direct_contact_does_not_count() -> None:
    result = assess_quoracy(
        [SC, Participant(A.POLICE), Participant(A.HOUSING, direct_contact=False)]
    )
    assert not result.quorate
    assert result.not_counting == (A.HOUSING,)


def test_one_officer_with_direct_contact_is_enough_for_the_agency() -> None:
    result = assess_quoracy(
        [
            SC,
            Participant(A.POLICE, direct_contact=False),
            Participant(A.POLICE, direct_contact=True),
            Participant(A.GP),
        ]
    )
    assert result.quorate
    assert result.counting == (A.POLICE, A.GP)
    assert result.not_counting == ()


def test_other_counts_once_and_only_with_direct_contact() -> None:
    assert not assess_quoracy([SC, *people(A.OTHER, A.OTHER)]).quorate
    assert assess_quoracy([SC, *people(A.OTHER, A.GP)]).quorate
    without = assess_quoracy([SC, Participant(A.OTHER, False), Participant(A.GP)])
    assert not without.quorate
    assert without.not_counting == (A.OTHER,)


def test_social_care_counts_present_even_when_marked_without_direct_contact() -> None:
    result = assess_quoracy([Participant(A.SOCIAL_CARE, False), *people(A.POLICE, A.GP)])
    assert result.quorate
    assert A.SOCIAL_CARE not in result.not_counting


def test_codes_are_accepted_and_unknown_codes_refused() -> None:
    result = assess_quoracy(people("social_care", "police", " gp "))
    assert result.quorate
    assert Participant("police").agency is A.POLICE
    with pytest.raises(ValueError, match="'teacher' is not one of"):
        Participant("teacher")


@pytest.mark.parametrize(
    ("needed_setting", "others", "quorate", "summary"),
    [
        (0, (), True, "Quorate: social care"),
        (1, (A.GP,), True, "Quorate: social care + GP"),
        (3, (A.GP, A.POLICE), False, "Not quorate: needs 1 more agency with direct contact"),
        (3, (A.GP, A.POLICE, A.CAMHS), True, None),
    ],
)
def test_custom_rules(
    needed_setting: int, others: tuple[Agency, ...], quorate: bool, summary: str | None
) -> None:
    rules = Rules(quoracy_other_agencies=needed_setting)
    result = assess_quoracy([SC, *people(*others)], rules)
    assert result.quorate is quorate
    if summary is not None:
        assert result.summary == summary


def test_accepts_any_iterable() -> None:
    assert assess_quoracy(p for p in [SC, *people(A.GP, A.POLICE)]).quorate


# Properties -------------------------------------------------------------------------------

participants = st.lists(
    st.builds(Participant, st.sampled_from(list(Agency)), st.booleans()), max_size=12
)


@PROPERTY
@given(participants, st.randoms())
def test_order_and_repeats_do_not_matter(group: list[Participant], rnd: object) -> None:
    shuffled = [*group, *group]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert assess_quoracy(shuffled) == assess_quoracy(group)


@PROPERTY
@given(participants, st.integers(min_value=0, max_value=5))
def test_quorate_means_social_care_and_enough_distinct_counting_agencies(
    group: list[Participant], needed_setting: int
) -> None:
    result = assess_quoracy(group, Rules(quoracy_other_agencies=needed_setting))
    distinct = {
        p.agency
        for p in group
        if p.direct_contact and p.agency not in NON_COUNTING_AGENCIES | {A.SOCIAL_CARE}
    }
    assert set(result.counting) == distinct
    assert result.needed == max(0, needed_setting - len(distinct))
    assert result.social_care_present == any(p.agency is A.SOCIAL_CARE for p in group)
    assert result.quorate == (result.social_care_present and len(distinct) >= needed_setting)
    assert not set(result.counting) & set(result.not_counting)
    assert result.summary.startswith("Quorate" if result.quorate else "Not quorate")
