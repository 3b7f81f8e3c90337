"""A new relative in the dialogue: only the citizen gives consent (002 sections 10 and 16;
004 §2.1.1), the relative is recognised by CPR number when signing in with MitID, every
step refuses bad input with a clear Danish message and changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask import url_for
from sqlalchemy import func, select

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, ConsentScope, RelationKind
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Consent, Relative, SwapRequest
from selvvisitation.security.access import Actor
from selvvisitation.services import conversation_store, dialogue_context, dialogue_effects
from selvvisitation.services.mitid_sign_in import person_for
from tests.citizen.dialogue_helpers import current, errors, message_count, say
from tests.clock import MONDAY
from tests.pages import csrf_token, sign_in_citizen, sign_in_relative

pytestmark = pytest.mark.today(MONDAY)

CPR = "0101701234"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def log_text(page) -> str:
    return page.get("citizen.conversation").select_one("#chat-log").get_text(" ", strip=True)


def day(offset: int) -> date:
    return local_today() + timedelta(days=offset)


def typed(value: date) -> str:
    return f"{value.day}-{value.month}-{value.year}"


# The answers of the path, step by step, as a browser without JavaScript posts them.
PATH = (
    ("answer", "consent"),
    ("answer", "new"),
    ("text", "Mette Nielsen"),
    ("answer", "child"),
    ("text", "010170-1234"),
    ("answer", "act"),
    ("answer", "today"),
)


def walk(page, citizen, steps=PATH) -> None:
    page.get("citizen.conversation")
    for field, value in steps:
        say(page, citizen, **{field: value})


def test_the_citizen_adds_a_relative_who_can_then_sign_in(client, page, household):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen)
    last = day(30)
    say(page, citizen, text=typed(last))
    assert current(citizen).step == "relative_confirm"
    log = log_text(page)
    assert "010170-XXXX" in log and "1234" not in log  # the CPR number only masked
    assert "Mette Nielsen logger ind med MitID" in log
    assert count(Consent) == 0  # nothing is saved before the summary is confirmed
    say(page, citizen, answer="save")

    relative = db.session.scalars(select(Relative)).one()
    consent = db.session.scalars(select(Consent)).one()
    assert (relative.name, relative.cpr) == ("Mette Nielsen", CPR)
    assert (consent.citizen_id, consent.relative_id) == (citizen.id, relative.id)
    assert consent.scope == ConsentScope.ACT
    assert (consent.relation, consent.relation_text) == (RelationKind.CHILD, "")
    assert consent.is_active() and consent.revoked_at is None
    # The last day counts in full: the consent ends when the next day begins, in Denmark.
    assert consent.valid_to == datetime.combine(
        last + timedelta(days=1), time(0), tzinfo=ZoneInfo("Europe/Copenhagen")
    )
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.citizen_id == citizen.id,
            AuditEntry.action.in_(("relative_added", "consent_given")),
        )
    ).all()
    assert sorted(actions) == ["consent_given", "relative_added"]
    assert "1234" not in str(current(citizen).state)  # the CPR number is not kept

    log = log_text(page)
    assert "Sådan. Mette Nielsen er på din liste over pårørende" in log
    say(page, citizen, answer="consent")
    soup = page.get("citizen.conversation")
    listed = " ".join(soup.select("#chat-log .app-msg-assistant li")[-1].get_text().split())
    assert listed == (
        "Mette Nielsen (barn): må se din hjælp og handle for dig indtil "
        + format_date(last, "EEEE d. MMMM y", locale="da")
    )
    offered = [label.get_text(strip=True) for label in soup.select("#answer label")]
    assert "Træk samtykket til Mette Nielsen tilbage" in offered

    # MitID finds the relative by CPR number; with the consent they see the citizen's help.
    assert person_for(db.session, {"sub": "mitid-mette", "cpr": CPR}) == (
        ActorKind.RELATIVE,
        relative,
    )
    client.get("/log-ud")
    sign_in_relative(client, relative, citizen)
    assert page.get("citizen.conversation").select_one("#chat-form") is not None


def test_a_consent_from_a_coming_day_is_listed_with_its_first_day(client, page, household):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen, PATH[:-1])
    say(page, citizen, text=typed(day(7)))
    say(page, citizen, answer="none")
    say(page, citizen, answer="save")
    consent = db.session.scalars(select(Consent)).one()
    assert not consent.is_active() and consent.valid_to is None
    say(page, citizen, answer="consent")
    assert "må se din hjælp og handle for dig fra" in log_text(page)
    # Withdrawn before it starts: it never begins.
    say(page, citizen, answer=f"withdraw:{consent.id}")
    say(page, citizen, answer="yes")
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).revoked_at is not None
    assert not db.session.get(Consent, consent.id).is_active(consent.valid_from + timedelta(days=1))


# --- Bad input on every new step: a clear message, nothing changes ------------------------------

STEPS_BEFORE = {
    step: PATH[:n]
    for n, step in (
        (2, "relative_name"),
        (3, "relative_relation"),
        (4, "relative_cpr"),
        (5, "relative_scope"),
        (6, "relative_from"),
        (7, "relative_until"),
    )
}

BAD_INPUT = [
    ("relative_name", {"text": "  "}, "Skriv den pårørendes navn"),
    ("relative_relation", {}, "Vælg jeres relation, eller skriv den"),
    ("relative_relation", {"answer": "cousin"}, "Vælg et af de viste svar"),
    ("relative_cpr", {"text": ""}, "Skriv den pårørendes CPR-nummer"),
    (
        "relative_cpr",
        {"text": "0101-70"},
        "Skriv CPR-nummeret med 10 cifre, for eksempel 010150-1234",
    ),
    (  # ASCII digits only (issue 15, Low 10): "٠" is a digit to \d, not to a CPR number
        "relative_cpr",
        {"text": "٠١٠١٧٠-١٢٣٤"},
        "Skriv CPR-nummeret med 10 cifre, for eksempel 010150-1234",
    ),
    (
        "relative_cpr",
        {"text": "310270-1234"},
        "De første 6 cifre i et CPR-nummer er fødselsdatoen. Tjek dem",
    ),
    ("relative_cpr", {"text": "OWN"}, "Det er dit eget CPR-nummer. Skriv din pårørendes"),
    (
        "relative_cpr",
        {"text": "KNOWN"},
        "Susanne Jensen er allerede på din liste over pårørende. Du kan ændre samtykket under "
        '"Pårørende og samtykke"',
    ),
    ("relative_scope", {}, "Vælg hvad den pårørende må"),
    ("relative_scope", {"answer": "owner"}, "Vælg et af de viste svar"),
    ("relative_from", {}, "Vælg fra i dag, eller skriv den første dag"),
    ("relative_from", {"text": "i morgen"}, "Skriv datoen som dag-måned-år, for eksempel EXAMPLE"),
    ("relative_from", {"text": "YESTERDAY"}, "Den dag er gået. Skriv dagens dato eller en senere"),
    ("relative_until", {"text": "YESTERDAY"}, "Den dag er gået. Skriv dagens dato eller en senere"),
    (
        "relative_until",
        {"text": "32-1-2027"},
        "Skriv datoen som dag-måned-år, for eksempel EXAMPLE",
    ),
    ("relative_confirm", {}, "Vælg om du vil give samtykket"),
    ("relative_confirm", {"answer": "yes"}, "Vælg et af de viste svar"),
]


@pytest.mark.parametrize(("step", "bad", "message"), BAD_INPUT)
def test_bad_input_about_a_new_relative_changes_nothing(
    client, page, household, factories, step, bad, message
):
    citizen = household.citizen
    factories.Consent(
        citizen=citizen, relative=factories.Relative(name="Susanne Jensen", cpr="0202651234")
    )
    sign_in_citizen(client, citizen)
    if step == "relative_confirm":
        walk(page, citizen)
        say(page, citizen, answer="none")
    else:
        walk(page, citizen, STEPS_BEFORE[step])
    assert current(citizen).step == step
    example = day(7)
    values = {
        "OWN": citizen.cpr,
        "KNOWN": "020265-1234",
        "YESTERDAY": typed(day(-1)),
        "EXAMPLE": typed(example),
    }
    bad = {key: values.get(value, value) for key, value in bad.items()}
    message = message.replace("EXAMPLE", typed(example))
    before = (
        message_count(),
        current(citizen).turn,
        count(Relative),
        count(Consent),
        count(AuditEntry),
    )
    response = say(page, citizen, expected_status=200, **bad)
    assert errors(response) == [message]
    assert (
        message_count(),
        current(citizen).turn,
        count(Relative),
        count(Consent),
        count(AuditEntry),
    ) == before
    assert current(citizen).step == step


def test_the_last_day_before_the_first_is_refused(client, page, household):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen, PATH[:-1])
    say(page, citizen, text=typed(day(10)))
    before = message_count()
    response = say(page, citizen, expected_status=200, text=typed(day(5)))
    first = day(10)
    assert errors(response)[0].startswith("Den sidste dag kan ikke ligge før den første dag, ")
    assert str(first.year) in errors(response)[0]
    assert message_count() == before and current(citizen).step == "relative_until"


def test_a_tampered_turn_at_the_confirmation_saves_nothing(client, page, household):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen)
    say(page, citizen, answer="none")
    response = page.post(
        "citizen.conversation_answer", {"answer": "save", "turn": "3"}, expected_status=409
    )
    assert errors(response) == [
        "Det spørgsmål er allerede besvaret. Her er det spørgsmål, der gælder nu"
    ]
    assert count(Relative) == 0 and count(Consent) == 0


def test_the_same_relative_added_meanwhile_in_another_tab_is_refused(
    client, page, household, factories
):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen)
    say(page, citizen, answer="none")
    # Meanwhile, in another tab, the same daughter got a consent.
    factories.Consent(citizen=citizen, relative=factories.Relative(name="Mette N.", cpr=CPR))
    db.session.commit()
    before = (message_count(), count(Relative), count(Consent))
    response = say(page, citizen, expected_status=200, answer="save")
    assert errors(response) == [
        "Mette N. er allerede på din liste over pårørende. Du kan "
        'ændre samtykket under "Pårørende og samtykke"'
    ]
    assert (message_count(), count(Relative), count(Consent)) == before


def test_a_relative_known_from_another_citizen_is_reused(client, page, household, factories):
    other = factories.Consent(relative=factories.Relative(name="Mette Nielsen", cpr=CPR))
    sign_in_citizen(client, household.citizen)
    walk(page, household.citizen)
    say(page, household.citizen, answer="none")
    say(page, household.citizen, answer="save")
    assert count(Relative) == 1
    consent = db.session.scalars(
        select(Consent).where(Consent.citizen_id == household.citizen.id)
    ).one()
    assert consent.relative_id == other.relative_id


# --- Only the citizen: a relative acting for her cannot give others consent -------------------


def test_a_relative_who_may_act_cannot_add_a_relative(client, page, household, factories):
    citizen = household.citizen
    acting = factories.Consent(
        citizen=citizen, scope=ConsentScope.ACT, relative=factories.Relative(name="Susanne Jensen")
    )
    # The citizen starts, and leaves the conversation at the confirmation...
    sign_in_citizen(client, citizen)
    walk(page, citizen)
    say(page, citizen, answer="none")
    client.get("/log-ud")
    # ...and the relative, who shares the conversation, tries to confirm it.
    sign_in_relative(client, acting.relative, citizen)
    before = (message_count(), count(Relative), count(Consent))
    response = say(page, citizen, expected_status=200, answer="save")
    assert errors(response) == ["Kun borgeren selv kan give eller ændre et samtykke"]
    assert (message_count(), count(Relative), count(Consent)) == before


def test_the_relative_is_not_offered_to_add_a_relative(client, page, household, factories):
    acting = factories.Consent(citizen=household.citizen, scope=ConsentScope.ACT)
    sign_in_relative(client, acting.relative, household.citizen)
    page.get("citizen.conversation")
    say(page, household.citizen, answer="consent")
    soup = page.get("citizen.conversation")
    values = [i.get("value") for i in soup.select("#answer input")]
    assert "new" not in values and not any(v.startswith("withdraw") for v in values)
    response = say(page, household.citizen, expected_status=200, answer="new")
    assert errors(response) == ["Vælg et af de viste svar"]


def test_the_service_refuses_a_relative_even_past_the_dialogue(household, factories):
    """The effect itself checks who acts: a relative's request never adds a consent."""
    citizen = household.citizen
    acting = factories.Consent(citizen=citizen, scope=ConsentScope.ACT)
    conversation = conversation_store.start_conversation(
        db.session,
        citizen,
        dialogue_context.build_context(
            db.session, citizen, relative_id=None, may_act=True, language="da"
        ),
    )
    db.session.flush()
    data = {
        "relative_name": "Mette Nielsen",
        "relative_relation": "child",
        "relative_cpr": CPR,
        "relative_scope": "act",
        "relative_from": local_today().isoformat(),
        "relative_until": None,
    }
    as_relative = Actor(kind=ActorKind.RELATIVE, relative=acting.relative, subject=citizen)
    for ctx_is_citizen in (True, False):  # even with a context that says "the citizen"
        ctx = dialogue_context.build_context(
            db.session, citizen, relative_id=None, may_act=True, language="da"
        )
        ctx = type(ctx)(**{**ctx.__dict__, "is_citizen": ctx_is_citizen})
        with pytest.raises(dialogue_effects.EffectRefused) as refused:
            dialogue_effects.add_relative(db.session, conversation, ctx, data, as_relative)
        assert refused.value.message == "Only the citizen can give or change a consent"
    assert count(Relative) == 1 and count(Consent) == 1  # only the acting relative's


# --- A consent narrowed or withdrawn while the relative is in the conversation (issue 4) -------

# What the relative posts next: an answer, "go back one step" or "start over".
POSTS = ("citizen.conversation_answer", "citizen.conversation_back", "citizen.conversation_restart")
ALREADY = "Inger Jensen har ændret, hvad du må"
WHAT_NOW = {
    "narrowed": (
        "Du må nu kun se Inger Jensens hjælp. Du må ikke længere handle på vegne af "
        "Inger Jensen. Derfor blev intet gemt.",
        [
            "Læs samtalen",
            "Se Inger Jensens hjælp og næste besøg",
            "Tal med Inger Jensen, hvis du mener, samtykket skal være anderledes. Kun "
            "Inger Jensen kan ændre det.",
            "Ring til visitationen: 70 10 20 30",
        ],
    ),
    "withdrawn": (
        "Du må ikke længere se Inger Jensens hjælp eller handle på vegne af Inger "
        "Jensen. Derfor blev intet gemt.",
        [
            "Tal med Inger Jensen, hvis du mener, samtykket skal være anderledes. Kun "
            "Inger Jensen kan ændre det.",
            "Ring til visitationen: 70 10 20 30",
        ],
    ),
}


@pytest.mark.parametrize("change", ["narrowed", "withdrawn"])
def test_a_relative_whose_consent_changed_mid_conversation_is_told_so_in_the_dialogue(
    client, page, household, factories, change
):
    """002 sections 10 and 16: a relative acts only with the citizen's consent. When the
    citizen narrows it to "see" or withdraws it while her daughter is in the conversation,
    the daughter's next post is refused (403) in the dialogue's own words: what happened,
    what she can still do, whom to call; nothing is stored (issue 4)."""
    from tests.pages import check_page

    citizen = household.citizen
    consent = factories.Consent(
        citizen=citizen, scope=ConsentScope.ACT, relative=factories.Relative(name="Susanne Jensen")
    )
    sign_in_relative(client, consent.relative, citizen)
    page.get("citizen.conversation")
    say(page, citizen, answer="swap")
    # Meanwhile the citizen changes the consent on her own device (as
    # dialogue_effects.change_consent does).
    consent.revoked_at = datetime.now(ZoneInfo("UTC"))
    if change == "narrowed":
        factories.Consent(citizen=citizen, relative=consent.relative, scope=ConsentScope.SEE)
    db.session.commit()
    before = (
        message_count(),
        current(citizen).turn,
        current(citizen).step,
        count(AuditEntry),
        count(Consent),
    )
    said, next_steps = WHAT_NOW[change]
    for endpoint in POSTS:
        turn = str(current(citizen).turn)
        response = page.post(endpoint, {"answer": "visit", "turn": turn}, expected_status=403)
        soup = check_page(response.get_data(as_text=True))
        notice = soup.select_one(".app-consent-changed")
        assert notice.select_one("h2").get_text(strip=True) == ALREADY
        assert notice.select_one(".alert-text").get_text(" ", strip=True) == said
        assert [
            " ".join(li.get_text(" ", strip=True).split())
            for li in soup.select(".app-consent-changed-next li")
        ] == next_steps
        assert "Du har ikke adgang til denne side" not in soup.get_text()
        # With JavaScript the same words replace the question in place.
        fetched = client.post(
            url_for(endpoint),
            data={"answer": "visit", "turn": turn, "csrf_token": csrf_token(client)},
            headers={"X-Requested-With": "fetch"},
        )
        assert fetched.status_code == 403 and ALREADY in fetched.get_json()["question"]
    assert (
        message_count(),
        current(citizen).turn,
        current(citizen).step,
        count(AuditEntry),
        count(Consent),
    ) == before
    assert count(SwapRequest) == 0


def test_a_relative_coming_back_after_the_consent_was_withdrawn_is_told_so(
    client, page, household, factories
):
    """Reloading the conversation page after the citizen withdrew the consent (002 sections
    10 and 16) gives the same words as an answer would, not a bare "no access"."""
    from tests.pages import check_page

    citizen = household.citizen
    consent = factories.Consent(
        citizen=citizen, scope=ConsentScope.ACT, relative=factories.Relative(name="Susanne Jensen")
    )
    sign_in_relative(client, consent.relative, citizen)
    page.get("citizen.conversation")
    consent.revoked_at = datetime.now(ZoneInfo("UTC"))
    db.session.commit()

    response = client.get(url_for("citizen.conversation"))

    assert response.status_code == 403
    notice = check_page(response.get_data(as_text=True)).select_one(".app-consent-changed")
    assert notice.select_one("h2").get_text(strip=True) == ALREADY
    assert notice.select_one(".alert-text").get_text(" ", strip=True) == WHAT_NOW["withdrawn"][0]


def test_someone_who_never_had_a_consent_gets_the_plain_refusal(client, page, household, factories):
    stranger = factories.Relative(name="Ukendt")
    factories.Consent(relative=stranger)  # another citizen's relative
    sign_in_relative(client, stranger, household.citizen)
    response = page.post(
        "citizen.conversation_answer", {"answer": "swap", "turn": "0"}, expected_status=403
    )
    assert "Inger Jensen" not in response.get_data(as_text=True)
    assert "Du har ikke adgang til denne side" in response.get_data(as_text=True)


# --- A CPR number does not linger in a conversation left unfinished (issue 4) ------------------

AGAIN = (
    "Det er et stykke tid siden, du skrev Mette Nielsens CPR-nummer. For at beskytte det "
    "gemmer vi det ikke i en samtale, der ikke er færdig. Skriv det igen."
)


def left_for(conversation, minutes: int) -> None:
    conversation.updated_at = datetime.now(ZoneInfo("UTC")) - timedelta(minutes=minutes)
    db.session.commit()


def no_cpr_in(conversation) -> bool:
    stored = json.dumps(conversation.state)
    return "0101701234" not in stored and "010170-1234" not in stored


def test_a_cpr_number_left_in_an_unfinished_conversation_is_dropped_and_asked_for_again(
    client, page, household, app
):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen)  # the CPR number written, the consent not saved yet
    assert current(citizen).step == "relative_until" and not no_cpr_in(current(citizen))
    minutes = app.config["PENDING_CPR_MINUTES"]
    left_for(current(citizen), minutes - 1)
    page.get("citizen.conversation")
    assert not no_cpr_in(current(citizen))  # not yet: she may just be slow
    left_for(current(citizen), minutes + 1)
    soup = page.get("citizen.conversation")
    assert no_cpr_in(current(citizen)) and current(citizen).step == "relative_cpr"
    said = [
        " ".join(b.get_text(" ", strip=True).split())
        for b in soup.select("#chat-log .app-msg-assistant")
    ]
    assert said[-1] == "Assistent: " + AGAIN
    assert soup.select_one("#current-question").get_text(strip=True) == (
        "Hvad er CPR-nummeret på Mette Nielsen?"
    )
    # She writes it again, and the path goes on to the consent.
    for field, value in PATH[4:]:
        say(page, citizen, **{field: value})
    say(page, citizen, answer="none")
    say(page, citizen, answer="save")
    assert db.session.scalars(select(Relative)).one().cpr == CPR
    assert no_cpr_in(current(citizen))


def test_an_answer_sent_after_the_number_was_dropped_is_not_used(client, page, household, app):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen)
    say(page, citizen, answer="none")
    left_for(current(citizen), app.config["PENDING_CPR_MINUTES"] + 1)
    response = say(page, citizen, expected_status=409, answer="save")  # an old tab's form
    assert errors(response) == [
        "Det spørgsmål er allerede besvaret. Her er det spørgsmål, der gælder nu"
    ]
    assert count(Consent) == 0 and count(Relative) == 0
    assert no_cpr_in(current(citizen)) and current(citizen).step == "relative_cpr"


def test_the_scheduled_job_drops_cpr_numbers_left_too_long_and_only_those(
    client, page, household, factories, app
):
    """`flask forget-pending-cpr` (cron): open and started-over conversations alike."""
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen)
    left = current(citizen)
    page.post("citizen.conversation_restart", {"turn": str(left.turn)})  # closed, kept
    walk(page, citizen)
    assert no_cpr_in(db.session.get(type(left), left.id))  # starting over keeps no number
    other = factories.Citizen(name="Ib Holm", municipality=citizen.municipality)
    sign_in_citizen(client, other)
    walk(page, other)  # another citizen, busy right now
    left_for(current(citizen), app.config["PENDING_CPR_MINUTES"] + 5)

    result = app.test_cli_runner().invoke(args=["forget-pending-cpr"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Dropped the CPR number from 1 conversation(s)")
    assert no_cpr_in(current(citizen)) and current(citizen).step == "relative_cpr"
    assert current(citizen).messages[-2].text.startswith("It is a while since you wrote")
    assert not no_cpr_in(current(other))  # left alone: not unfinished for long enough
    again = app.test_cli_runner().invoke(args=["forget-pending-cpr"])
    assert again.output.startswith("Dropped the CPR number from 0 conversation(s)")


# --- The relation: a fixed set, shown in the reader's language (issue 4) ----------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("da", ["Mette Nielsen (barn)", "Ole Holm (nevø)", "Åse Berg (ven eller nabo)"]),
        ("en", ["Mette Nielsen (child)", "Ole Holm (nevø)", "Åse Berg (friend or neighbour)"]),
    ],
)
def test_the_list_of_relatives_shows_the_relation_in_the_readers_language(
    client, page, household, factories, language, expected
):
    citizen = household.citizen
    for name, relation, words in (
        ("Mette Nielsen", RelationKind.CHILD, ""),
        ("Ole Holm", RelationKind.OTHER, "nevø"),
        ("Åse Berg", RelationKind.FRIEND, ""),
    ):
        factories.Consent(
            citizen=citizen,
            relation=relation,
            relation_text=words,
            scope=ConsentScope.SEE,
            relative=factories.Relative(name=name),
        )
    sign_in_citizen(client, citizen)
    page.post("public.set_language", {"lang": language, "next": "/"})
    page.get("citizen.conversation")
    say(page, citizen, answer="consent")
    soup = page.get("citizen.conversation")
    listed = [
        " ".join(li.get_text().split()).split(":")[0]
        for li in soup.select("#chat-log .app-msg-assistant li")
    ]
    assert listed[-3:] == expected


def test_a_relation_in_own_words_is_saved_as_other_with_the_words(client, page, household):
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen, PATH[:3])
    response = say(page, citizen, expected_status=200, answer="other")  # "other", no words
    assert errors(response) == ["Skriv hvordan du kender Mette Nielsen"]
    say(page, citizen, text="Min nabo gennem 30 år")
    for field, value in PATH[4:]:
        say(page, citizen, **{field: value})
    say(page, citizen, answer="none")
    say(page, citizen, answer="save")
    consent = db.session.scalars(select(Consent)).one()
    assert (consent.relation, consent.relation_text) == (
        RelationKind.OTHER,
        "Min nabo gennem 30 år",
    )


def test_the_cpr_field_asks_a_phone_for_its_number_keys(client, page, household):
    """Issue 12 item 10: the CPR step's text box carries inputmode="numeric" (and stays a
    text box: type="number" would drop a leading zero and the dash); the name step does not."""
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen, PATH[:2])
    name_box = page.get("citizen.conversation").select_one("input#text")
    assert name_box.get("inputmode") is None
    walk(page, citizen, PATH[2:4])
    cpr_box = page.get("citizen.conversation").select_one("input#text")
    assert (cpr_box.get("inputmode"), cpr_box.get("type")) == ("numeric", "text")


def test_each_line_of_the_consent_summary_can_be_changed(client, page, household):
    # Issue 12 item 10 ("Ændr" on each line of the summary, GOV.UK "Check answers"), for a
    # new relative's consent (seed 002 section 10): going back asks that question again with
    # the answer given then, and the questions after it again; nothing is saved meanwhile.
    citizen = household.citizen
    sign_in_citizen(client, citizen)
    walk(page, citizen, (*PATH, ("answer", "none")))
    assert current(citizen).step == "relative_confirm"
    soup = page.get("citizen.conversation")
    buttons = {
        form.button.get_text(" ", strip=True): form.select_one("[name=to]")["value"]
        for form in soup.select("#chat-log form.app-change")
    }
    assert buttons == {
        "Ændr den pårørendes navn": "relative_name",
        "Ændr hvordan I kender hinanden": "relative_relation",
        "Ændr CPR-nummeret": "relative_cpr",
        "Ændr hvad den pårørende må": "relative_scope",
        "Ændr hvornår samtykket gælder": "relative_from",
    }

    page.post(
        "citizen.conversation_back", {"turn": str(current(citizen).turn), "to": "relative_scope"}
    )
    assert current(citizen).step == "relative_scope"
    soup = page.get("citizen.conversation")
    assert soup.select_one("#answer input[value=act]").has_attr("checked")
    for answer in ("see", "today", "none"):
        say(page, citizen, answer=answer)
    assert current(citizen).step == "relative_confirm"
    say(page, citizen, answer="save")
    consent = db.session.scalars(select(Consent)).one()
    assert consent.scope == ConsentScope.SEE
