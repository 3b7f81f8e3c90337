"""Talking to the citizen's dialogue in a real browser, in Danish or English, with
JavaScript on or off.

The words a user reads and presses are in one small table per language (``WORDS``), so
a path is written once and run in both: a Danish run proves the Danish user sees Danish
(the table is typed by hand, not looked up in the catalogue under test).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlalchemy import select

from selvvisitation.extensions import db
from selvvisitation.models import Service, SwapLine

QUESTION = "#current-question"
TURN = "#chat-form [name=turn]"


@dataclass(frozen=True)
class Words:
    # The page and its controls
    english_button: str  # the language switch seen from the other language
    page_title: str
    error_prefix: str
    continue_: str
    back: str
    start_over: str
    own_words: str
    # The menu
    menu: str
    anything_else: str
    my_help: str
    swap: str
    wish: str
    reassessment: str
    consent: str
    rights: str
    # My help
    granted: str
    vacuuming_daily: str
    next_visits: str
    provider: str
    # Swap
    one_or_period: str
    one_visit: str
    period: str
    which_visit: str
    visit_services: str
    how_long: str
    period_from: str
    drop: str
    vacuum_20: str
    bath_30: str
    instead: str
    freed_hint_30: str
    walk: str
    clothes: str
    not_possible: str
    too_long: str
    what_now: str
    something_else_instead: str
    minutes_bar_20: str
    send_swap: str
    swap_question: str
    cannot_demand: str
    worker_decides: str
    i_have_read: str
    tick_the_box: str
    reference: str
    # Wish
    wish_about: str
    wear: str
    write_wish: str
    your_wish: str
    save_wish: str
    wish_saved: str
    # Reassessment
    why: str
    more_help: str
    what_changed: str
    what_changed_label: str
    relative_takes_part: str
    yes: str
    no: str
    good_time: str
    morning: str
    send_request_question: str
    send_request: str
    request_sent: str
    requests_so_far: str
    received: str
    being_handled: str
    answer_by: str
    # Relatives and consent
    who_may_see: str
    may_see: str
    may_see_and_act: str
    withdrawn: str
    change_consent: str
    let_act: str
    withdraw: str
    let_see_again: str
    act_question: str
    withdraw_question: str
    consent_changed: str
    relatives_did: str
    sent_a_swap: str
    # Your rights
    right_to_flexible_help: str
    call_us: str
    # A relative
    you_are_helping: str
    on_behalf: str
    see_only: str
    told_consent_changed: str
    # The confirmation pages (issue 12 item 1)
    swap_sent: str
    relatives_swap_sent: str
    wish_sent: str
    request_sent_title: str
    consent_changed_title: str
    back_to_conversation: str


WORDS = {
    "da": Words(
        english_button="Dansk",
        page_title="Spørg om din hjælp",
        error_prefix="Fejl: ",
        continue_="Fortsæt",
        back="Gå et trin tilbage",
        start_over="Start forfra",
        own_words="Eller skriv med dine egne ord, hvad du gerne vil",
        menu="Hvad vil du have hjælp til?",
        anything_else="Er der andet, jeg kan hjælpe dig med?",
        my_help="Se min hjælp og mine næste besøg",
        swap="Byt en ydelse til noget andet",
        wish="Et ønske til mine besøg",
        reassessment="Bed om at få min hjælp vurderet igen",
        consent="Pårørende og samtykke",
        rights="Dine rettigheder",
        granted="Den hjælp, du har fået bevilget:",
        vacuuming_daily="Støvsugning: 20 minutter, hver dag",
        next_visits="Dine næste besøg:",
        provider="Din hjælp kommer fra",
        one_or_period="Er byttet for ét kommende besøg, eller et fast ønske for en periode?",
        one_visit="For ét kommende besøg",
        period="For en periode, ved hvert besøg",
        which_visit="Hvilket besøg gælder det?",
        visit_services="Bad, Støvsugning og Sygepleje",
        how_long="Hvor længe?",
        period_from="Fra",
        drop="Hvad vil du fravælge?",
        vacuum_20="Støvsugning (20 minutter)",
        bath_30="Bad (30 minutter)",
        instead="Hvad vil du have i stedet?",
        freed_hint_30="Du har frigjort 30 minutter.",
        walk="Gåtur",
        clothes="Indkøb af tøj",
        not_possible="Sådan kan byttet ikke lade sig gøre.",
        too_long="Det, du har valgt, tager 60 minutter, men du har kun frigjort 20 minutter.",
        what_now="Hvad vil du gøre?",
        something_else_instead="Vælg noget andet i stedet",
        minutes_bar_20="Du bruger 20 af de 20 minutter, du har frigjort.",
        send_swap="Send byttet",
        swap_question="Vil du sende byttet?",
        cannot_demand="kan du ikke kræve at få senere",
        worker_decides="Hjemmehjælperen beslutter på dagen",
        i_have_read="Jeg har læst",
        tick_the_box="Sæt kryds for at vise, at du har læst det",
        reference="Dit referencenummer er {}.",
        wish_about="Hvad handler dit ønske om?",
        wear="Hvad jeg gerne vil have på",
        write_wish="Skriv dit ønske",
        your_wish="Dit ønske",
        save_wish="Gem ønsket",
        wish_saved="Tak. Dit ønske er gemt.",
        why="Hvorfor vil du have din hjælp vurderet igen?",
        more_help="Jeg har brug for mere hjælp",
        what_changed="Fortæl med dine egne ord, hvad der har ændret sig",
        what_changed_label="Hvad har ændret sig",
        relative_takes_part="Vil du have en pårørende med?",
        yes="Ja",
        no="Nej",
        good_time="Hvornår passer det dig, at vi taler med dig?",
        morning="Om formiddagen",
        send_request_question="Vil du sende anmodningen?",
        send_request="Ja, send anmodningen",
        request_sent="Din anmodning er sendt til visitationen.",
        requests_so_far="Dine anmodninger om at få hjælpen vurderet igen:",
        received="Modtaget, endnu ikke behandlet",
        being_handled="Er ved at blive behandlet",
        answer_by="Svar senest",
        who_may_see="Pårørende, som må se din hjælp:",
        may_see="Michael Nielsen (barn): må se din hjælp",
        may_see_and_act="Michael Nielsen (barn): må se din hjælp og handle for dig",
        withdrawn="Michael Nielsen (barn): samtykket er trukket tilbage eller udløbet",
        change_consent="Vil du ændre et samtykke?",
        let_act="Lad Michael Nielsen også handle for mig",
        withdraw="Træk samtykket til Michael Nielsen tilbage",
        let_see_again="Lad Michael Nielsen se min hjælp igen",
        act_question="Michael Nielsen vil kunne se din hjælp og handle for dig, for eksempel "
        "sende et bytte. Er det rigtigt?",
        withdraw_question="Michael Nielsen vil ikke længere kunne se din hjælp eller handle "
        "for dig. Vil du trække samtykket tilbage?",
        consent_changed="Samtykket er ændret",
        relatives_did="Det har dine pårørende gjort for dig:",
        sent_a_swap="Susanne Jensen sendte et bytte",
        right_to_flexible_help="Du har ret til fleksibel hjemmehjælp.",
        call_us="Ring til visitationen:",
        you_are_helping="Du hjælper Inger Jensen.",
        on_behalf="Susanne Jensen på vegne af Inger Jensen:",
        see_only="Du kan se Inger Jensens hjælp, men samtykket giver dig ikke lov til at "
        "handle på vegne af Inger Jensen.",
        told_consent_changed="Inger Jensen har ændret, hvad du må",
        swap_sent="Dit bytte er sendt",
        relatives_swap_sent="Inger Jensens bytte er sendt",
        wish_sent="Dit ønske er gemt",
        request_sent_title="Din anmodning om en ny vurdering er sendt",
        consent_changed_title="Samtykket er ændret",
        back_to_conversation="Tilbage til samtalen",
    ),
    "en": Words(
        english_button="English",
        page_title="Ask about your help",
        error_prefix="Error: ",
        continue_="Continue",
        back="Go back one step",
        start_over="Start over",
        own_words="Or write in your own words what you would like",
        menu="What would you like help with?",
        anything_else="Is there anything else I can help you with?",
        my_help="See my help and my next visits",
        swap="Swap a service for something else",
        wish="A wish for my visits",
        reassessment="Ask for a reassessment of my help",
        consent="Relatives and consent",
        rights="Your rights",
        granted="The help you have been granted:",
        vacuuming_daily="Vacuuming: 20 minutes, every day",
        next_visits="Your next visits:",
        provider="Your help comes from",
        one_or_period="Is the swap for one coming visit, or a standing wish for a period?",
        one_visit="For one coming visit",
        period="For a period, at every visit",
        which_visit="Which visit is it about?",
        visit_services="Shower or wash, Vacuuming and Home nursing",
        how_long="For how long?",
        period_from="From",
        drop="What would you like to drop?",
        vacuum_20="Vacuuming (20 minutes)",
        bath_30="Shower or wash (30 minutes)",
        instead="What would you like instead?",
        freed_hint_30="You have freed 30 minutes.",
        walk="A walk",
        clothes="Buying clothes",
        not_possible="This swap is not possible as it is.",
        too_long="What you chose takes 60 minutes, but you have freed only 20 minutes.",
        what_now="What would you like to do?",
        something_else_instead="Choose something else instead",
        minutes_bar_20="You use 20 of the 20 minutes you have freed.",
        send_swap="Send the swap",
        swap_question="Do you want to send the swap?",
        cannot_demand="cannot be demanded later",
        worker_decides="The home-care worker decides on the day",
        i_have_read="I have read",
        tick_the_box="Tick the box to show that you have read this",
        reference="Your reference is {}.",
        wish_about="What is your wish about?",
        wear="What I would like to wear",
        write_wish="Write your wish",
        your_wish="Your wish",
        save_wish="Save the wish",
        wish_saved="Thank you. Your wish is saved.",
        why="Why would you like your help looked at again?",
        more_help="I need more help",
        what_changed="Tell us in your own words what has changed",
        what_changed_label="What has changed",
        relative_takes_part="Would you like a relative to take part?",
        yes="Yes",
        no="No",
        good_time="When is a good time for us to talk with you?",
        morning="In the morning",
        send_request_question="Do you want to send the request?",
        send_request="Yes, send the request",
        request_sent="Your request has been sent to the visitation.",
        requests_so_far="Your requests for reassessment:",
        received="Received, not yet handled",
        being_handled="Being handled",
        answer_by="Answer by",
        who_may_see="Relatives who may see your help:",
        may_see="Michael Nielsen (child): may see your help",
        may_see_and_act="Michael Nielsen (child): may see your help and act for you",
        withdrawn="Michael Nielsen (child): consent withdrawn or expired",
        change_consent="Would you like to change a consent?",
        let_act="Let Michael Nielsen also act for me",
        withdraw="Withdraw Michael Nielsen's consent",
        let_see_again="Let Michael Nielsen see my help again",
        act_question="Michael Nielsen will be able to see your help and act for you, for "
        "example send a swap. Is that right?",
        withdraw_question="Michael Nielsen will no longer be able to see your help or act "
        "for you. Do you want to withdraw the consent?",
        consent_changed="The consent is changed",
        relatives_did="What relatives have done for you:",
        sent_a_swap="Susanne Jensen sent a swap",
        right_to_flexible_help="You have the right to flexible home help.",
        call_us="Call the visitation:",
        you_are_helping="You are helping Inger Jensen.",
        on_behalf="Susanne Jensen on Inger Jensen's behalf:",
        see_only="You can see Inger Jensen's help, but the consent does not let you act on "
        "Inger Jensen's behalf.",
        told_consent_changed="Inger Jensen has changed what you may do",
        swap_sent="The swap has been sent",
        relatives_swap_sent="Inger Jensen's swap has been sent",
        wish_sent="Your wish has been saved",
        request_sent_title="Your request for a new assessment has been sent",
        consent_changed_title="The consent has been changed",
        back_to_conversation="Back to the conversation",
    ),
}


def stored(model, *where) -> list:
    """The rows of ``model`` the browser's requests wrote (a fresh read transaction)."""
    db.session.rollback()
    rows = list(db.session.scalars(select(model).where(*where).order_by(model.id)))
    # End the read at once: an open SQLite read would hold up the server's next write.
    for row in rows:
        db.session.expunge(row)
    db.session.rollback()
    return rows


def swap_lines(swap) -> list[tuple[str, str, int]]:
    """(kind, service code, minutes) of a stored swap's lines, in order."""
    db.session.rollback()
    rows = db.session.execute(
        select(SwapLine.kind, Service.code, SwapLine.minutes)
        .join(Service)
        .where(SwapLine.swap_id == swap.id)
        .order_by(SwapLine.id)
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def the_one(model, *where):
    rows = stored(model, *where)
    assert len(rows) == 1, f"expected one {model.__name__}, found {len(rows)}"
    return rows[0]


@dataclass
class Chat:
    """One user in the dialogue: ``w`` holds the words in the page's language.

    ``check`` runs axe-core on the page as it stands; it is called on every new question
    and every error, so every page of the dialogue the path reaches is checked.
    """

    page: Page
    w: Words
    language: str
    javascript: bool
    check: Callable[[Page], None]
    shoot: Callable[[str], object] = lambda _name: None  # a screenshot, where wanted
    answered: bool = False
    turn_before: str | None = None  # the turn the last answer was sent in
    taps: int = 0  # every tick, button and link pressed: the journey's cost (issue 12)

    @property
    def log(self):
        return self.page.locator("#chat-log")

    def open(self) -> None:
        self.page.goto("/borger/samtale")
        if self.language == "en":
            self.page.get_by_role("button", name="English").click()
        if self.javascript:
            # Marks this document: gone if any later answer reloads the page.
            self.page.evaluate("window.notReloaded = true")

    def asked(self, question: str) -> None:
        """The question asked now is ``question``; the page passes axe."""
        turn = self.page.locator(TURN)
        if self.turn_before is not None:
            # The answer was taken (the next question may read the same as the last one).
            expect(turn).not_to_have_value(self.turn_before)
            self.turn_before = None
        expect(self.page.locator(QUESTION)).to_have_text(question)
        if self.javascript and self.answered:
            # Focus moves to the new question, so a screen reader reads it next.
            assert self.page.evaluate("document.activeElement.id") == QUESTION[1:]
        self.check(self.page)

    def tick(self, *labels: str) -> None:
        for label in labels:
            choice = self.page.locator("#chat-current label").filter(has_text=label).first
            more = self.page.locator("#chat-current button[name=more]")
            if choice.count() == 0 and more.count() == 1:
                # Not on the short list of replacements: "Vis flere" first (issue 12, 3).
                more.click()
                self.taps += 1
                choice.wait_for()
                self.check(self.page)
            choice.click()
            self.taps += 1

    def _sending(self) -> None:
        self.turn_before = self.page.locator(TURN).input_value()
        self.answered = True
        self.taps += 1

    def send(self, button: str | None = None) -> None:
        self._sending()
        self.page.locator("#chat-form").get_by_role(
            "button", name=button or self.w.continue_, exact=True
        ).click()

    def choose(self, *labels: str, button: str | None = None) -> None:
        """Tick the quick replies with these labels and send the answer."""
        self.tick(*labels)
        self.send(button)

    def through(self, *turns: tuple[str, str]) -> None:
        """Question after question: (the question asked, the quick reply chosen)."""
        for question, reply in turns:
            self.asked(question)
            self.choose(reply)

    def write(self, label: str, text: str, button: str | None = None) -> None:
        self.page.get_by_label(label, exact=True).fill(text)
        self.send(button)

    def control(self, name: str) -> None:
        """ "Go back one step" or "Start over"."""
        self._sending()
        self.page.locator(".app-chat-controls").get_by_role("button", name=name).click()

    def change(self, name: str) -> None:
        """ "Ændr" on a line of the summary asked about now (its spoken name)."""
        self._sending()
        self.log.get_by_role("button", name=name).click()

    def says(self, *texts: str) -> None:
        for text in texts:
            expect(self.log).to_contain_text(text)

    def refused(self, message: str) -> None:
        """The answer was refused: the message is shown and named in the document title."""
        expect(self.page.locator(".alert-error")).to_contain_text(message)
        self.turn_before = None
        expect(self.page).to_have_title(
            re.compile("^" + re.escape(self.w.error_prefix + self.w.page_title))
        )
        if self.javascript:
            focused = "document.activeElement.getAttribute('data-module')"
            assert self.page.evaluate(focused) == "error-summary"
        self.check(self.page)

    def no_error_title(self) -> None:
        expect(self.page).to_have_title(re.compile("^" + re.escape(self.w.page_title)))

    def confirmed(
        self, title: str, sent=None, shot: str | None = None, *, back: bool = True
    ) -> None:
        """The answer led to a confirmation page (issue 12 item 1): the title and the reference
        of the one ``sent`` row in its <h1>, axe passes; then back to the conversation by its
        link, as she would."""
        heading = self.page.get_by_role("heading", level=1)
        expect(heading).to_contain_text(title)
        if sent is not None:
            expect(heading).to_contain_text(the_one(sent).reference)
            # Read out over the phone: on one line, never broken in two, at any width.
            code = self.page.locator(".app-reference-code")
            assert code.evaluate("e => e.getClientRects().length") == 1
        self.check(self.page)
        if shot is not None:
            self.shoot(shot)
        if not back:
            return
        self.tap(self.page.get_by_role("link", name=self.w.back_to_conversation))
        self.answered = False  # a page loaded afresh: focus starts at its top
        self.turn_before = None
        if self.javascript:
            self.page.evaluate("window.notReloaded = true")

    def tap(self, target) -> None:
        """Press a link or a button outside the question's form, and count it."""
        target.click()
        # A followed link has started loading when click returns: wait for the whole document,
        # so what is read or marked next is read on it (harmless when nothing navigates).
        self.page.wait_for_load_state("load")
        self.taps += 1

    def no_sideways_scroll(self) -> None:
        """WCAG 1.4.10 (reflow): nothing wider than the screen."""
        assert self.page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )

    def stayed_in_place(self) -> None:
        """With JavaScript on, every answer updated the page without loading a new one."""
        if self.javascript:
            assert self.page.evaluate("window.notReloaded === true")
