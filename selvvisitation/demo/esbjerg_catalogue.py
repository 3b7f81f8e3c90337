"""Esbjerg Kommune's service catalogue for the demo, built from seed 002.

Seed 002 is Esbjerg's general service level and all its quality standards
(kvalitetsstandarder). Each entry names the standard it comes from and quotes or
paraphrases that standard's row "Borgerens mulighed for at bytte".

The minutes are OUR PLACEHOLDERS: the seeds give levels and frequencies, never
minutes (DOMAIN.md, "Service levels"). Each municipality sets its own.

The Fælles Sprog III (FSIII) codes are indicative only; we fill one in only where
we are confident it applies and leave the rest as None rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from selvvisitation.domain.types import ServiceCategory


@dataclass(frozen=True)
class CatalogueEntry:
    """One service of the municipality's catalogue, in words a citizen knows."""

    code: str  # our stable short code, never shown as the only label
    fsiii_code: str | None  # KL Fælles Sprog III code; indicative, None when unsure
    name_da: str
    name_en: str
    category: ServiceCategory
    swappable: bool  # rule 9: the standard's "Borgerens mulighed for at bytte" row
    flexible_only: bool  # rule 10: offered only through flexible home help or klippekort
    within_service_level: bool  # rule 2: Esbjerg lets citizens swap only within its level
    default_minutes: int  # PLACEHOLDER for the demo; the seeds give no minutes
    description_da: str
    description_en: str
    synonyms_da: tuple[str, ...]
    synonyms_en: tuple[str, ...]
    quality_standard: str  # heading (and sub-heading) of seed 002 the entry comes from
    swap_rule_da: str  # quote/paraphrase of that standard's swap row


_P = ServiceCategory.PERSONAL_CARE
_R = ServiceCategory.PRACTICAL_HELP
_M = ServiceCategory.MEALS
_O = ServiceCategory.OTHER

# The swap rows, quoted from seed 002.
_PP_STD = "Personlige opgaver"
_PP_SWAP = (
    "Ydelse er omfattet af fleksibel hjemmehjælp og kan byttes til anden indsats "
    "indenfor rammerne af Esbjerg Kommunes serviceniveau."
)
_STRUKTUR_STD = "Personlige opgaver – Struktur og sammenhæng"
_RULE10_SWAP = (
    "Lejlighedsvis opgave: tilbydes kun som klippekort eller fleksibel hjemmehjælp "
    "(note ***); kan byttes til inden for Esbjerg Kommunes serviceniveau."
)
_MEAL_STD = "Personlige opgaver – Indtagelse af mad og drikke"
_PR_STD = "Praktiske opgaver"
_PR_SWAP = (
    "Ydelsen kan byttes til anden ydelse indenfor rammerne af Esbjerg Kommunes "
    "serviceniveau jf. retningslinjer om fleksibel hjemmehjælp."
)
_PR_NOT_OFFERED = (
    "Praktiske opgaver, \"Borgeren kan ikke få hjælp til\": uden for serviceniveauet. "
    "Esbjerg lader kun borgeren bytte inden for sit serviceniveau (002 afsnit 8)."
)
# Our reading: the meal-delivery row grants a free choice of provider (delivery or a
# centre café), not a swap; 004 §1.3.3 ties swapping to personal care and practical help.
_MAD_STD = "Madudbringning til hjemmeboende"
_MAD_SWAP = (
    "Ydelsen er omfattet af frit valg af leverandør (borgeren kan vælge levering eller "
    "café på et ældrecenter); den er ikke en del af byttet i fleksibel hjemmehjælp."
)
_SYG_STD = "Sygepleje"
_SYG_SWAP = (
    "Ydelserne justeres løbende, så de svarer til borgerens behov. Ydelserne kan ikke byttes"
)


CATALOGUE: tuple[CatalogueEntry, ...] = (
    # --- Personal care (Personlige opgaver) -------------------------------------------
    CatalogueEntry(
        code="PP-BAD", fsiii_code=None, name_da="Bad", name_en="Shower or wash",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=30,
        description_da="Hjælp til at komme i bad eller blive vasket.",
        description_en="Help to have a shower or a wash.",
        synonyms_da=("bad", "brusebad", "bruse", "gå i bad", "vask", "vasket", "badning",
                     "personlig hygiejne", "vaske mig", "blive vasket", "sengebad", "karbad"),
        synonyms_en=("shower", "bath", "wash", "have a shower", "take a shower", "bathing",
                     "washing me", "personal hygiene", "get washed", "bed bath"),
        quality_standard=f"{_PP_STD} – Personlig hygiejne", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-HAARVASK", fsiii_code=None, name_da="Hårvask", name_en="Hair wash",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at vaske og tørre håret.",
        description_en="Help to wash and dry your hair.",
        synonyms_da=("hårvask", "vaske hår", "vaske håret", "vask af hår", "frisering",
                     "rede hår", "rede håret", "hår vasket", "håret vasket"),
        synonyms_en=("hair wash", "wash my hair", "washing hair", "comb my hair", "hair"),
        quality_standard=f"{_PP_STD} – Personlig hygiejne (frisering/føntørring *)",
        swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-KLAED", fsiii_code=None, name_da="Af- og påklædning",
        name_en="Getting dressed and undressed",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at tage tøjet på og af.",
        description_en="Help to put your clothes on and take them off.",
        synonyms_da=("påklædning", "afklædning", "klæde på", "klæde mig på", "klædt på",
                     "tøj på", "tøjet på", "tøjet af", "klæde af", "klæde om", "omklædning",
                     "støttestrømper"),
        synonyms_en=("getting dressed", "get dressed", "dressing", "undressing",
                     "dressed", "put my clothes on", "clothes on", "compression stockings"),
        quality_standard=f"{_PP_STD} – Af- og påklædning", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-TOILET", fsiii_code=None, name_da="Hjælp til toiletbesøg",
        name_en="Help going to the toilet",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="Hjælp til at komme på toilettet.",
        description_en="Help to get to and use the toilet.",
        synonyms_da=("toiletbesøg", "toilet", "på toilettet", "wc", "tisse", "toiletstol",
                     "bækken", "kolbe"),
        synonyms_en=("toilet", "going to the toilet", "loo", "toilet visit", "commode"),
        quality_standard=f"{_PP_STD} – Toiletbesøg", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-BLE", fsiii_code=None, name_da="Skift af ble", name_en="Changing pads",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="Hjælp til at skifte ble eller bind.",
        description_en="Help to change an incontinence pad.",
        synonyms_da=("ble", "bleskift", "skifte ble", "inkontinens"),
        synonyms_en=("pad", "pads", "incontinence pad", "nappy", "change my pad"),
        quality_standard=f"{_PP_STD} – Skift af ble", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-MUND", fsiii_code=None, name_da="Mundpleje", name_en="Mouth care",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="Hjælp til at børste tænder eller rense tænderne i munden.",
        description_en="Help to brush your teeth or clean your dentures.",
        synonyms_da=("mundpleje", "børste tænder", "tandbørstning", "tænder", "tænderne",
                     "gebis", "tandprotese", "protese"),
        synonyms_en=("mouth care", "brush my teeth", "teeth", "dentures", "brushing teeth"),
        quality_standard=f"{_PP_STD} – Personlig hygiejne", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-BARBER", fsiii_code=None, name_da="Barbering", name_en="Shaving",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="Hjælp til at blive barberet.",
        description_en="Help to have a shave.",
        synonyms_da=("barbering", "barbere", "barberet", "barbermaskine", "skæg", "skægget"),
        synonyms_en=("shave", "shaving", "shaved", "beard", "razor"),
        quality_standard=f"{_PP_STD} – Personlig hygiejne", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-NEGLE", fsiii_code=None, name_da="Klipning af fingernegle",
        name_en="Cutting fingernails",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="Hjælp til at klippe neglene på hænderne.",
        description_en="Help to cut your fingernails.",
        synonyms_da=("negle", "neglene", "klippe negle", "fingernegle", "neglklip"),
        synonyms_en=("nails", "fingernails", "cut my nails", "nail"),
        quality_standard=f"{_PP_STD} – Personlig hygiejne (klipning af fingernegle *)",
        swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-FODPLEJE", fsiii_code=None, name_da="Fodpleje", name_en="Foot care",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Fødderne vaskes og smøres, og tåneglene klippes.",
        description_en="Your feet are washed and creamed, and your toenails cut.",
        synonyms_da=("fodpleje", "fødder", "fødderne", "tånegle", "tåneglene", "fodbad"),
        synonyms_en=("foot care", "feet", "toenails", "my feet"),
        quality_standard=f"{_PP_STD} – Personlig hygiejne (fodpleje **, hver 5.-6. uge)",
        swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-SENGEREDNING", fsiii_code=None, name_da="Sengeredning",
        name_en="Making the bed",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="Hjælp til at rede sengen.",
        description_en="Help to make your bed.",
        synonyms_da=("rede seng", "rede sengen", "sengeredning", "redt seng"),
        synonyms_en=("make the bed", "make my bed", "making the bed", "bed making"),
        quality_standard=f"{_PP_STD} – Sengeredning", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-FORFLYT", fsiii_code=None, name_da="Hjælp op og i seng",
        name_en="Help getting up and to bed",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="Hjælp til at komme op om morgenen og i seng om aftenen.",
        description_en="Help to get out of bed in the morning and into bed at night.",
        synonyms_da=("forflytning", "op af sengen", "komme op", "i seng", "komme i seng",
                     "putte", "puttet", "lift", "stå op"),
        synonyms_en=("get out of bed", "getting up", "get up", "help to bed", "go to bed",
                     "put to bed", "hoist", "transfer"),
        quality_standard=f"{_PP_STD} – Forflytning ved en person", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-MORGENMAD", fsiii_code=None, name_da="Morgenmad", name_en="Breakfast",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at lave og sætte morgenmaden frem.",
        description_en="Help to make and serve your breakfast.",
        synonyms_da=("morgenmad", "morgenmåltid", "morgenmaden", "havregryn", "grød"),
        synonyms_en=("breakfast", "porridge", "morning meal"),
        quality_standard=f"{_MEAL_STD} (morgenmåltid)", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-FROKOST", fsiii_code=None, name_da="Frokost", name_en="Lunch",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at varme og sætte middagsmaden eller smørrebrød frem.",
        description_en="Help to heat and serve your lunch or open sandwiches.",
        synonyms_da=("frokost", "middagsmad", "middagsmåltid", "smørrebrød", "varme maden",
                     "varm mad op"),
        synonyms_en=("lunch", "midday meal", "sandwiches", "heat my food"),
        quality_standard=f"{_MEAL_STD} (middagsmåltid)", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-AFTENSMAD", fsiii_code=None, name_da="Aftensmad", name_en="Evening meal",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at varme og sætte aftensmaden frem.",
        description_en="Help to heat and serve your evening meal.",
        synonyms_da=("aftensmad", "aftensmåltid", "aftensmaden", "aftensmåltidet"),
        synonyms_en=("dinner", "supper", "evening meal"),
        quality_standard=f"{_MEAL_STD} (aftensmåltid)", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-SPISEHJAELP", fsiii_code=None, name_da="Hjælp til at spise og drikke",
        name_en="Help eating and drinking",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Hjælp ved bordet til at spise og drikke.",
        description_en="Help at the table to eat and drink.",
        synonyms_da=("hjælp til at spise", "spisehjælp", "spise", "drikke", "mellemmåltid",
                     "madning"),
        synonyms_en=("help eating", "eating", "drinking", "feeding", "snack"),
        quality_standard=f"{_MEAL_STD} (hjælp til indtagelse, mellemmåltider)",
        swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-OPVASK", fsiii_code=None, name_da="Opvask", name_en="Washing up",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="Hjælp til at vaske op efter maden.",
        description_en="Help to do the dishes after a meal.",
        synonyms_da=("opvask", "vaske op", "opvasken", "opvaskemaskine", "tallerkner"),
        synonyms_en=("washing up", "wash up", "dishes", "the dishes", "dishwasher"),
        # 002 places daily washing-up under meals in Personlige opgaver, not under practical.
        quality_standard=f"{_MEAL_STD} (opvask, oprydning)", swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-STOETTE", fsiii_code=None, name_da="Tryghedsbesøg og en snak",
        name_en="Check-in visit and a chat",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Et kort besøg, hvor vi ser til dig og får en snak.",
        description_en="A short visit to see how you are and have a chat.",
        synonyms_da=("snak", "en snak", "sludder", "selskab", "tilsyn", "tryghedsbesøg",
                     "psykisk støtte", "nogen at snakke med", "hyggesnak", "samtale",
                     "snakke"),
        synonyms_en=("chat", "a chat", "company", "talk", "check-in", "someone to talk to",
                     "conversation"),
        quality_standard=f"{_STRUKTUR_STD} (psykisk hjælp og støtte/tilsyn)",
        swap_rule_da=_PP_SWAP,
    ),
    CatalogueEntry(
        code="PP-OEKONOMI", fsiii_code=None, name_da="Hjælp med regninger",
        name_en="Help with bills",
        category=_P, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at få styr på regninger og penge, hvis familien ikke kan.",
        description_en="Help to keep track of bills and money if family cannot.",
        synonyms_da=("regninger", "betale regninger", "økonomi", "penge", "netbank"),
        synonyms_en=("bills", "pay my bills", "money", "finances", "paperwork"),
        quality_standard=f"{_STRUKTUR_STD} (hjælp til økonomisk administration **)",
        swap_rule_da=_PP_SWAP,
    ),
    # --- Occasional tasks, only via flexible home help or klippekort (rule 10) -------
    CatalogueEntry(
        code="FL-GAATUR", fsiii_code=None, name_da="Gåtur", name_en="A walk",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=30,
        description_da="En tur udenfor sammen med en hjælper.",
        description_en="A walk outside together with a helper.",
        synonyms_da=("gåtur", "gå en tur", "gå tur", "gå ture", "tur ud",
                     "spadseretur", "spadsere", "gå udenfor", "komme ud", "frisk luft",
                     "gå en lille tur", "tur med rollatoren", "luftes", "tur", "går en tur",
                     "gik en tur", "tur i haven", "gå i haven", "tur ved vandet"),
        synonyms_en=("walk", "a walk", "go for a walk", "stroll", "fresh air",
                     "get outside", "go out for a walk"),
        quality_standard=f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: gå tur)",
        swap_rule_da=_RULE10_SWAP,
    ),
    CatalogueEntry(
        code="FL-TOEJKOEB", fsiii_code=None, name_da="Indkøb af tøj",
        name_en="Buying clothes",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=60,
        description_da="Hjælp til at købe nyt tøj.",
        description_en="Help to buy new clothes.",
        synonyms_da=("købe tøj", "indkøb af tøj", "nyt tøj", "tøjbutik", "købe sko",
                     "tøjindkøb", "købe en ny kjole"),
        synonyms_en=("buy clothes", "buying clothes", "clothes shopping", "new clothes",
                     "buy shoes"),
        quality_standard=f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: indkøb af tøj)",
        swap_rule_da=_RULE10_SWAP,
    ),
    CatalogueEntry(
        code="FL-STRYGNING", fsiii_code=None, name_da="Håndvask og strygning",
        name_en="Hand washing and ironing",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=30,
        description_da="Tøj vaskes i hånden eller stryges.",
        description_en="Clothes are washed by hand or ironed.",
        synonyms_da=("strygning", "stryge", "strøget", "stryge skjorter", "strygejern",
                     "vaske i hånden", "håndvask af tøj"),
        synonyms_en=("ironing", "iron", "iron my shirts", "hand wash", "hand washing"),
        quality_standard=(
            f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: håndvask/strygning)"
        ),
        swap_rule_da=_RULE10_SWAP,
    ),
    CatalogueEntry(
        code="FL-TOEJREP", fsiii_code=None, name_da="Små reparationer af tøj",
        name_en="Small clothing repairs",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=20,
        description_da="Hjælp til at sy en knap i eller lappe tøj.",
        description_en="Help to sew on a button or mend clothes.",
        synonyms_da=("sy", "sy en knap", "lappe", "stoppe strømper", "reparere tøj",
                     "sy bukser op", "reparation af tøj", "syet",
                     "sy knapper", "knapper i"),
        synonyms_en=("sew", "sew on a button", "button", "mend", "mending", "repair clothes"),
        quality_standard=(
            f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: mindre reparationer af tøj)"
        ),
        swap_rule_da=_RULE10_SWAP,
    ),
    CatalogueEntry(
        code="FL-HAAR-MAKEUP", fsiii_code=None, name_da="Hår og make-up",
        name_en="Hair setting and make-up",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=20,
        description_da="Hjælp til at rulle eller føntørre håret og lægge make-up.",
        description_en="Help to set or blow-dry your hair and put on make-up.",
        synonyms_da=("make-up", "makeup", "sminke", "sminket", "håroprulning", "rulle håret",
                     "krølle håret", "papillotter", "føn", "føntørre", "sætte håret"),
        synonyms_en=("make-up", "makeup", "curlers", "set my hair", "blow-dry", "blow dry",
                     "do my hair"),
        quality_standard=(
            f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: håroprulning/føn/make-up)"
        ),
        swap_rule_da=_RULE10_SWAP,
    ),
    CatalogueEntry(
        code="FL-PYNT", fsiii_code=None, name_da="Pynte op til højtider",
        name_en="Decorating for holidays",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=30,
        description_da="Hjælp til at pynte op til jul, påske og andre højtider.",
        description_en="Help to decorate for Christmas, Easter and other holidays.",
        synonyms_da=("pynte op", "pynte", "julepynt", "pynte juletræ", "juletræ", "påskepynt",
                     "pynte til jul", "adventskrans"),
        synonyms_en=("decorate", "decorating", "christmas decorations", "christmas tree",
                     "easter decorations", "put up decorations"),
        quality_standard=f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: pynte op til højtider)",
        swap_rule_da=_RULE10_SWAP,
    ),
    CatalogueEntry(
        code="FL-POST", fsiii_code=None, name_da="Læse post og skrive breve",
        name_en="Reading post and writing letters",
        category=_P, swappable=True, flexible_only=True, within_service_level=True,
        default_minutes=20,
        description_da="Hjælp til at læse breve og skrive et brev eller kort.",
        description_en="Help to read your post and write a letter or card.",
        synonyms_da=("læse post", "posten", "post", "breve", "brev", "skrive brev",
                     "skrive breve", "skrive et brev", "julekort", "læse breve", "e-boks"),
        synonyms_en=("post", "mail", "read my post", "read my mail", "letters",
                     "write a letter", "letter", "cards"),
        quality_standard=(
            f"{_STRUKTUR_STD} (lejlighedsvise opgaver ***: læse post/skrive breve)"
        ),
        swap_rule_da=_RULE10_SWAP,
    ),
    # --- Practical help (Praktiske opgaver) -----------------------------------------
    CatalogueEntry(
        code="PR-RENG", fsiii_code=None, name_da="Rengøring", name_en="Cleaning",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=45,
        description_da="Rengøring af de rum, du mest bruger.",
        description_en="Cleaning of the rooms you use most.",
        synonyms_da=("rengøring", "gøre rent", "gjort rent", "rengøre", "let rengøring",
                     "gøre rent hos mig", "praktisk hjælp", "rengøringen",
                     "rengjort", "gøres rent"),
        synonyms_en=("cleaning", "clean", "the cleaning", "housework", "light cleaning",
                     "cleaned"),
        quality_standard=f"{_PR_STD} – Praktiske opgaver (rengøring)", swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-STOEVSUG", fsiii_code=None, name_da="Støvsugning", name_en="Vacuuming",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Støvsugning af gulvene.",
        description_en="Vacuuming the floors.",
        synonyms_da=("støvsugning", "støvsuge", "støvsuget", "støvsuger", "støvsugningen"),
        synonyms_en=("vacuuming", "vacuum", "hoovering", "hoover", "vacuumed"),
        quality_standard=f"{_PR_STD} – Gulvrengøring (støvsugning hver 14. dag)",
        swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-GULVVASK", fsiii_code=None, name_da="Gulvvask", name_en="Washing floors",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Gulvene i gang, bad og køkken vaskes.",
        description_en="The floors in hall, bathroom and kitchen are washed.",
        synonyms_da=("gulvvask", "vaske gulv", "vaske gulvet", "vaske gulve", "gulvene",
                     "moppe", "gulvrengøring", "gulvet"),
        synonyms_en=("mopping", "mop", "wash the floors", "washing floors", "floors",
                     "mop the floor"),
        quality_standard=f"{_PR_STD} – Gulvrengøring (gulvvask hver 14. dag)",
        swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-BADEVAER", fsiii_code=None, name_da="Rengøring af badeværelse",
        name_en="Cleaning the bathroom",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Håndvask, toilet og bruseniche gøres rent.",
        description_en="The basin, toilet and shower are cleaned.",
        synonyms_da=("badeværelse", "badeværelset", "badeværelsesrengøring",
                     "vaske toilettet", "gøre badeværelset rent", "rengøring af badeværelse",
                     "gøre rent på badeværelset", "gjort rent på badeværelset",
                     "rengøre badeværelset", "badeværelset gjort rent"),
        synonyms_en=("bathroom", "clean the bathroom", "bathroom cleaning",
                     "clean the toilet"),
        quality_standard=f"{_PR_STD} – Badeværelse", swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-KOEKKEN", fsiii_code=None, name_da="Rengøring af køkken",
        name_en="Cleaning the kitchen",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Køkkenbord, vask og skabslåger tørres af.",
        description_en="Worktops, sink and cupboard doors are wiped.",
        synonyms_da=("køkken", "køkkenet", "køkkenrengøring", "køkkenbordet",
                     "rengøring af køkken", "gøre rent i køkkenet", "gjort rent i køkkenet",
                     "køkkenet gjort rent", "rengøre køkkenet"),
        synonyms_en=("kitchen", "clean the kitchen", "kitchen cleaning", "worktops"),
        quality_standard=f"{_PR_STD} – Køkken", swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-KOELESKAB", fsiii_code=None, name_da="Rengøring af køleskab",
        name_en="Cleaning the fridge",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Køleskabet vaskes indvendigt, højst en gang om måneden.",
        description_en="The fridge is cleaned inside, at most once a month.",
        synonyms_da=("køleskab", "køleskabet", "rengøring af køleskab", "fryser", "fryseren",
                     "gøre rent i køleskabet", "gjort rent i køleskabet", "rengjort køleskabet",
                     "køleskabet gjort rent", "rengøre køleskabet", "vaske køleskabet"),
        synonyms_en=("fridge", "refrigerator", "clean the fridge", "freezer"),
        quality_standard=f"{_PR_STD} – Køkken (køleskab højst 1 x mdr.)",
        swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-STOEV", fsiii_code=None, name_da="Støve af", name_en="Dusting",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hylder, borde og vindueskarme tørres af.",
        description_en="Shelves, tables and window sills are dusted.",
        synonyms_da=("støve af", "støvet af", "aftørring", "tørre af", "tørre støv af",
                     "støv", "nips"),
        synonyms_en=("dusting", "dust", "wipe down", "wiping"),
        quality_standard=f"{_PR_STD} – Opholdsstue/soveværelse (aftørring)",
        swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-SENGETOEJ", fsiii_code=None, name_da="Skift af sengetøj",
        name_en="Changing the bed linen",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Rent sengetøj på sengen hver 14. dag.",
        description_en="Clean bed linen on your bed every two weeks.",
        synonyms_da=("sengetøj", "sengetøjet", "skifte sengetøj", "rent sengetøj", "linned",
                     "lagen", "lagner", "dynebetræk", "sengelinned"),
        synonyms_en=("bed linen", "sheets", "change the sheets", "change the bed",
                     "clean sheets", "bedding", "bed changed",
                     "sheets changed"),
        quality_standard=f"{_PR_STD} – Skift af sengelinned", swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-TOEJVASK", fsiii_code=None, name_da="Tøjvask", name_en="Laundry",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=30,
        description_da="Tøjet vaskes, tørres og lægges på plads.",
        description_en="Your clothes are washed, dried and put away.",
        synonyms_da=("tøjvask", "vaske tøj", "vask tøj", "vasketøj", "vasketøjet",
                     "vaskemaskine", "vaskemaskinen", "tørretumbler", "vasket tøj",
                     "lægge tøj sammen", "vaskeri", "tøjet vasket"),
        synonyms_en=("laundry", "washing clothes", "wash my clothes", "the washing",
                     "washing machine", "do the washing", "clothes washed"),
        quality_standard=f"{_PR_STD} – Tøjvask", swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-INDKOEB", fsiii_code=None, name_da="Indkøb", name_en="Grocery shopping",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=30,
        description_da="Hjælp til at handle dagligvarer en gang om ugen.",
        description_en="Help with grocery shopping once a week.",
        synonyms_da=("indkøb", "indkøbene", "handle", "handlet", "handle ind", "købmand",
                     "dagligvarer", "varer", "indkøbsliste", "supermarked", "brugsen",
                     "netto"),
        synonyms_en=("shopping", "groceries", "grocery shopping", "do the shopping",
                     "supermarket", "shop", "food shopping"),
        quality_standard=f"{_PR_STD} – Indkøb (1 gang ugentligt)", swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-SKRALD", fsiii_code=None, name_da="Tømme skraldespand",
        name_en="Emptying the bin",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="Skraldespanden tømmes og skraldet bæres ud.",
        description_en="The bin is emptied and the rubbish taken out.",
        synonyms_da=("skraldespand", "skraldespanden", "skrald", "skraldet", "affald",
                     "skraldepose", "tømme skraldespand", "bære skrald ud"),
        synonyms_en=("bin", "bins", "rubbish", "trash", "garbage", "take out the rubbish",
                     "empty the bin"),
        quality_standard=f"{_PR_STD} – Øvrige ydelser (tømning af skraldespand)",
        swap_rule_da=_PR_SWAP,
    ),
    CatalogueEntry(
        code="PR-OPRYD", fsiii_code=None, name_da="Oprydning", name_en="Tidying up",
        category=_R, swappable=True, flexible_only=False, within_service_level=True,
        default_minutes=15,
        description_da="Hjælp til at rydde op i hjemmet.",
        description_en="Help to tidy up your home.",
        synonyms_da=("oprydning", "rydde op", "ryddet op", "orden", "rydde"),
        synonyms_en=("tidying", "tidy up", "tidy", "tidying up", "clear up"),
        quality_standard=f"{_PR_STD} – Moderat praktisk hjælp (oprydning)",
        swap_rule_da=_PR_SWAP,
    ),
    # --- Meals (Madudbringning) -----------------------------------------------------
    CatalogueEntry(
        code="MA-HOVEDRET", fsiii_code=None, name_da="Varm mad bragt ud",
        name_en="Hot meal delivered",
        category=_M, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="En hovedret bliver bragt hjem til dig.",
        description_en="A main course is delivered to your home.",
        synonyms_da=("madudbringning", "madservice", "mad bragt ud", "hovedret", "varm mad",
                     "maden bragt", "udbragt mad", "mad ud af huset"),
        synonyms_en=("meals on wheels", "meal delivery", "hot meal", "main course",
                     "delivered meal"),
        quality_standard=_MAD_STD, swap_rule_da=_MAD_SWAP,
    ),
    CatalogueEntry(
        code="MA-BIRET", fsiii_code=None, name_da="Biret", name_en="Dessert or soup",
        category=_M, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="En dessert eller suppe bragt sammen med hovedretten.",
        description_en="A dessert or soup delivered with the main course.",
        synonyms_da=("biret", "dessert", "desserten", "suppe", "budding", "frugtgrød"),
        synonyms_en=("dessert", "pudding", "soup", "sweet"),
        quality_standard=_MAD_STD, swap_rule_da=_MAD_SWAP,
    ),
    CatalogueEntry(
        code="MA-CAFE", fsiii_code=None, name_da="Varm mad i caféen på ældrecentret",
        name_en="Hot meal at the care centre café",
        category=_M, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="Du spiser den varme ret i caféen på et ældrecenter.",
        description_en="You eat the hot meal in the café at a care centre.",
        synonyms_da=("café", "cafe", "caféen", "spise på centret", "ældrecenter",
                     "spise i caféen"),
        synonyms_en=("cafe", "café", "day centre", "eat at the centre", "care centre"),
        quality_standard=_MAD_STD, swap_rule_da=_MAD_SWAP,
    ),
    # --- Services that cannot be swapped (rule 9) -----------------------------------
    CatalogueEntry(
        code="NK-NOEDKALD", fsiii_code=None, name_da="Nødkald", name_en="Emergency alarm",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=10,
        description_da="En alarm du kan trykke på, så der kommer hjælp døgnet rundt.",
        description_en="An alarm you can press to get help day and night.",
        synonyms_da=("nødkald", "nødkaldet", "alarm", "alarmen", "alarmknap", "nødknap"),
        synonyms_en=("emergency alarm", "alarm", "panic button", "emergency call",
                     "alarm button"),
        quality_standard="Nødkald og telefonindvisitering",
        swap_rule_da="Borgerens mulighed for at bytte ydelsen: Ingen",
    ),
    CatalogueEntry(
        # G1 is the FSIII group "SUL § 138" (Sundhedslov indsatskatalog); indicative only.
        code="SY-SYGEPLEJE", fsiii_code="G1", name_da="Sygepleje", name_en="Home nursing",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=20,
        description_da="Hjemmesygeplejersken hjælper med sår, behandling og sygdom.",
        description_en="The home nurse helps with wounds, treatment and illness.",
        synonyms_da=("sygepleje", "sygeplejerske", "sygeplejersken", "sår", "sårpleje",
                     "forbinding", "insulin", "øjendråber", "kateter", "stomi"),
        synonyms_en=("nursing", "nurse", "home nurse", "wound", "insulin",
                     "eye drops", "catheter", "wound dressing"),
        quality_standard=_SYG_STD, swap_rule_da=_SYG_SWAP,
    ),
    CatalogueEntry(
        code="SY-MEDICIN", fsiii_code=None, name_da="Medicinhjælp",
        name_en="Help with medicine",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=5,
        description_da="Hjælp til at få den rigtige medicin til tiden.",
        description_en="Help to take the right medicine at the right time.",
        synonyms_da=("medicin", "medicinen", "piller", "pillerne", "tabletter",
                     "dosisposer", "medicinhjælp", "doseret medicin"),
        synonyms_en=("medicine", "medication", "pills", "tablets", "meds"),
        # 002 lists medicine dispensing and administration as nursing tasks.
        quality_standard=f"{_SYG_STD} (medicindispensering og medicinadministration)",
        swap_rule_da=_SYG_SWAP,
    ),
    CatalogueEntry(
        code="TR-TRAENING", fsiii_code=None, name_da="Træning", name_en="Training",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=45,
        description_da="Træning så du kan holde dine kræfter ved lige.",
        description_en="Exercise to keep up your strength.",
        synonyms_da=("træning", "træne", "vedligeholdelsestræning", "øvelser",
                     "fysioterapeut", "fysioterapi", "træningen"),
        synonyms_en=("training", "exercise", "exercises", "physio", "physiotherapy"),
        quality_standard="Træning efter Serviceloven",
        swap_rule_da="Ydelsen kan ikke byttes",
    ),
    CatalogueEntry(
        code="GT-GENOPTRAENING", fsiii_code=None, name_da="Genoptræning efter sygehus",
        name_en="Rehabilitation after hospital",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=45,
        description_da="Træning efter en plan fra sygehuset.",
        description_en="Exercise following a plan from the hospital.",
        synonyms_da=("genoptræning", "genoptræningsplan", "genoptræningen"),
        synonyms_en=("rehabilitation", "rehab", "rehabilitation plan"),
        quality_standard="Genoptræning efter Sundhedsloven",
        swap_rule_da="Indsatsen kan ikke byttes til andet end aftalt i genoptræningsplanen.",
    ),
    CatalogueEntry(
        code="HR-HVERDAGSREHAB", fsiii_code=None, name_da="Hverdagsrehabilitering",
        name_en="Everyday reablement",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=30,
        description_da="Et forløb, hvor du lærer at klare hverdagen selv igen.",
        description_en="A short course to learn to manage everyday tasks yourself again.",
        synonyms_da=("hverdagsrehabilitering", "rehabilitering", "rehabiliteringsforløb"),
        synonyms_en=("reablement", "everyday rehabilitation"),
        quality_standard="Hverdagsrehabilitering",
        swap_rule_da="Ydelserne kan ikke byttes",
    ),
    CatalogueEntry(
        code="PB-PLEJEBOLIG", fsiii_code=None, name_da="Plejebolig", name_en="Care home",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=15,  # placeholder only: a housing decision has no visit time
        description_da="En bolig med personale i nærheden hele døgnet.",
        description_en="A home with staff nearby day and night.",
        synonyms_da=("plejebolig", "plejehjem", "plejeboligen", "plejecenter"),
        synonyms_en=("care home", "nursing home"),
        quality_standard="Plejebolig",
        swap_rule_da="Ydelsen kan ikke byttes",
    ),
    CatalogueEntry(
        code="BO-BOERN", fsiii_code=None, name_da="Praktisk hjælp til børn",
        name_en="Practical help with children",
        category=_R, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=30,
        description_da="Hjælp til praktiske opgaver omkring dine børn.",
        description_en="Help with practical tasks for your children.",
        synonyms_da=("børn", "børnene", "hente børn", "børnehave", "vuggestue", "dagpleje",
                     "madpakker til børnene"),
        synonyms_en=("children", "kids", "pick up the kids", "nursery", "kindergarten"),
        quality_standard="Hjælp og støtte til nødvendige praktiske opgaver til børn",
        swap_rule_da=(
            "Ydelsen kan ikke byttes til anden ydelse, da den alene er bevilget til "
            "praktiske opgaver omkring børnene."
        ),
    ),
    CatalogueEntry(
        code="TP-TANDPLEJE", fsiii_code=None, name_da="Omsorgstandpleje",
        name_en="Dental care at home",
        category=_O, swappable=False, flexible_only=False, within_service_level=True,
        default_minutes=30,
        description_da="Tandlægen kommer til dig, hvis du ikke kan komme ud.",
        description_en="A dentist visits you if you cannot get out.",
        synonyms_da=("tandlæge", "tandlægen", "omsorgstandpleje", "tandpleje"),
        synonyms_en=("dentist", "dental care"),
        quality_standard="Omsorgstandpleje",
        swap_rule_da="Ydelse kan ikke byttes",
    ),
    # --- Outside Esbjerg's service level (rule 2) -----------------------------------
    CatalogueEntry(
        code="XS-VINDUER", fsiii_code=None, name_da="Vinduespudsning",
        name_en="Window cleaning",
        category=_R, swappable=False, flexible_only=False, within_service_level=False,
        default_minutes=30,
        description_da="Vinduerne pudses indvendigt og udvendigt.",
        description_en="The windows are cleaned inside and out.",
        synonyms_da=("vinduespudsning", "pudse vinduer", "vinduer", "vinduerne",
                     "vinduesvask", "vaske vinduer"),
        synonyms_en=("window cleaning", "windows", "clean the windows", "wash the windows"),
        quality_standard=f"{_PR_STD} – Borgeren kan ikke få hjælp til (vinduesvask)",
        swap_rule_da=_PR_NOT_OFFERED,
    ),
    CatalogueEntry(
        code="XS-HOVEDRENG", fsiii_code=None, name_da="Hovedrengøring",
        name_en="Spring cleaning",
        category=_R, swappable=False, flexible_only=False, within_service_level=False,
        default_minutes=120,
        description_da="Stor rengøring med gardiner, dyner og sølvtøj.",
        description_en="A big clean including curtains, duvets and silver.",
        synonyms_da=("hovedrengøring", "gardiner", "vaske gardiner", "pudse sølvtøj",
                     "sølvtøj", "kobber"),
        synonyms_en=("spring cleaning", "deep clean", "curtains", "polish the silver"),
        quality_standard=f"{_PR_STD} – Borgeren kan ikke få hjælp til (hovedrengøring)",
        swap_rule_da=_PR_NOT_OFFERED,
    ),
)


def catalogue_by_code() -> dict[str, CatalogueEntry]:
    """Return the catalogue keyed by our stable code."""
    return {entry.code: entry for entry in CATALOGUE}
