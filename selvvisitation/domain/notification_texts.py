"""The words of each notification, per event, channel and language (issue 14).

Plain Danish an 85-year-old reads, and English. What a channel may carry:
- SMS: only that there is news, and the link. No name, no event, nothing about health:
  a phone's lock screen shows it to anyone nearby.
- E-mail: what kind of news, and a general reason when something was declined (never the
  worker's own words, which may say something about health), and the link. Never a CPR
  number: the texts take no CPR and the test checks every rendered text for one.
- Digital Post: as e-mail; it is delivered to the person's secure mailbox.

Kept here, not in the gettext catalogues, because the worker renders them outside a request
for a recipient whose language is not the request's (and domain/ imports no Flask).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from selvvisitation.domain.notifications import Channel, NotificationEvent

LANGUAGES = ("da", "en")

# The subject line and the body's first sentence, per event and language.
_NEWS: dict[NotificationEvent, dict[str, tuple[str, str]]] = {
    NotificationEvent.SWAP_ACCEPTED: {
        "da": (
            "Dit ønske om at bytte er blevet opfyldt",
            "Hjemmeplejen har byttet hjælpen, som du ønskede.",
        ),
        "en": ("Your wish to swap was met", "The home care swapped the help as you wished."),
    },
    NotificationEvent.SWAP_DECLINED: {
        "da": (
            "Dit ønske om at bytte kunne ikke opfyldes",
            "Hjemmeplejen kunne ikke bytte hjælpen denne gang.",
        ),
        "en": (
            "Your wish to swap could not be met",
            "The home care could not swap the help this time.",
        ),
    },
    NotificationEvent.PRIORITY_MET: {
        "da": (
            "Det, du gerne ville, blev gjort",
            "Hjemmeplejen gjorde det, du bad om til besøget.",
        ),
        "en": ("What you asked for was done", "The home care did what you asked for at the visit."),
    },
    NotificationEvent.PRIORITY_NOT_MET: {
        "da": (
            "Det, du gerne ville, blev ikke gjort",
            "Hjemmeplejen kunne ikke gøre det, du bad om til besøget.",
        ),
        "en": (
            "What you asked for was not done",
            "The home care could not do what you asked for at the visit.",
        ),
    },
    NotificationEvent.MOVE_ACCEPTED: {
        "da": (
            "Dit besøg er flyttet, som du bad om",
            "Hjemmeplejen har sagt ja til at flytte besøget og har flyttet det.",
        ),
        "en": (
            "Your visit was moved as you asked",
            "The home care said yes to moving the visit and has moved it.",
        ),
    },
    NotificationEvent.MOVE_DECLINED: {
        "da": (
            "Dit besøg kunne ikke flyttes",
            "Hjemmeplejen kunne ikke flytte besøget. Det er der, hvor det var.",
        ),
        "en": (
            "Your visit could not be moved",
            "The home care could not move the visit. It stays where it was.",
        ),
    },
    NotificationEvent.VISIT_CANCELLED: {
        "da": ("Et besøg er aflyst", "Hjemmeplejen har aflyst et besøg."),
        "en": ("A visit has been cancelled", "The home care has cancelled a visit."),
    },
    NotificationEvent.VISIT_MOVED: {
        "da": ("Et besøg er flyttet", "Hjemmeplejen har flyttet et besøg til et andet tidspunkt."),
        "en": ("A visit has been moved", "The home care has moved a visit to another time."),
    },
    NotificationEvent.VISIT_DELAYED: {
        "da": ("Et besøg bliver forsinket", "Hjemmeplejen kommer senere end aftalt."),
        "en": ("A visit will be late", "The home care will come later than agreed."),
    },
    NotificationEvent.NEW_MESSAGE: {
        "da": ("Du har fået en ny besked", "Der er kommet en ny besked til dig."),
        "en": ("You have a new message", "A new message has arrived for you."),
    },
    NotificationEvent.DECISION_OR_LETTER: {
        "da": ("Du har fået et brev", "Der er kommet et nyt brev om din hjælp."),
        "en": ("You have a letter", "A new letter about your help has arrived."),
    },
    NotificationEvent.REASSESSMENT_BOOKED: {
        "da": (
            "Visitationen kommer på besøg",
            "Visitationen har aftalt et besøg for at se på din hjælp igen.",
        ),
        "en": (
            "The visitation will visit you",
            "The visitation has booked a visit to look at your help again.",
        ),
    },
    NotificationEvent.RELATIVE_ACTED: {
        "da": ("Din pårørende har gjort noget for dig", "En pårørende har sendt et ønske for dig."),
        "en": ("Your relative acted for you", "A relative sent a wish on your behalf."),
    },
    NotificationEvent.VISIT_CARRIED_OUT: {
        "da": ("Besøget er gennemført", "Hjemmeplejen har været på besøg, som planlagt."),
        "en": ("The visit has been carried out", "The home care has made the visit, as planned."),
    },
}

# The same news told to a relative: about the citizen, by her first name, never "you" or
# "your" for what is hers (issue 12 item 6). Events whose words are neutral are not here.
_NEWS_FOR_RELATIVE: dict[NotificationEvent, dict[str, tuple[str, str]]] = {
    NotificationEvent.SWAP_ACCEPTED: {
        "da": (
            "Ønsket om at bytte hos %(name)s er opfyldt",
            "Hjemmeplejen har byttet hjælpen hos %(name)s, som ønsket.",
        ),
        "en": ("The swap for %(name)s was met", "The home care swapped the help as wished."),
    },
    NotificationEvent.SWAP_DECLINED: {
        "da": (
            "Ønsket om at bytte hos %(name)s kunne ikke opfyldes",
            "Hjemmeplejen kunne ikke bytte hjælpen hos %(name)s denne gang.",
        ),
        "en": (
            "The swap for %(name)s could not be met",
            "The home care could not swap the help this time.",
        ),
    },
    NotificationEvent.PRIORITY_MET: {
        "da": (
            "Det, %(name)s gerne ville, blev gjort",
            "Hjemmeplejen gjorde det, der var bedt om til besøget hos %(name)s.",
        ),
        "en": (
            "What %(name)s asked for was done",
            "The home care did what was asked for at the visit.",
        ),
    },
    NotificationEvent.PRIORITY_NOT_MET: {
        "da": (
            "Det, %(name)s gerne ville, blev ikke gjort",
            "Hjemmeplejen kunne ikke gøre det, der var bedt om til besøget hos %(name)s.",
        ),
        "en": (
            "What %(name)s asked for was not done",
            "The home care could not do what was asked for at the visit.",
        ),
    },
    NotificationEvent.MOVE_ACCEPTED: {
        "da": (
            "Besøget hos %(name)s er flyttet, som der blev bedt om",
            "Hjemmeplejen har sagt ja til at flytte besøget og har flyttet det.",
        ),
        "en": (
            "The visit to %(name)s was moved as asked",
            "The home care said yes to moving the visit and has moved it.",
        ),
    },
    NotificationEvent.MOVE_DECLINED: {
        "da": (
            "Besøget hos %(name)s kunne ikke flyttes",
            "Hjemmeplejen kunne ikke flytte besøget. Det er der, hvor det var.",
        ),
        "en": (
            "The visit to %(name)s could not be moved",
            "The home care could not move the visit. It stays where it was.",
        ),
    },
    NotificationEvent.NEW_MESSAGE: {
        "da": (
            "Der er en ny besked om %(name)s",
            "Der er kommet en ny besked om hjælpen til %(name)s.",
        ),
        "en": ("A new message about %(name)s", "A new message about the help has arrived."),
    },
    NotificationEvent.DECISION_OR_LETTER: {
        "da": (
            "Der er et nyt brev til %(name)s",
            "Der er kommet et nyt brev om hjælpen til %(name)s.",
        ),
        "en": ("A new letter for %(name)s", "A new letter about the help has arrived."),
    },
    NotificationEvent.REASSESSMENT_BOOKED: {
        "da": (
            "Visitationen kommer på besøg hos %(name)s",
            "Visitationen har aftalt et besøg for at se på hjælpen til %(name)s igen.",
        ),
        "en": (
            "The visitation will visit %(name)s",
            "The visitation has booked a visit to look at the help again.",
        ),
    },
}

# What a relative did for the citizen (RELATIVE_ACTED's ``acted``): the opening line instead
# of the general one, so the citizen knows what to look for.
_RELATIVE_ACTED: dict[str, dict[str, str]] = {
    "cancelled_visit": {
        "da": "En pårørende har aflyst et besøg for dig.",
        "en": "A relative cancelled a visit for you.",
    },
    "asked_to_move_visit": {
        "da": "En pårørende har bedt om at flytte et besøg for dig.",
        "en": "A relative asked to move a visit for you.",
    },
}

# Why something was declined, in general words (never the worker's own text: it may hold
# health detail). Keys are DeclineReason and PriorityNotMetReason values.
_REASONS: dict[str, dict[str, str]] = {
    "hygiene": {
        "da": "Medarbejderen vurderede, at det ikke var forsvarligt at undlade hjælpen.",
        "en": "The worker judged that it was not safe to leave out the help.",
    },
    "safety": {
        "da": "Medarbejderen vurderede, at det ikke var forsvarligt.",
        "en": "The worker judged that it was not safe.",
    },
    "work_environment": {
        "da": "Arbejdsmiljøet tillod det ikke.",
        "en": "The working conditions did not allow it.",
    },
    "other": {
        "da": "Du kan læse hvorfor, når du logger ind.",
        "en": "You can read why when you sign in.",
    },
}

_ABOUT_CITIZEN = {
    "da": "Det drejer sig om hjælpen til %(name)s.",
    "en": "This is about the help for %(name)s.",
}
_SEE_MORE = {"da": "Log ind for at se mere: %(link)s", "en": "Sign in to see more: %(link)s"}
_SIGNATURE = {
    "da": "Du får denne besked, fordi du har valgt det. Du kan slå den fra under Underretninger.",
    "en": "You get this message because you chose to. You can turn it off under Notifications.",
}
_SMS = {
    "da": "Der er nyt til dig i Selvvisitation. Log ind for at se det: %(link)s",
    "en": "There is news for you in Selvvisitation. Sign in to see it: %(link)s",
}
_SMS_SUBJECT = {"da": "Nyt i Selvvisitation", "en": "News in Selvvisitation"}


@dataclass(frozen=True)
class RenderedNotification:
    subject: str
    body: str


def language_of(preferred: str | None) -> str:
    """The recipient's language, Danish when she chose none we have."""
    return preferred if preferred in LANGUAGES else "da"


def render(
    event: NotificationEvent,
    channel: Channel,
    language: str,
    params: Mapping[str, object],
    link: str,
) -> RenderedNotification:
    """The subject and text of one notification.

    ``params`` may hold ``reason`` (a reason code), ``acted`` (what a relative did, for
    RELATIVE_ACTED) and ``citizen_first_name`` (set when the recipient is a relative, so she
    knows whose help it is about; never on an SMS).
    """
    language = language_of(language)
    if channel == Channel.SMS:
        return RenderedNotification(_SMS_SUBJECT[language], _SMS[language] % {"link": link})
    name = params.get("citizen_first_name")
    name = name.strip() if isinstance(name, str) else ""
    for_relative = _NEWS_FOR_RELATIVE.get(event) if name else None
    if for_relative is not None:
        subject, opening = (words % {"name": name} for words in for_relative[language])
    else:
        subject, opening = _NEWS[event][language]
    acted = params.get("acted")
    if (
        event == NotificationEvent.RELATIVE_ACTED
        and isinstance(acted, str)
        and acted in _RELATIVE_ACTED
    ):
        opening = _RELATIVE_ACTED[acted][language]
    lines = [opening]
    reason = params.get("reason")
    if isinstance(reason, str) and reason in _REASONS:
        lines.append(_REASONS[reason][language])
    if name:  # whose help it is about, also where the news itself is worded neutrally
        lines.append(_ABOUT_CITIZEN[language] % {"name": name})
    lines.append(_SEE_MORE[language] % {"link": link})
    lines.extend(["", _SIGNATURE[language]])
    return RenderedNotification(subject, "\n".join(lines))
