"""Intent cues for the free-text matcher: the words that say what a message is about.

Split from understanding.py, which reads services and their roles; this module reads what
the citizen asks for when it is not (only) a swap: a wish, a reassessment, her help, her
rights, a relative's access, a person to talk to, help with the page, who has looked at her
data (issue 13). Text given here is already normalised (lower case, å/ø/æ restored).
No Flask imports: this is plain domain code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


def _cue(*alternatives: str) -> re.Pattern[str]:
    """Compile word-bounded alternatives into one pattern."""
    return re.compile(r"(?<![\wæøå])(?:" + "|".join(alternatives) + r")(?![\wæøå])")


_RELATION_WORDS = (
    r"datter(en)?", r"søn(nen)?", r"pårørende", r"kone", r"hustru", r"mand(en)?",
    r"svigerdatter", r"svigersøn", r"barnebarn", r"børnebørn", r"nabo(en)?", r"bror",
    r"søster", r"familie(n)?", r"niece", r"nevø", r"daughter", r"son", r"relatives?",
    r"wife", r"husband", r"family", r"grandson", r"granddaughter", r"nephew", r"neighbou?r",
    r"brother", r"sister", r"children", r"kids", r"mine børn", r"min pige", r"min dreng",
)  # fmt: skip
_RELATIVE = _cue(*_RELATION_WORDS)
_ACCESS = _cue(
    r"se", r"kigge", r"følge med", r"adgang(en)?", r"logge? ind", r"på mine vegne", r"på vegne",
    r"læse med", r"ser", r"see", r"access", r"log in", r"on my behalf", r"look at",
    r"follow", r"keep an eye", r"handle .{0,20}for me", r"ordne det for mig",
    r"bytte for (mig|ham|hende)", r"swap on my behalf", r"act for me",
)  # fmt: skip
_CONSENT = _cue(
    r"samtykke\w*", r"fuldmagt\w*", r"consent\w*", r"power of attorney", r"bisidder",
    r"give \w+( \w+)? adgang", r"giv \w+( \w+)? adgang", r"giver \w+( \w+)? adgang",
    r"(må|skal) (gerne )?(kunne )?(bytte|se|ordne|skrive|ønske) .{0,30}(for mig|mine|min|vegne)",
    r"(lov|ja) til at (se|bytte|følge|ændre)", r"(must|can|may) swap on my behalf",
    r"on my behalf", r"act for me", r"lov (til )?at (se|bytte|følge|ændre)",
    r"bytte for (mig|ham|hende)", r"(let|give) my \w+ (access|act|see)",
    r"\w+ (can|may) swap", r"tilbagekalde \w+ \w* ?adgang", r"withdraw .{0,20}access",
    r"to have access", r"allowed to see",
)  # fmt: skip
_REASSESS = _cue(
    r"mere hjælp", r"mindre hjælp", r"ekstra hjælp", r"flere besøg", r"færre besøg",
    r"klare mig", r"klarer mig", r"klare det selv", r"klarer det selv",
    r"ikke længere .{0,40}passer", r"kan selv \w+ \w+ nu",
    r"revisitation\w*", r"revurder\w*", r"ny vurdering", r"vurdere",
    r"blevet (meget )?(dårligere|bedre|svagere|glemsom)", r"fået det (bedre|værre|dårligere)",
    r"har det dårligere", r"faldet", r"falder", r"brug for mere", r"brug for mindre",
    r"behov for mere", r"ikke nok hjælp", r"for lidt hjælp", r"for meget hjælp",
    r"ikke nok længere", r"passer ikke", r"passer ik", r"ikke længere passer",
    r"visitator\w*", r"visitationen se", r"kan ikke selv", r"kan ikke klare",
    r"more help", r"less help", r"extra help", r"more visits", r"cope", r"can't manage",
    r"cannot manage", r"reassess\w*", r"new assessment", r"not enough help",
    r"too much help", r"worse", r"need more", r"need less", r"fell", r"fallen",
    r"managing (on (her|his|my) own|better)", r"look at my needs", r"review",
    r"doesn't fit", r"does not fit", r"doesn't suit", r"does not suit", r"fit my needs",
    r"søge om", r"nok hjælp", r"mere nu",
)  # fmt: skip
_RIGHTS = _cue(
    r"ret til", r"rettighed\w*", r"klage\w*", r"lov til at bytte", r"regler(ne)?", r"loven",
    r"fleksibel hjemmehjælp", r"fleksibel hjælp", r"ankestyrelsen", r"paragraf\w*",
    r"må de (godt )?(nægte|sige nej|afvise)", r"kan de (godt )?(nægte|sige nej|afvise)",
    r"hvad må jeg", r"right to", r"rights", r"complain\w*", r"allowed to swap", r"entitled",
    r"the rules", r"the law", r"appeal", r"refuse", r"flexible home help", r"what can i swap",
    r"kan man bytte", r"hvordan bytter man", r"hvad kan jeg bytte", r"må jeg bytte",
    r"må (min|mit|mor|far) \w* ?bytte", r"hvad sker der hvis", r"anden leverandør",
    r"bagefter hvis", r"am i allowed",
)  # fmt: skip
_MY_HELP = _cue(
    r"hvad får (jeg|min|mor|far)", r"hvilken hjælp", r"hvornår kommer", r"hvem kommer",
    r"hvad er jeg bevilget", r"min bevilling", r"mit skema", r"hvor meget tid",
    r"hvor mange minutter", r"hvor meget hjælp", r"hvor lang tid har", r"hvad tid kommer",
    r"hvad hjælper de", r"kommer de", r"kommer di", r"kommer hun", r"kommer han",
    r"kommer hjemmehjælpen", r"min hjælp", r"hvad står der", r"hvad hjælp får",
    r"hvad har jeg fået", r"hvad skal de lave", r"hvornår er næste", r"næste besøg",
    r"hvor mange gange", r"vis min hjælp", r"what help do(es)? (i|she|he|mum|dad)",
    r"what do i get", r"when (are|is|do|will) (they|the|she|he|my)", r"who is coming",
    r"my schedule", r"how much (time|help)", r"how many minutes", r"what am i granted",
    r"my help", r"my plan", r"what will they do", r"who comes", r"hvor længe bliver",
    r"what time (do|are|is|will)", r"my next visit", r"show my help",
)  # fmt: skip
# Times of day (issue 13): formiddag, middag, eftermiddag, aften, "ved 10-tiden".
_TIME_OF_DAY = (
    r"(om |i |på )?(morgen|formiddag|middag|eftermiddag|aften|nat)(en|stid|stiden)?",
    r"aft", r"ved \d{1,2}( |-)?tiden", r"\d{1,2}( |-)?tiden", r"omkring (kl\.? ?)?\d{1,2}",
    r"halv \w+ ?tiden", r"klokken", r"kl\.?", r"\d{1,2}[.:]\d{2}", r"\d{1,2} ?(am|pm)",
    r"(efter|før|inden|after|before) (frokost|morgenmad|aftensmad|middag|lunch|breakfast|dinner)",
    r"mid-?morning", r"noon", r"midday", r"in the (morning|afternoon|evening)",
    r"afternoon", r"evening", r"o'clock", r"around \d{1,2}",
)  # fmt: skip
TIME = _cue(*_TIME_OF_DAY, r"\d+", r"morning", r"night")
_WISH = _cue(
    *_TIME_OF_DAY,
    r"tidligere", r"senere", r"samme hjælper", r"samme person", r"samme medarbejder",
    r"fast hjælper", r"faste hjælpere", r"ny hjælper", r"kvindelig", r"mandlig", r"en kvinde",
    r"en mand", r"vane\w*", r"kjole(n)?", r"bluse(n)?", r"skjorte(n)?", r"cardigan\w*",
    r"foretrækker", r"ønsker? mig", r"tidspunkt\w*", r"hjemmesko", r"earlier", r"later",
    r"same carer", r"same helper", r"same person", r"female", r"male", r"a woman", r"a man",
    r"habits?", r"routine", r"dress", r"blouse", r"shirt", r"time",
    r"radio\w*", r"musik\w*", r"music", r"hund(en)?", r"kat(ten)?", r"dog", r"cat",
    r"flyt\w*", r"move", r"ringe? på", r"banke\w* på", r"banker", r"knock",
    r"skoene", r"kaffe(n)?", r"coffee", r"kan det være \w+ der", r"hører dårligt",
)  # fmt: skip
_WANT = _cue(
    r"vil gerne", r"vil have", r"ville gerne", r"kunne jeg", r"kan jeg", r"må jeg",
    r"ønsker", r"gerne have", r"gerne få", r"kan i", r"kan de", r"kunne i", r"kunne de",
    r"kan hjælperen", r"jeg vil", r"vi vil", r"kan nogen", r"kan far", r"kan mor",
    r"can i", r"could i", r"may i", r"i'd like", r"i would like", r"i want", r"i'd love",
    r"please", r"can you", r"could you", r"can they", r"could they", r"can someone",
    r"could someone", r"she would like", r"he would like", r"would like", r"she wants",
    r"he wants", r"hun vil", r"han vil", r"hun ønsker", r"han ønsker", r"kan vi",
)  # fmt: skip
_SWAP_WORD = _cue(r"byt\w*", r"swap\w*", r"switch\w*", r"exchange")
# Talk to a person, or be phoned (issue 13). "ringe på" is the doorbell: a wish.
_CALL_BACK = _cue(
    r"ring\w* (mig|til mig|til min|min|op|til jer|til os|til far|til mor)",
    r"ringes op", r"ringe mig", r"ringe til", r"bare ringe", r"på telefonen",
    r"(tale|snakke) med (et|en|nogen|min|jeres) ?(rigtig|rigtigt)? ?"
    r"(menneske|person|visitator|sagsbehandler|nogen)?",
    r"kontakte mig", r"et menneske", r"rigtig person", r"sagsbehandler",
    r"call me", r"call my", r"ring me", r"phone me", r"phone my", r"(call|phone) (me|us)",
    r"talk to (a|someone|my|somebody|a real)", r"speak to", r"speak with", r"talk with",
    r"a human", r"real person", r"call me back", r"someone phone", r"visitation call",
)  # fmt: skip
# Help with the page itself: one word, or "what can I do here".
_HELP_ALONE = re.compile(r"^\s*(hjælp|help|menu|vejledning|hjælp mig|help me)\s*[!.?]*\s*$")
_HELP = _cue(
    r"hvad kan jeg (her|skrive|gøre her)", r"hvordan (bruger|virker)", r"hvordan det virker",
    r"forstår ikke hvordan", r"forvirret", r"ved ikke hvad jeg skal", r"finde ud af det",
    r"hvad kan du hjælpe", r"what can i (do here|type|write)", r"how (does )?this works?",
    r"how do i use", r"confused", r"don't understand how", r"do not understand how",
)  # fmt: skip
# Who has looked at my data: the access log (issue 13).
_ACCESS_LOG = _cue(
    r"hvem (der )?har (\w+ )?(kigget|set|læst|været inde|åbnet|snaget|adgang og)",
    r"hvem der har (kigget|set|læst)", r"har nogen (set|kigget|læst)", r"loggen",
    r"who (has )?(looked|seen|read|accessed|opened)", r"who looked", r"has anyone (looked|seen)",
    r"accessed my", r"adgangslog\w*", r"access log",
)  # fmt: skip


@dataclass(frozen=True)
class Cues:
    """Which kinds of cue words a message holds."""

    consent: bool
    reassess: bool
    rights: bool
    my_help: bool
    wish: bool
    want: bool
    swap_word: bool
    call_back: bool = False
    help: bool = False
    access_log: bool = False
    time: bool = False


def detect_cues(text: str) -> Cues:
    """Find the intent cue words in normalised text."""
    consent = bool(_CONSENT.search(text)) or bool(_RELATIVE.search(text) and _ACCESS.search(text))
    return Cues(
        consent=consent,
        reassess=bool(_REASSESS.search(text)),
        rights=bool(_RIGHTS.search(text)),
        my_help=bool(_MY_HELP.search(text)),
        wish=bool(_WISH.search(text)),
        want=bool(_WANT.search(text)),
        swap_word=bool(_SWAP_WORD.search(text)),
        call_back=bool(_CALL_BACK.search(text)),
        help=bool(_HELP_ALONE.match(text) or _HELP.search(text)),
        access_log=bool(_ACCESS_LOG.search(text)),
        time=bool(_TIME_OF_DAY_RE.search(text)),
    )


_TIME_OF_DAY_RE = _cue(*_TIME_OF_DAY)

# --- The relative's name, carried over to the consent path -----------------------------

_RELATION_RE = re.compile(r"^(?:" + "|".join(_RELATION_WORDS) + r")$")
_NOT_NAMES = frozenset(
    """
    jeg du han hun vi i de den det dem der min mit mine mig dig sig mor far moster faster
    mormor farmor morfar farfar kone mand skal må kan vil er har give giv giver gerne se
    adgang lov samtykke hej tak the my his her our she he can may is should must to have
    access swap see act få ha lov kunne være bytte mum dad mother father i you we they it
    and og at også ja nej
    hvordan hvad hvem allowed everything alt det hele
    """.split()
)
_NAME_FOLLOWERS = frozenset("må skal kan er har skal can may is should must has".split())


def relative_name(words: Sequence[str]) -> str | None:
    """The relative's first name, when the message writes it ("min datter Lone må ...")."""
    lower = [w.lower() for w in words]

    def name_at(i: int) -> str | None:
        if not 0 <= i < len(words):
            return None
        word = words[i]
        if not word.isalpha() or len(word) < 2 or lower[i] in _NOT_NAMES:
            return None
        if _RELATION_RE.match(lower[i]):
            return None
        return word[0].upper() + word[1:]

    for i, word in enumerate(lower):
        # "min datter Lone", "my daughter Susan", "min svigerdatter Birgit"
        if _RELATION_RE.match(word) and i > 0 and lower[i - 1] in {"min", "mit", "my", "vores"}:
            name = name_at(i + 1) if words[i + 1 : i + 2] and words[i + 1][:1].isupper() else None
            if name:
                return name
    for i, word in enumerate(lower):
        # "Lone må gerne ...", "at mette kan bytte", "Mary is allowed": a written-out name
        # before a modal, capitalised or after "at"/"that".
        if i + 1 < len(lower) and lower[i + 1] in _NAME_FOLLOWERS:
            capitalised = words[i][:1].isupper()
            after_that = i > 0 and lower[i - 1] in {"at", "that"}
            if capitalised or after_that:
                name = name_at(i)
                if name:
                    return name
        # "give Jens adgang", "giv Karen lov"
        if word in {"give", "giv", "giver", "let"} and i + 2 < len(lower):
            if lower[i + 2] in {"adgang", "access", "lov"}:
                name = name_at(i + 1)
                if name:
                    return name
    return None
