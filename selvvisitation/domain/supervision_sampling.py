"""Which citizens the yearly supervision visits (tilsynsbesøg) see (seed 000, "Tilsynsbesøg").

Seed 000 asks, once a year, for a sample of the citizens who receive §83 help:

- each nursing home (plejecenter): about 10 % of the residents, at least 3;
- municipal home care (hjemmeplejen): 5–6 citizens;
- each private provider of practical help: at least 3 citizens;
- picked from the lists of everyone granted help, "with some spread in the amount of
  granted help" (en vis spredning i omfanget af visiteret hjælp).

We spread the sample by cutting the provider's citizens, sorted by granted minutes a
week, into strata of (nearly) equal size and drawing from each stratum at random. The
draw is reproducible: the same seed and the same list give the same sample, so the
sample can be shown again and checked later. A provider with no more citizens than the
sample asks for is visited in full, and the sample says so.

Seed 000 is silent on private providers of personal care only; they get the rule for
private providers (at least 3), the smallest sample the seed names for anyone.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

NURSING_HOME_SHARE_PERCENT = 10  # "ca. 10 % af beboerne for hvert plejecenter"
NURSING_HOME_MINIMUM = 3  # "dog mindst 3 beboere pr. plejecenter"
MUNICIPAL_HOME_CARE_SIZE = (5, 6)  # "svarende til 5-6 borgere i den kommunale hjemmepleje"
PRIVATE_PROVIDER_MINIMUM = 3  # "minimum 3 borgere ved de private leverandører"
MAX_STRATA = 3  # little, some, much granted help


class SampleRule(enum.StrEnum):
    NURSING_HOME = "nursing_home"
    MUNICIPAL_HOME_CARE = "municipal_home_care"
    PRIVATE_PROVIDER = "private_provider"


class PickReason(enum.StrEnum):
    STRATIFIED_DRAW = "stratified_draw"  # drawn at random within its stratum
    WHOLE_PROVIDER = "whole_provider"  # the provider has no more citizens than the sample asks
    REPLACEMENT = "replacement"  # a supervisor swapped a picked citizen (same stratum)


class SamplingError(ValueError):
    """A sample or a swap that breaks the rules; `code` names the reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ProviderProfile:
    is_nursing_home: bool
    is_municipal: bool
    offers_personal_care: bool = True
    offers_practical_help: bool = True


@dataclass(frozen=True)
class Candidate:
    """A citizen granted help by the provider, with the granted minutes a week."""

    citizen_id: int
    weekly_minutes: int


@dataclass(frozen=True)
class Stratum:
    index: int  # 1 = least granted help
    min_minutes: int
    max_minutes: int
    citizen_ids: tuple[int, ...]


@dataclass(frozen=True)
class Pick:
    citizen_id: int
    weekly_minutes: int
    stratum: int
    reason: PickReason


@dataclass(frozen=True)
class Sample:
    rule: SampleRule
    seed: str
    population: int
    target_size: int
    strata: tuple[Stratum, ...]
    picks: tuple[Pick, ...] = field(default=())

    @property
    def takes_everyone(self) -> bool:
        return self.population <= self.target_size

    @property
    def picked_ids(self) -> tuple[int, ...]:
        return tuple(p.citizen_id for p in self.picks)


def rule_for(provider: ProviderProfile) -> SampleRule:
    if provider.is_nursing_home:
        return SampleRule.NURSING_HOME
    if provider.is_municipal:
        return SampleRule.MUNICIPAL_HOME_CARE
    return SampleRule.PRIVATE_PROVIDER


def target_size(rule: SampleRule, population: int) -> int:
    """Return how many citizens the rule asks for (before a small provider caps it)."""
    if rule is SampleRule.NURSING_HOME:
        # "ca. 10 %": rounded up, so the share is never under 10 %; never under 3.
        share = math.ceil(population * NURSING_HOME_SHARE_PERCENT / 100)
        return max(NURSING_HOME_MINIMUM, share)
    if rule is SampleRule.MUNICIPAL_HOME_CARE:
        # 5-6: six, so each of the three strata gives two citizens.
        return MUNICIPAL_HOME_CARE_SIZE[1]
    return PRIVATE_PROVIDER_MINIMUM


def stratify(candidates: Iterable[Candidate]) -> tuple[Stratum, ...]:
    """Cut the citizens, sorted by granted minutes a week, into up to 3 near-equal strata."""
    ordered = sorted(candidates, key=lambda c: (c.weekly_minutes, c.citizen_id))
    count = min(MAX_STRATA, len(ordered))
    strata = []
    start = 0
    for index in range(count):
        size = len(ordered) // count + (1 if index < len(ordered) % count else 0)
        members = ordered[start : start + size]
        start += size
        strata.append(
            Stratum(
                index=index + 1,
                min_minutes=members[0].weekly_minutes,
                max_minutes=members[-1].weekly_minutes,
                citizen_ids=tuple(c.citizen_id for c in members),
            )
        )
    return tuple(strata)


def _allocate(strata: Sequence[Stratum], size: int) -> list[int]:
    """Share `size` picks over the strata in proportion to their size (largest remainder)."""
    total = sum(len(s.citizen_ids) for s in strata)
    exact = [size * len(s.citizen_ids) / total for s in strata]
    counts = [math.floor(x) for x in exact]
    # Leftover picks go to the largest remainders; ties to the stratum with more help,
    # where a failing delivery weighs most on the citizen.
    order = sorted(range(len(strata)), key=lambda i: (-(exact[i] - counts[i]), -i))
    for i in order[: size - sum(counts)]:
        counts[i] += 1
    return counts


def draw_sample(provider: ProviderProfile, candidates: Iterable[Candidate], seed: str) -> Sample:
    """Draw the provider's supervision sample; the same seed and citizens give the same sample."""
    people = sorted(candidates, key=lambda c: (c.weekly_minutes, c.citizen_id))
    if len({c.citizen_id for c in people}) != len(people):
        raise SamplingError("duplicate_citizen")
    rule = rule_for(provider)
    size = target_size(rule, len(people))
    strata = stratify(people)
    minutes = {c.citizen_id: c.weekly_minutes for c in people}
    sample = Sample(rule=rule, seed=seed, population=len(people), target_size=size, strata=strata)
    if sample.takes_everyone:
        picks = [
            Pick(cid, minutes[cid], s.index, PickReason.WHOLE_PROVIDER)
            for s in strata
            for cid in s.citizen_ids
        ]
        return replace(sample, picks=tuple(picks))
    rng = random.Random(seed)  # noqa: S311  (a reproducible draw, not a secret)
    picks = []
    for stratum, count in zip(strata, _allocate(strata, size), strict=True):
        for cid in rng.sample(stratum.citizen_ids, count):
            picks.append(Pick(cid, minutes[cid], stratum.index, PickReason.STRATIFIED_DRAW))
    return replace(sample, picks=tuple(picks))


def replacement_candidates(
    strata: Sequence[Stratum], picked_ids: Iterable[int], citizen_id: int
) -> tuple[int, ...]:
    """Return who may replace `citizen_id`: the not-picked citizens of the same stratum."""
    stratum = next((s for s in strata if citizen_id in s.citizen_ids), None)
    if stratum is None:
        raise SamplingError("not_in_sample")
    taken = set(picked_ids)
    return tuple(cid for cid in stratum.citizen_ids if cid not in taken)


def check_replacement(
    strata: Sequence[Stratum], picked_ids: Iterable[int], out_id: int, in_id: int
) -> Stratum:
    """Raise SamplingError unless `in_id` may replace the picked `out_id`; return the stratum."""
    picked = set(picked_ids)
    if out_id not in picked:
        raise SamplingError("not_picked")
    if in_id in picked:
        raise SamplingError("already_picked")
    if in_id not in replacement_candidates(strata, picked, out_id):
        raise SamplingError("other_stratum")
    return next(s for s in strata if out_id in s.citizen_ids)
