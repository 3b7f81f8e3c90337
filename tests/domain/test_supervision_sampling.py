"""The supervision sample, against seed 000 (Thisted), section "Tilsynsbesøg".

"På plejecentre gælder det, at der udføres tilsyn på ca. 10% af beboerne for hvert
plejecenter, dog mindst 3 beboere pr. plejecenter." and "... svarende til 5-6 borgere i
den kommunale hjemmepleje, og minimum 3 borgere ved de private leverandører af praktisk
hjælp. ... det tilstræbes, at der opnås en vis spredning i omfanget af visiteret hjælp".
"""

from __future__ import annotations

import pytest

from selvvisitation.domain.supervision_sampling import (
    Candidate,
    PickReason,
    ProviderProfile,
    SampleRule,
    SamplingError,
    check_replacement,
    draw_sample,
    replacement_candidates,
    stratify,
    target_size,
)

NURSING_HOME = ProviderProfile(is_nursing_home=True, is_municipal=True)
HOME_CARE = ProviderProfile(is_nursing_home=False, is_municipal=True)
PRIVATE_PRACTICAL = ProviderProfile(
    is_nursing_home=False, is_municipal=False, offers_personal_care=False
)


def people(count: int, *, step: int = 15) -> list[Candidate]:
    return [Candidate(citizen_id=100 + i, weekly_minutes=30 + step * i) for i in range(count)]


@pytest.mark.parametrize(
    ("residents", "expected"),
    [
        (10, 3),  # 10 % is 1: at least 3 per nursing home
        (29, 3),
        (30, 3),  # exactly 10 %
        (31, 4),  # "ca. 10 %", rounded up so the share is never below 10 %
        (45, 5),
        (60, 6),
        (120, 12),
    ],
)
def test_a_nursing_home_is_sampled_at_about_ten_percent_and_at_least_three(residents, expected):
    # Seed 000 "Tilsynsbesøg": ca. 10 % af beboerne, dog mindst 3 beboere pr. plejecenter.
    sample = draw_sample(NURSING_HOME, people(residents), seed="2026")
    assert sample.rule is SampleRule.NURSING_HOME
    assert len(sample.picks) == expected
    assert len(set(sample.picked_ids)) == expected


@pytest.mark.parametrize("citizens", [6, 7, 40, 250])
def test_municipal_home_care_gets_five_to_six_citizens(citizens):
    # Seed 000 "Tilsynsbesøg": 5-6 borgere i den kommunale hjemmepleje.
    sample = draw_sample(HOME_CARE, people(citizens), seed="2026")
    assert sample.rule is SampleRule.MUNICIPAL_HOME_CARE
    assert 5 <= len(sample.picks) <= 6


@pytest.mark.parametrize("citizens", [3, 4, 12, 90])
def test_a_private_provider_of_practical_help_gets_at_least_three_citizens(citizens):
    # Seed 000 "Tilsynsbesøg": minimum 3 borgere ved de private leverandører af praktisk hjælp.
    sample = draw_sample(PRIVATE_PRACTICAL, people(citizens), seed="2026")
    assert sample.rule is SampleRule.PRIVATE_PROVIDER
    assert len(sample.picks) == 3


@pytest.mark.parametrize(
    ("provider", "citizens"),
    [
        (PRIVATE_PRACTICAL, 0),
        (PRIVATE_PRACTICAL, 1),
        (PRIVATE_PRACTICAL, 2),
        (NURSING_HOME, 2),
        (HOME_CARE, 4),
        (HOME_CARE, 5),
    ],
)
def test_a_provider_with_fewer_citizens_than_the_rule_asks_is_visited_in_full(provider, citizens):
    # Seed 000: "mindst 3" cannot be met by a provider with 2 citizens; all of them are seen.
    sample = draw_sample(provider, people(citizens), seed="2026")
    assert sample.takes_everyone
    assert sorted(sample.picked_ids) == [c.citizen_id for c in people(citizens)]
    assert all(p.reason is PickReason.WHOLE_PROVIDER for p in sample.picks)


def test_a_provider_with_more_citizens_than_the_rule_asks_is_drawn_at_random():
    sample = draw_sample(PRIVATE_PRACTICAL, people(4), seed="2026")
    assert not sample.takes_everyone
    assert all(p.reason is PickReason.STRATIFIED_DRAW for p in sample.picks)


def test_the_sample_is_spread_over_the_amount_of_granted_help():
    # Seed 000: "det tilstræbes, at der opnås en vis spredning i omfanget af visiteret hjælp".
    sample = draw_sample(HOME_CARE, people(60), seed="spread")
    by_stratum = [sum(1 for p in sample.picks if p.stratum == s.index) for s in sample.strata]
    assert by_stratum == [2, 2, 2]
    minutes = sorted(p.weekly_minutes for p in sample.picks)
    assert minutes[0] <= sample.strata[0].max_minutes
    assert minutes[-1] >= sample.strata[2].min_minutes


def test_a_private_provider_sample_has_one_citizen_from_each_stratum():
    sample = draw_sample(PRIVATE_PRACTICAL, people(30), seed="x")
    assert sorted(p.stratum for p in sample.picks) == [1, 2, 3]


def test_every_picked_citizen_belongs_to_the_stratum_it_is_recorded_in():
    sample = draw_sample(NURSING_HOME, people(47), seed="47")
    strata = {s.index: s for s in sample.strata}
    for pick in sample.picks:
        assert pick.citizen_id in strata[pick.stratum].citizen_ids
        assert strata[pick.stratum].min_minutes <= pick.weekly_minutes
        assert pick.weekly_minutes <= strata[pick.stratum].max_minutes


def test_the_same_seed_gives_the_same_sample_whatever_the_order_of_the_list():
    citizens = people(80)
    first = draw_sample(HOME_CARE, citizens, seed="tilsyn-2026-7")
    again = draw_sample(HOME_CARE, list(reversed(citizens)), seed="tilsyn-2026-7")
    assert first == again


def test_another_seed_gives_another_sample():
    citizens = people(80)
    samples = {draw_sample(HOME_CARE, citizens, seed=f"s{n}").picked_ids for n in range(5)}
    assert len(samples) > 1


def test_strata_are_near_equal_and_ordered_by_granted_minutes():
    strata = stratify(people(10))
    assert [len(s.citizen_ids) for s in strata] == [4, 3, 3]
    assert strata[0].max_minutes < strata[1].min_minutes < strata[2].min_minutes


def test_two_citizens_make_two_strata_and_none_makes_none():
    assert len(stratify(people(2))) == 2
    assert stratify([]) == ()


def test_target_size_of_municipal_home_care_is_six():
    assert target_size(SampleRule.MUNICIPAL_HOME_CARE, 1000) == 6


def test_a_picked_citizen_may_be_replaced_only_from_the_same_stratum():
    sample = draw_sample(HOME_CARE, people(30), seed="swap")
    out = sample.picks[0]
    options = replacement_candidates(sample.strata, sample.picked_ids, out.citizen_id)
    stratum = next(s for s in sample.strata if s.index == out.stratum)
    assert options and set(options) <= set(stratum.citizen_ids)
    assert not set(options) & set(sample.picked_ids)
    assert check_replacement(sample.strata, sample.picked_ids, out.citizen_id, options[0]) == (
        stratum
    )


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("other_stratum", "other_stratum"),
        ("not_picked", "not_picked"),
        ("already_picked", "already_picked"),
    ],
)
def test_a_replacement_that_breaks_the_rule_is_refused_with_its_reason(case, code):
    sample = draw_sample(HOME_CARE, people(30), seed="swap")
    out = sample.picks[0]
    other = next(s for s in sample.strata if s.index != out.stratum)
    not_picked = [c for c in other.citizen_ids if c not in sample.picked_ids]
    if case == "other_stratum":
        args = (out.citizen_id, not_picked[0])
    elif case == "not_picked":
        args = (not_picked[0], not_picked[1])
    else:
        args = (out.citizen_id, sample.picks[1].citizen_id)
    with pytest.raises(SamplingError) as error:
        check_replacement(sample.strata, sample.picked_ids, *args)
    assert error.value.code == code


def test_a_citizen_listed_twice_is_refused():
    with pytest.raises(SamplingError):
        draw_sample(HOME_CARE, [Candidate(1, 10), Candidate(1, 20)], seed="d")
