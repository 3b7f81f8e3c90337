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
        *_complaint_and_signature(
            data.municipality_name, data.visitation_phone, data.visitator_name, refs
        ),
    ]
    return "\n\n".join(part for part in parts if part)


def _complaint_and_signature(
    municipality_name: str, visitation_phone: str, visitator_name: str, refs: Mapping[str, str]
) -> list[str]:
    """Complaint guidance (seed 002 sections 6 and 17), the same under both laws."""
    return [
        f"{HEADING}Sådan klager du",
        (
            "Hvis du ikke er enig i afgørelsen, kan du klage. Du kan klage mundtligt eller "
            f"skriftligt til Visitationen i {municipality_name}, telefon "
            f"{visitation_phone}."
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
        f"{visitator_name}\nVisitationen, {municipality_name}",
    ]


# --- a decision under Ældreloven (DOMAIN.md "Ældreloven") -----------------------------------

# **law** ÆL § 10 (helhedspleje) with its elements in § 9 stk. 2; **reading** (DOMAIN.md):
# the letter cites § 10 and § 9 stk. 2 with the same complaint guidance as before. The rules
# for a written decision are forvaltningsloven §§ 22-25 (Serviceloven §§ 88-89 do not apply
# to Ældrelov help). A lawyer should confirm the texts; they are constants, not yet policy data.
AEL_LEGAL_BASIS = (
    "Ældreloven § 10 (helhedspleje), jf. § 9, stk. 2 (personlig hjælp og pleje og praktisk hjælp)"
)
AEL_DECISION_RULES = "Forvaltningslovens §§ 22-25 (begrundelse og klagevejledning)"
AEL_SELF_DETERMINATION = "Ældreloven § 1, stk. 2 (selvbestemmelse)"
AEL_FREE_CHOICE = "Ældreloven § 18 (frit valg af leverandør)"
AEL_NURSING_HOME = "Ældreloven § 21"


@dataclass(frozen=True)
class AelElementLine:
    """One element of the granted forløb and what it means for this citizen."""

    name: str
    meaning: str


@dataclass(frozen=True)
class AelLetterInput:
    citizen_name: str
    municipality_name: str
    visitation_phone: str
    visitator_name: str
    decided_on: date
    valid_from: date
    version: int
    programme_name: str
    programme_description: str
    elements: Sequence[AelElementLine]
    goals: str
    visit_frequency: str
    provider_name: str
    lives_in_nursing_home: bool
    follow_up_date: date | None
    reasons: str
    legal_references: Mapping[str, str]
    # The move from Serviceloven: what she had, and the swaps that end (None: no move).
    previous: Sequence[LetterLine] | None = None
    lapsed_swaps: int = 0
    standing_swaps_end_on: date | None = None


def _move_paragraphs(data: AelLetterInput) -> list[str]:
    """The move from Serviceloven in plain words: before, now, swaps become priorities."""
    if data.previous is None:
        return []
    parts = [
        f"{HEADING}Det er ændret",
        (
            f"Fra {danish_date(data.valid_from)} får du din hjælp efter ældreloven i stedet "
            "for efter serviceloven."
        ),
        "Før fik du disse ydelser, hver med et antal minutter:",
        "\n".join(f"- {describe(line)}" for line in data.previous)
        or "Du fik ikke hjælp i hjemmet.",
        (
            f"Nu får du ét samlet forløb: {data.programme_name}. Der står ikke minutter på "
            "hjælpen. Du og medarbejderen aftaler fra gang til gang, hvad hjælpen skal bruges "
            "til inden for forløbet."
        ),
        (
            "Du kan ikke længere bytte ydelser. I stedet kan du fortælle os, hvad der er "
            'vigtigst for dig ved de næste besøg ("Det vigtigste for mig ved næste besøg").'
        ),
    ]
    if data.standing_swaps_end_on is not None:
        parts.append(
            "Dine faste bytter ophører fra "
            f"{danish_date(data.standing_swaps_end_on)}. Du kan i stedet sætte en prioritet "
            "for en periode."
        )
    if data.lapsed_swaps:
        parts.append(
            (
                "Et bytte, du havde bestilt til et besøg efter ændringen, gælder ikke længere."
                if data.lapsed_swaps == 1
                else f"{data.lapsed_swaps} bytter, du havde bestilt til besøg efter "
                "ændringen, gælder ikke længere."
            )
            + " Du kan i stedet fortælle os, hvad der er vigtigst for dig ved de besøg."
        )
    return parts


def compose_ael(data: AelLetterInput) -> str:
    """The letter for a decision under Ældreloven (ÆL § 10 and § 9 stk. 2): the forløb, its
    goals, how often help comes, who helps; headings start with "## " as in ``compose``."""
    provider = (
        f"Du bor i plejebolig, så hjælpen gives af {data.provider_name}. Her er der ikke frit "
        f"valg af leverandør ({AEL_NURSING_HOME})."
        if data.lives_in_nursing_home
        else (
            f"Hjælpen gives af {data.provider_name}, som du har valgt. Du kan frit vælge "
            "mellem de leverandører, kommunen har godkendt, og skifte, når du vil: ring til "
            f"Visitationen ({AEL_FREE_CHOICE})."
        )
    )
    parts: list[str] = [
        f"{HEADING}Afgørelse om hjælp i hjemmet efter ældreloven",
        f"{data.municipality_name}, {danish_date(data.decided_on)}",
        f"Kære {data.citizen_name}",
        (
            f"Vi har truffet en ny afgørelse om din hjælp (version {data.version}). "
            f"Den gælder fra {danish_date(data.valid_from)}."
        ),
        f"{HEADING}Dit forløb: {data.programme_name}",
        data.programme_description.strip(),
        "Det betyder for dig:",
        "\n".join(f"- {e.name}: {e.meaning.strip()}" for e in data.elements),
        f"{HEADING}Dine mål",
        data.goals.strip(),
        f"{HEADING}Hvor ofte vi kommer",
        data.visit_frequency.strip(),
        f"{HEADING}Hvem der hjælper dig",
        provider,
    ]
    if data.follow_up_date is not None:
        parts += [
            f"{HEADING}Opfølgning",
            f"Vi følger op på dit forløb sammen med dig senest {danish_date(data.follow_up_date)}.",
        ]
    parts += _move_paragraphs(data)
    parts += [
        f"{HEADING}Begrundelse",
        data.reasons.strip(),
        f"{HEADING}Lovgrundlag",
        f"- {AEL_LEGAL_BASIS}\n- {AEL_DECISION_RULES}",
        f"{HEADING}Det vigtigste for dig ved næste besøg",
        (
            "Du bestemmer med, hvad hjælpen bruges til fra gang til gang "
            f"({AEL_SELF_DETERMINATION}). Medarbejderen vurderer hver gang, hvad der er "
            "forsvarligt. Ønsker du hjælp, som forløbet ikke dækker, eller meget mere hjælp, "
            "så kontakt Visitationen: det kræver en ny afgørelse."
        ),
        *_complaint_and_signature(
            data.municipality_name,
            data.visitation_phone,
            data.visitator_name,
            data.legal_references,
        ),
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
