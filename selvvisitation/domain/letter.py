"""The written decision (afgørelse) as a letter: reasons, legal basis, complaint guidance.

Seed 002 section 6: decisions are written, with reasons, a reference to the legal
rules and complaint guidance with procedure and deadline. Section 17: a complaint
can be oral or written; the municipality reconsiders, and if it changes the decision
the citizen hears within 4 weeks, otherwise the complaint goes to Ankestyrelsen with
the case files. The complaint deadline is 4 weeks from receiving the decision
(retssikkerhedsloven § 67, cited through the policy's legal references).

Pure: plain values in, plain text out (kept on Decision.letter_text), in Danish,
the language of the authority's letter. Headings are lines starting with "## ",
so the same text renders on screen, in print, and in the citizen's area.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from selvvisitation.domain.types import Frequency

HEADING = "## "

FREQUENCY_DA = {
    Frequency.DAILY: "hver dag",
    Frequency.WEEKLY: "hver uge",
    Frequency.EVERY_2_WEEKS: "hver 2. uge",
    Frequency.EVERY_3_WEEKS: "hver 3. uge",
    Frequency.EVERY_5_6_WEEKS: "hver 5.-6. uge",
}
WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@dataclass(frozen=True)
class LetterLine:
    """One granted service as the letter states it."""

    service: str
    minutes: int
    frequency: Frequency
    weekdays: tuple[int, ...] = ()
    start: date | None = None
    end: date | None = None  # a temporary grant (003 "Midlertidig indsats")


@dataclass(frozen=True)
class LetterInput:
    citizen_name: str
    municipality_name: str
    visitation_phone: str
    visitator_name: str
    decided_on: date
    valid_from: date
    version: int
    lines: Sequence[LetterLine]
    previous: Sequence[LetterLine]
    reasons: str
    legal_references: Mapping[str, str]


def danish_date(day: date) -> str:
    return format_date(day, "d. MMMM y", locale="da")


def describe(line: LetterLine) -> str:
    """One service in plain words: "Rengøring: 30 minutter hver uge (mandag)."."""
    text = f"{line.service}: {line.minutes} minutter {FREQUENCY_DA[line.frequency]}"
    if line.weekdays:
        text += " (" + ", ".join(WEEKDAYS_DA[d] for d in line.weekdays) + ")"
    if line.end is not None:
        text += f". Midlertidig til og med {danish_date(line.end)}"
    return text + "."


def changes(previous: Sequence[LetterLine], lines: Sequence[LetterLine]) -> list[str]:
    """What is new, changed or stopped compared with the previous decision."""
    before = {line.service: line for line in previous}
    after = {line.service: line for line in lines}
    result = []
    for name, line in after.items():
        old = before.get(name)
        if old is None:
            result.append(f"Ny: {describe(line)}")
        elif (old.minutes, old.frequency, old.weekdays, old.end) != (
            line.minutes,
            line.frequency,
            line.weekdays,
            line.end,
        ):
            result.append(f"Ændret: {describe(line)} Før: {describe(old)}")
    for name, old in before.items():
        if name not in after:
            result.append(f"Ophører: {old.service}. Før: {describe(old)}")
    return result


def compose(data: LetterInput) -> str:
    """Return the letter: headings start with "## ", paragraphs are split by blank lines."""
    refs = data.legal_references
    parts: list[str] = [
        f"{HEADING}Afgørelse om hjælp i hjemmet",
        f"{data.municipality_name}, {danish_date(data.decided_on)}",
        f"Kære {data.citizen_name}",
        (
            f"Vi har truffet en ny afgørelse om din hjælp (version {data.version}). "
            f"Den gælder fra {danish_date(data.valid_from)}."
        ),
        f"{HEADING}Den hjælp, du får",
        "\n".join(f"- {describe(line)}" for line in data.lines)
        or "Du får ikke længere hjælp i hjemmet.",
    ]
    changed = changes(data.previous, data.lines)
    if changed:
        parts += [f"{HEADING}Det er ændret", "\n".join(f"- {text}" for text in changed)]
    parts += [
        f"{HEADING}Begrundelse",
        data.reasons.strip(),
        f"{HEADING}Lovgrundlag",
        "\n".join(
            f"- {refs[key]}"
            for key in ("home_help", "flexible_home_help", "decision")
            if key in refs
        ),
        f"{HEADING}Fleksibel hjemmehjælp",
        (
            "Du kan bytte den hjælp, du har fået, til anden hjælp inden for den samme tid. "
            "Medarbejderen vurderer hver gang, om det er forsvarligt. "
            + refs.get("cannot_demand_later", "")
        ).strip(),
        f"{HEADING}Sådan klager du",
        (
            "Hvis du ikke er enig i afgørelsen, kan du klage. Du kan klage mundtligt eller "
            f"skriftligt til Visitationen i {data.municipality_name}, telefon "
            f"{data.visitation_phone}."
        ),
        (
            "Du skal klage inden 4 uger efter, at du har modtaget afgørelsen. "
            + refs.get("complaint", "")
        ).strip(),
        (
            "Når vi får din klage, ser vi på sagen igen. Hvis vi ændrer afgørelsen, får du "
            "besked inden 4 uger. Hvis vi fastholder afgørelsen, sender vi din klage videre "
            "til Ankestyrelsen sammen med sagens papirer."
        ),
        "Med venlig hilsen",
        f"{data.visitator_name}\nVisitationen, {data.municipality_name}",
    ]
    return "\n\n".join(part for part in parts if part)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "list" or "paragraph"
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """Split a stored letter into headings, lists and paragraphs for display."""
    result = []
    for chunk in text.split("\n\n"):
        lines = tuple(line for line in chunk.split("\n") if line.strip())
        if not lines:
            continue
        if lines[0].startswith(HEADING):
            result.append(Block("heading", (lines[0][len(HEADING) :],)))
        elif all(line.startswith("- ") for line in lines):
            result.append(Block("list", tuple(line[2:] for line in lines)))
        else:
            result.append(Block("paragraph", lines))
    return result
