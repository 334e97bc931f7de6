"""Code lists: every code has a label, and the lookups the screens and reports rely on."""

from __future__ import annotations

import pytest

from siu_tui.domain.codes import (
    ETHNICITIES,
    ChallengeCategory,
    ChallengeLevel,
    ConferenceType,
    EthnicGroup,
    Reason,
    ethnic_group,
)


def test_every_conference_type_has_a_short_label_that_fits_the_list() -> None:
    shorts = [t.short_label for t in ConferenceType]
    assert len(set(shorts)) == len(shorts)
    assert max(len(s) for s in shorts) <= 11


@pytest.mark.parametrize(
    ("code", "trigger"),
    [
        ("initial", "Strategy discussion (s47 start)"),
        ("initial_reconvened", "Strategy discussion (s47 start)"),
        ("initial_transfer_in", "Notification from transferring authority"),
        ("first_review", "Previous held conference"),
    ],
)
def test_trigger_labels(code: str, trigger: str) -> None:
    assert ConferenceType(code).trigger_label == trigger


def test_parse_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'stood' is not one of: not_quorate"):
        Reason.parse("stood")
    assert Reason.parse(" family_request ") is Reason.FAMILY_REQUEST


def test_escalation_goes_up_one_level_at_a_time_and_stops() -> None:
    levels = list(ChallengeLevel)
    assert [level.next for level in levels] == [*levels[1:], None]
    assert [level.rank for level in levels] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("kind", [ChallengeLevel, ChallengeCategory])
def test_challenge_short_labels_are_distinct_and_fit_the_list(kind: type) -> None:
    shorts = [member.short_label for member in kind]
    assert len(set(shorts)) == len(shorts)
    assert max(len(s) for s in shorts) <= 13


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("WBRI", EthnicGroup.WHITE),
        ("wrom", EthnicGroup.WHITE),
        ("MWBC", EthnicGroup.MIXED),
        ("APKN", EthnicGroup.ASIAN),
        ("BAFR", EthnicGroup.BLACK),
        ("CHNE", EthnicGroup.OTHER),
        ("REFU", EthnicGroup.UNDETERMINED),
        ("NOBT", EthnicGroup.UNDETERMINED),
        (None, EthnicGroup.UNDETERMINED),
        ("XXXX", EthnicGroup.UNDETERMINED),
    ],
)
def test_ethnic_groups(code: str | None, group: EthnicGroup) -> None:
    assert ethnic_group(code) is group


def test_the_census_list_is_complete() -> None:
    assert len(ETHNICITIES) == 20


def test_label_of_reads_stored_codes_and_keeps_unknown_ones() -> None:
    from siu_tui.domain.codes import ConferenceStatus, Reason

    assert Reason.label_of("not_quorate") == "Not quorate (key agency absent)"
    assert ConferenceStatus.label_of("stood_down") == "Stood down"
    assert Reason.label_of("retired_code") == "retired_code"
    assert Reason.label_of(None) == ""
