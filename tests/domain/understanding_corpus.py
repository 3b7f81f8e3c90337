"""Realistic messages from citizens and relatives, with the reading we expect.

Written as people write: elderly people's words, relatives writing for a parent, typos,
missing æøå, with and without the swap patterns. Codes are from
selvvisitation.demo.esbjerg_catalogue. An item is read right only if intent, drop set and
add set all match. WISH items expect no service codes (the wish is about time or person).
"""

from __future__ import annotations

from dataclasses import dataclass

from selvvisitation.domain.understanding import Intent


@dataclass(frozen=True)
class CorpusItem:
    """One message and the reading we expect."""

    text: str
    language: str
    intent: Intent
    drop: frozenset[str]
    add: frozenset[str]


S, W, R = Intent.SWAP, Intent.WISH, Intent.REASSESSMENT
H, RI, C, U = Intent.MY_HELP, Intent.RIGHTS, Intent.CONSENT, Intent.UNKNOWN


def _da(
    text: str, intent: Intent, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()
) -> CorpusItem:
    """A Danish item."""
    return CorpusItem(text, "da", intent, frozenset(drop), frozenset(add))


def _en(
    text: str, intent: Intent, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()
) -> CorpusItem:
    """An English item."""
    return CorpusItem(text, "en", intent, frozenset(drop), frozenset(add))


DANISH: tuple[CorpusItem, ...] = (
    # hellere X end Y
    _da("Jeg vil hellere gå en tur end få støvsuget", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _da("jeg vil hellere ha en gåtur end støvsugning i dag", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _da(
        "Min mor vil hellere have hjælp i køkkenet end at få skiftet sengetøj",
        S,
        ("PR-SENGETOEJ",),
        ("PR-KOEKKEN",),
    ),
    _da("Jeg vil hellere i bad end have vasket gulv", S, ("PR-GULVVASK",), ("PP-BAD",)),
    _da("vil hellere have handlet end støvsuget denne gang", S, ("PR-STOEVSUG",), ("PR-INDKOEB",)),
    _da(
        "Far vil meget hellere have en snak end at de tørrer støv af",
        S,
        ("PR-STOEV",),
        ("PP-STOETTE",),
    ),
    _da(
        "jeg vil hellre have hjælp til at skrive julekort end gulvvask",
        S,
        ("PR-GULVVASK",),
        ("FL-POST",),
    ),
    _da(
        "Hellere en tur ned til vandet end rengøring af badeværelse på mandag",
        S,
        ("PR-BADEVAER",),
        ("FL-GAATUR",),
    ),
    _da(
        "Jeg vil hellere have syet knapper i min jakke end få skiftet sengetøj",
        S,
        ("PR-SENGETOEJ",),
        ("FL-TOEJREP",),
    ),
    _da("HELLERE BAD END STØVSUGNING!!", S, ("PR-STOEVSUG",), ("PP-BAD",)),
    _da("Jeg foretrækker en gåtur frem for rengøring", S, ("PR-RENG",), ("FL-GAATUR",)),
    _da(
        "jeg vil hellere have mine negle klippet end have ryddet op",
        S,
        ("PR-OPRYD",),
        ("PP-NEGLE",),
    ),
    # X i stedet for Y
    _da("Kan jeg få bad i stedet for rengøring på fredag?", S, ("PR-RENG",), ("PP-BAD",)),
    _da("Kan jeg få indkøbene i stedet for badet", S, ("PP-BAD",), ("PR-INDKOEB",)),
    _da("kunne i handle for mig istedet for at støvsuge", S, ("PR-STOEVSUG",), ("PR-INDKOEB",)),
    _da(
        "Vil gerne have hjælp til at stryge i stedet for tøjvask",
        S,
        ("PR-TOEJVASK",),
        ("FL-STRYGNING",),
    ),
    _da(
        "Kan hjælperen læse min post i stedet for at tømme skraldespanden",
        S,
        ("PR-SKRALD",),
        ("FL-POST",),
    ),
    _da(
        "må jeg få vasket hår i stedet for gulvvask på torsdag",
        S,
        ("PR-GULVVASK",),
        ("PP-HAARVASK",),
    ),
    _da("I stedet for rengøring vil jeg gerne have bad", S, ("PR-RENG",), ("PP-BAD",)),
    _da(
        "I stedet for badet på tirsdag vil jeg gerne have hjælp til at pynte juletræ",
        S,
        ("PP-BAD",),
        ("FL-PYNT",),
    ),
    _da("kan vi gå en lille tur istedet for at gøre rent", S, ("PR-RENG",), ("FL-GAATUR",)),
    _da(
        "Jeg vil gerne have gjort rent i køleskabet i stedet for på badeværelset",
        S,
        ("PR-BADEVAER",),
        ("PR-KOELESKAB",),
    ),
    _da(
        "kan min far få hjælp til at købe nyt tøj i stedet for rengøringen",
        S,
        ("PR-RENG",),
        ("FL-TOEJKOEB",),
    ),
    _da(
        "Kan jeg få sat hår og make-up i stedet for støvsugning, vi skal til fest",
        S,
        ("PR-STOEVSUG",),
        ("FL-HAAR-MAKEUP",),
    ),
    _da("en gåtur i stedet for stovsugning tak", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _da(
        "Jeg vil gerne have skiftet sengetøj i stedet for at få vasket gulvene",
        S,
        ("PR-GULVVASK",),
        ("PR-SENGETOEJ",),
    ),
    _da("vasketøj i stedet for indkøb på fredag", S, ("PR-INDKOEB",), ("PR-TOEJVASK",)),
    _da(
        "Kunne hun ikke få en tur ud i stedet for at få støvsuget?",
        S,
        ("PR-STOEVSUG",),
        ("FL-GAATUR",),
    ),
    _da(
        "Kan jeg få hjælp til mine regninger i stedet for oprydning",
        S,
        ("PR-OPRYD",),
        ("PP-OEKONOMI",),
    ),
    _da("Kan jeg få fodpleje i stedet for at få vasket tøj", S, ("PR-TOEJVASK",), ("PP-FODPLEJE",)),
    # bytte Y med/til X
    _da("Må jeg bytte støvsugningen med en gåtur?", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _da("Kan jeg bytte støvsugnig med en gåtur", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _da("Kan vi bytte rengøringen ud med at handle ind", S, ("PR-RENG",), ("PR-INDKOEB",)),
    _da("jeg vil gerne bytte mit bad til en tur i haven", S, ("PP-BAD",), ("FL-GAATUR",)),
    _da(
        "Kan støvsugningen byttes med hjælp til at skrive et brev?",
        S,
        ("PR-STOEVSUG",),
        ("FL-POST",),
    ),
    _da(
        "Min mor vil gerne bytte gulvvask til at få pyntet op til jul",
        S,
        ("PR-GULVVASK",),
        ("FL-PYNT",),
    ),
    _da("bytte tøjvask med strygning", S, ("PR-TOEJVASK",), ("FL-STRYGNING",)),
    _da(
        "Kan jeg bytte oprydning med at få vandet... nej, med at få skåret negle",
        S,
        ("PR-OPRYD",),
        ("PP-NEGLE",),
    ),
    _da(
        "vil gerne bytte rengøring af badeværelse til rengøring af køleskab",
        S,
        ("PR-BADEVAER",),
        ("PR-KOELESKAB",),
    ),
    _da("Jeg vil bytte min rengøring på onsdag til en gåtur", S, ("PR-RENG",), ("FL-GAATUR",)),
    _da("Kan man bytte indkøb til hjælp med posten", S, ("PR-INDKOEB",), ("FL-POST",)),
    _da(
        "Byt gerne støvsugningen ud med en snak og en kop kaffe",
        S,
        ("PR-STOEVSUG",),
        ("PP-STOETTE",),
    ),
    _da("kan vi bytte sengetøjsskift med at gå en tur", S, ("PR-SENGETOEJ",), ("FL-GAATUR",)),
    _da("Jeg vil gerne bytte mit bad til hjælp med at få tøj på", S, ("PP-BAD",), ("PP-KLAED",)),
    # ikke Y men X
    _da(
        "Jeg vil ikke have støvsuget, men vil gerne have vasket mit hår",
        S,
        ("PR-STOEVSUG",),
        ("PP-HAARVASK",),
    ),
    _da("ikke rengøring i denne uge men en gåtur", S, ("PR-RENG",), ("FL-GAATUR",)),
    _da(
        "Han har ikke brug for gulvvask på fredag, men vil gerne handle",
        S,
        ("PR-GULVVASK",),
        ("PR-INDKOEB",),
    ),
    _da("Ikke noget bad i dag men hjælp til at barbere mig", S, ("PP-BAD",), ("PP-BARBER",)),
    # droppe / springe over / aflyse
    _da(
        "Kan vi springe støvsugningen over og i stedet gå en tur?",
        S,
        ("PR-STOEVSUG",),
        ("FL-GAATUR",),
    ),
    _da(
        "Drop gulvvasken i dag, jeg vil hellere have hjælp til at læse min post",
        S,
        ("PR-GULVVASK",),
        ("FL-POST",),
    ),
    _da("Vi dropper opvasken, jeg vil hellere have en snak", S, ("PP-OPVASK",), ("PP-STOETTE",)),
    _da("Jeg vil gerne aflyse rengøringen på fredag", S, ("PR-RENG",), ()),
    _da("spring indkøbet over i næste uge", S, ("PR-INDKOEB",), ()),
    _da(
        "Jeg vil gerne fravælge støvsugning og i stedet få skiftet sengetøj",
        S,
        ("PR-STOEVSUG",),
        ("PR-SENGETOEJ",),
    ),
    _da("kan i droppe badet på lørdag", S, ("PP-BAD",), ()),
    _da(
        "Drop skraldespanden, jeg klarer den selv, og tag en tur med mig",
        S,
        ("PR-SKRALD",),
        ("FL-GAATUR",),
    ),
    # wished help not in the catalogue: free text
    _da("Jeg vil hellere have klippet hæk end støvsugning", S, ("PR-STOEVSUG",), ()),
    _da("kan jeg få hjælp til at skifte pærer i stedet for rengøring", S, ("PR-RENG",), ()),
    # outside the service level, but in the catalogue
    _da(
        "Jeg vil hellere have vinduerne pudset end støvsugning",
        S,
        ("PR-STOEVSUG",),
        ("XS-VINDUER",),
    ),
    _da("Kan jeg få vasket gardiner i stedet for gulvvask", S, ("PR-GULVVASK",), ("XS-HOVEDRENG",)),
    # plain requests naming a service
    _da("Kan jeg få hjælp til at pynte op til jul?", S, (), ("FL-PYNT",)),
    _da("Jeg vil gerne have en gåtur på søndag", S, (), ("FL-GAATUR",)),
    _da("Kan I hjælpe mig med at sy en knap i min frakke", S, (), ("FL-TOEJREP",)),
    _da("Må jeg få hjælp til at stryge mine skjorter", S, (), ("FL-STRYGNING",)),
    _da("vil gerne bytte noget af min hjælp", S, (), ()),
    # wishes: time, person, clothes, habits
    _da("Jeg vil gerne have bad om aftenen i stedet for om morgenen", W),
    _da("Kan jeg få bad på fredag i stedet for torsdag?", W),
    _da("Kan de komme lidt senere om morgenen, jeg sover længe", W),
    _da("Jeg vil helst have den samme hjælper hver gang", W),
    _da("Jeg ønsker en kvindelig hjælper til badet", W),
    _da("Jeg vil gerne have min blå kjole på om søndagen", W),
    _da("Kan de komme klokken 9 i stedet for klokken 7", W),
    _da("Mor vil gerne have radioen tændt, når de kommer", W),
    _da("Jeg vil gerne have kaffe først, før de begynder, det er min vane", W),
    _da("kan i komme tidligere på tirsdag", W),
    # reassessment
    _da("Jeg kan ikke klare mig selv længere", R),
    _da("Min far er faldet to gange og har brug for mere hjælp", R),
    _da("Jeg har brug for mere hjælp om aftenen", R),
    _da("Jeg klarer det selv nu, så jeg har brug for mindre hjælp", R),
    _da("Kan visitatoren komme ud og se på min hjælp igen", R),
    _da("Hjælpen passer ikke til mig mere", R),
    _da("Jeg vil gerne søge om revisitation", R),
    _da("mor er blevet meget dårligere efter hun var indlagt", R),
    _da("jeg kan ikke klare bad selv mere, jeg har brug for mere hjælp", R),
    # my help
    _da("Hvornår kommer de?", H),
    _da("Hvad får jeg egentlig hjælp til?", H),
    _da("Hvem kommer i morgen tidlig", H),
    _da("Hvor mange minutter har jeg til rengøring", H),
    _da("Hvad står der i min bevilling", H),
    _da("hvornår kommer hjemmehjælpen på fredag", H),
    # rights
    _da("Har jeg ret til at bytte min hjælp?", RI),
    _da("Hvordan klager jeg over en afgørelse", RI),
    _da("Hvad er fleksibel hjemmehjælp", RI),
    _da("Må de godt nægte at bytte?", RI),
    _da("hvad kan jeg bytte til", RI),
    _da("Hvad er reglerne for at bytte", RI),
    # consent
    _da("Min datter skal kunne se min hjælp", C),
    _da("Jeg giver min søn lov til at se mine besøg", C),
    _da("Kan min datter få adgang til at følge med", C),
    _da("Jeg vil gerne give samtykke til at min kone kan se det hele", C),
    _da("Min søn har fuldmagt, kan han ordne det for mig", C),
    # unknown
    _da("Hej", U),
    _da("Tak for i går", U),
    _da("Vejret er godt i dag", U),
)


ENGLISH: tuple[CorpusItem, ...] = (
    _en(
        "I'd rather go for a walk than have the vacuuming done", S, ("PR-STOEVSUG",), ("FL-GAATUR",)
    ),
    _en(
        "I would rather have a shower than have my floors mopped", S, ("PR-GULVVASK",), ("PP-BAD",)
    ),
    _en(
        "Mum would rather have help with her post than the hoovering",
        S,
        ("PR-STOEVSUG",),
        ("FL-POST",),
    ),
    _en(
        "I'd much rather do the shopping than clean the bathroom",
        S,
        ("PR-BADEVAER",),
        ("PR-INDKOEB",),
    ),
    _en("I prefer a walk over the cleaning", S, ("PR-RENG",), ("FL-GAATUR",)),
    _en("Could I have a shower instead of the cleaning on Friday?", S, ("PR-RENG",), ("PP-BAD",)),
    _en("Can they do my shopping instead of vacuuming", S, ("PR-STOEVSUG",), ("PR-INDKOEB",)),
    _en(
        "Instead of the laundry, could I get help with ironing?",
        S,
        ("PR-TOEJVASK",),
        ("FL-STRYGNING",),
    ),
    _en("i want a walk instad of the hovering", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _en(
        "Can my dad get his hair washed instead of having the bed changed",
        S,
        ("PR-SENGETOEJ",),
        ("PP-HAARVASK",),
    ),
    _en("Could she have her nails cut instead of dusting", S, ("PR-STOEV",), ("PP-NEGLE",)),
    _en(
        "Please clean the fridge instead of the bathroom this week",
        S,
        ("PR-BADEVAER",),
        ("PR-KOELESKAB",),
    ),
    _en(
        "Help with decorating for Christmas rather than the washing up",
        S,
        ("PP-OPVASK",),
        ("FL-PYNT",),
    ),
    _en("Can I swap my shower for a walk on Tuesday?", S, ("PP-BAD",), ("FL-GAATUR",)),
    _en(
        "I'd like to swap the vacuuming for help writing a letter",
        S,
        ("PR-STOEVSUG",),
        ("FL-POST",),
    ),
    _en("Could we switch the laundry to shopping", S, ("PR-TOEJVASK",), ("PR-INDKOEB",)),
    _en("Replace the cleaning with a chat please", S, ("PR-RENG",), ("PP-STOETTE",)),
    _en("swap hoovering for a walk", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _en("Can I exchange my bath for help buying clothes", S, ("PP-BAD",), ("FL-TOEJKOEB",)),
    _en("Skip the hoovering and go for a walk instead", S, ("PR-STOEVSUG",), ("FL-GAATUR",)),
    _en("Please skip the vacuuming on Monday", S, ("PR-STOEVSUG",), ()),
    _en(
        "Can we drop the mopping this week and do the shopping instead?",
        S,
        ("PR-GULVVASK",),
        ("PR-INDKOEB",),
    ),
    _en("Not the cleaning but a walk, please", S, ("PR-RENG",), ("FL-GAATUR",)),
    _en("Cancel the laundry on Friday", S, ("PR-TOEJVASK",), ()),
    _en(
        "I'd rather have my windows cleaned than the vacuuming",
        S,
        ("PR-STOEVSUG",),
        ("XS-VINDUER",),
    ),
    _en("I'd rather have the hedge trimmed than the vacuuming", S, ("PR-STOEVSUG",), ()),
    _en("Can I get help decorating the Christmas tree?", S, (), ("FL-PYNT",)),
    _en("Could I have a shower in the evening instead of the morning", W),
    _en("Can they come later in the morning?", W),
    _en("I would like the same carer every time", W),
    _en("I'd prefer a female helper for my shower", W),
    _en("I need more help, I can't cope anymore", R),
    _en("My mother has fallen twice and needs more help", R),
    _en("I'm managing on my own now, I need less help", R),
    _en("When are they coming on Friday?", H),
    _en("What help do I get?", H),
    _en("Who is coming tomorrow", H),
    _en("Am I allowed to swap my help?", RI),
    _en("How do I complain about the decision", RI),
    _en("My daughter should be able to see my visits", C),
    _en("I give my son consent to see my help", C),
    _en("Hello", U),
    _en("Nice weather today", U),
)

CORPUS: tuple[CorpusItem, ...] = DANISH + ENGLISH
