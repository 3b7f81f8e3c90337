"""The swap path: swap a service for another at one coming visit or for a period
(flexible home help, Serviceloven § 94 a; checked and explained by domain.swaps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, TypedDict

from selvvisitation.domain.dialogue_steps.menu import _menu_step
from selvvisitation.domain.dialogue_steps.primitives import (
    N_,
    PERIODS,
    Answer,
    Context,
    Go,
    Invalid,
    Message,
    Option,
    Question,
    Step,
    VisitInfo,
    _one_choice,
    _said,
    _text,
    choice_step,
)
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.replacement_choices import short_list
from selvvisitation.domain.swaps import (
    ProposedSwap,
    SwapLine,
    VisitBooking,
    check_swap,
    explain_alternatives,
    tightest_visit,
)
from selvvisitation.domain.timeframe import (
    CatalogueService,
    GrantedService,
    window_time_frame,
)
from selvvisitation.domain.types import SwapWindow

# --- Swap a service (flexible home help, Serviceloven § 94 a) --------------------------


def _visit_params(visit: VisitInfo) -> dict[str, Any]:
    return {
        "date": visit.day.isoformat(),
        "start": visit.starts_at.isoformat(),
        "end": visit.ends_at.isoformat(),
        "services": [code for code, _ in visit.services],
    }


def _coming_visits(ctx: Context) -> list[VisitInfo]:
    # Today's visits may already have started: a swap is for a visit from tomorrow on.
    return [v for v in ctx.visits if v.day > ctx.today]


# The next visits first; the rest behind "Later visits" (issue 12, 3: sixteen visits were
# one long list on a phone).
FIRST_VISITS_SHOWN = 5


def _swap_visit_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    coming = _coming_visits(ctx)
    later = data.get("later_visits") is True
    shown = coming[FIRST_VISITS_SHOWN:] if later else coming[:FIRST_VISITS_SHOWN]
    options = tuple(
        Option(str(v.id), N_("%(date)s at %(start)s: %(services)s"), _visit_params(v))
        for v in shown
    )
    if not options:
        return Question(
            N_("You have no coming visits to swap at. Choose a period instead."),
            "choice",
            (Option("period", N_("For a period, at every visit")),),
        )
    if not later and len(coming) > FIRST_VISITS_SHOWN:
        options += (Option("later", N_("Later visits")),)
    return Question(N_("Which visit is it about?"), "choice", options)


def _swap_visit_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    if answer.choice and answer.choice.isdigit() and question.option(answer.choice) is None:
        return Invalid(
            "answer",
            N_("That visit has passed or is not yours. Choose one of the coming visits shown"),
        )
    option = _one_choice(question, answer, N_("Choose a visit"))
    if isinstance(option, Invalid):
        return option
    if option.value == "period":
        return Go("swap_period", _said(option))
    if option.value == "later":
        return Go("swap_visit", _said(option), data={"later_visits": True})
    return Go("swap_drop", _said(option), data={"visit_id": int(option.value), "period": None})


def _swap_period_ask(ctx: Context, _data: Mapping[str, Any]) -> Question:
    start = ctx.today + timedelta(days=1)
    options = tuple(
        Option(
            key,
            N_("From %(start)s to %(end)s"),
            {"start": start.isoformat(), "end": (start + timedelta(days=days - 1)).isoformat()},
        )
        for key, days in PERIODS.items()
    )
    return Question(N_("For how long?"), "choice", options)


def _swap_period_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose how long"))
    if isinstance(option, Invalid):
        return option
    period = [option.params["start"], option.params["end"]]
    return Go("swap_drop", _said(option), data={"visit_id": None, "period": period})


def _visit(ctx: Context, data: Mapping[str, Any]) -> VisitInfo | None:
    return next((v for v in ctx.visits if v.id == data.get("visit_id")), None)


def _span(ctx: Context, data: Mapping[str, Any]) -> tuple[date, date] | None:
    visit = _visit(ctx, data)
    if visit is not None:
        return visit.day, visit.day
    period = data.get("period")
    if period:
        return date.fromisoformat(period[0]), date.fromisoformat(period[1])
    return None


def droppable(ctx: Context, data: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The granted, swappable services the citizen can drop: (code, minutes)."""
    span = _span(ctx, data)
    if span is None:
        return []
    grants = {
        g.service_code: g for g in ctx.granted if g.is_active_on(span[0]) or g.is_active_on(span[1])
    }

    def swappable(code: str) -> bool:
        entry = ctx.catalogue.get(code)
        return entry is not None and entry.swappable and code in grants

    visit = _visit(ctx, data)
    if visit is not None:
        return [
            (code, minutes)
            for code, minutes in visit.services
            if swappable(code) and code not in visit.already_dropped
        ]
    return [(code, grants[code].minutes_per_delivery) for code in sorted(grants) if swappable(code)]


def _swap_drop_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    options = tuple(
        Option(code, N_("%(service)s (%(minutes)s)"), {"service": code, "minutes": minutes})
        for code, minutes in droppable(ctx, data)
    )
    if not options:
        return Question(
            N_(
                "There is nothing here that can be swapped. Go back one step, "
                "or go back to the start."
            ),
            "choice",
            (Option("menu", N_("Back to the start")),),
        )
    prefill = tuple(
        code for code in data.get("prefill_drop") or () if code in {o.value for o in options}
    )
    return Question(
        N_("What would you like to drop?"),
        "multi",
        options,
        hint=N_("Choose one or more. The minutes you free can be used for something else."),
        selected=prefill,
    )


def _swap_drop_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    if question.input == "choice":  # nothing to drop: the only answer is the start
        option = _one_choice(question, answer, N_("Choose an answer"))
        if isinstance(option, Invalid):
            return option
        return Go("menu", _said(option), fresh=True)
    if not answer.choices:
        return Invalid("answer", N_("Choose at least one service to drop"))
    if not set(answer.choices) <= question.values:
        return Invalid(
            "answer",
            N_("Choose services from the list. You can only drop services you have been granted"),
        )
    drop = [
        {"code": o.value, "minutes": o.params["minutes"]}
        for o in question.options
        if o.value in answer.choices
    ]
    echo = Message(
        "answer", N_("Drop: %(services)s"), {"services": [line["code"] for line in drop]}
    )
    return Go("swap_add", echo, data={"drop": drop})


def _freed(data: Mapping[str, Any]) -> int:
    return sum(int(line["minutes"]) for line in data.get("drop") or ())


class _SwapCheck(TypedDict):
    """The arguments check_swap and explain_alternatives share (domain/swaps/)."""

    granted: Sequence[GrantedService]
    catalogue: Mapping[str, CatalogueService]
    policy: Policy
    proposal: ProposedSwap
    window_minutes: int
    today: date | None
    visit_bookings: Sequence[VisitBooking]


def visit_bookings(ctx: Context, data: Mapping[str, Any]) -> tuple[VisitBooking, ...]:
    """The visits the swap falls on, with the minutes other swaps already hold there.

    One visit, or every coming visit a standing wish covers: all swaps at a visit
    together stay within its time frame (rule 4; bookings.book_swap refuses the one
    that does not fit), so the preview counts them as the confirmation will.
    """
    visit = _visit(ctx, data)
    span = _span(ctx, data)
    if visit is not None:
        covered = [visit]
    elif span is not None:
        covered = [v for v in ctx.visits if span[0] <= v.day <= span[1] and v.day > ctx.today]
    else:
        covered = []
    return tuple(VisitBooking(v.day, v.time_frame_minutes, v.booked_minutes) for v in covered)


def _booked(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """The tightest visit other swaps hold minutes in, for the minutes bar; {} if none."""
    tightest = tightest_visit(visit_bookings(ctx, data))
    if tightest is None:
        return {}
    return {
        "date": tightest.day.isoformat(),
        "frame": tightest.frame_minutes,
        "booked": tightest.booked_minutes,
        "free": tightest.free_minutes,
    }


def _room(ctx: Context, data: Mapping[str, Any]) -> int:
    """The minutes the citizen can use: those freed, within what other swaps left free."""
    booked = _booked(ctx, data)
    return min(_freed(data), booked["free"]) if booked else _freed(data)


def addable(ctx: Context, data: Mapping[str, Any]) -> list[CatalogueService]:
    """Catalogue services the citizen may choose instead; those that fit come first."""
    dropped = {line["code"] for line in data.get("drop") or ()}
    allowed_outside = ctx.policy.outside_service_level_allowed
    entries = [
        entry
        for entry in ctx.catalogue.values()
        if (entry.swappable or entry.flexible_only)  # rule 9 and 10
        and (entry.within_service_level or allowed_outside)  # rule 2
        and entry.code not in dropped
        and entry.default_minutes > 0
    ]
    room = _room(ctx, data)
    return sorted(
        entries,
        key=lambda e: (
            e.default_minutes > room,
            not e.flexible_only,
            e.category.value,
            e.default_minutes,
            e.code,
        ),
    )


def _swap_add_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [Message("minutes", "", {"freed": _freed(data), "used": 0, **_booked(ctx, data)})]


def _swap_add_ask(ctx: Context, data: Mapping[str, Any]) -> Question:
    entries = addable(ctx, data)
    room = _room(ctx, data)
    # The short list first, then the rest in the catalogue's order; the page shows the
    # rest behind "Vis flere", grouped by category (issue 12, 3).
    first = short_list(entries, room, ctx.choice_history())
    ranked = sorted(entries, key=lambda e: first.index(e.code) if e.code in first else len(first))
    options = tuple(
        Option(
            e.code,
            N_("%(service)s (about %(minutes)s)"),
            {
                "service": e.code,
                "minutes": e.default_minutes,
                "category": e.category.value,
                "short": e.code in first,
            },
        )
        for e in ranked
    )
    prefill = tuple(c for c in data.get("prefill_add") or () if c in {o.value for o in options})
    # Rule 2: help outside the service level only where the municipality allows it.
    free = ctx.policy.outside_service_level_allowed
    return Question(
        N_("What would you like instead?"),
        "multi" if not free else "multi_or_text",
        options,
        params={"freed": _freed(data), "room": room, "more": len(options) - len(first)},
        hint=N_("You have freed %(freed)s. The services at the top fit within them.")
        if room == _freed(data)
        else N_(
            "You have freed %(freed)s, but other swaps leave only %(room)s free. "
            "The services at the top fit within them."
        ),
        text_label=N_("Or write other help you would like") if free else "",
        selected=prefill,
    )


def run_check(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the swap in ``data`` with the rules engine; return JSON for the messages."""
    span = _span(ctx, data)
    visit = _visit(ctx, data)
    drop = tuple(SwapLine(line["code"], int(line["minutes"])) for line in data.get("drop") or ())
    add = tuple(
        SwapLine(line.get("code"), int(line["minutes"]), line.get("text"))
        for line in data.get("add") or ()
    )
    if visit is not None:
        proposal = ProposedSwap(drop=drop, add=add, visit_date=visit.day)
        frame = visit.time_frame_minutes
    else:
        assert span is not None
        proposal = ProposedSwap(drop=drop, add=add, period=span)
        window = ctx.policy.swap_window
        # A standing wish: the largest window frame in its first two weeks, so a period
        # starting on a day without visits is not judged by that empty day.
        days = [span[0] + timedelta(days=i) for i in range(14)]
        frame = max(
            window_time_frame(
                ctx.granted, window if isinstance(window, SwapWindow) else SwapWindow.VISIT, day
            )
            for day in days
        )
    arguments: _SwapCheck = {
        "granted": ctx.granted,
        "catalogue": ctx.catalogue,
        "policy": ctx.policy,
        "proposal": proposal,
        "window_minutes": frame,
        "today": ctx.today,
        "visit_bookings": visit_bookings(ctx, data),
    }
    result = check_swap(**arguments)
    alternatives = explain_alternatives(**arguments)
    return {
        "allowed": result.allowed,
        "violations": [{"code": v.code, "data": dict(v.data)} for v in result.violations],
        "alternatives": [{"code": a.code, "data": dict(a.data)} for a in alternatives],
        "freed": result.freed_minutes,
        "used": result.used_minutes,
        "remaining": result.remaining_minutes,
        "booked": _booked(ctx, data),
    }


def _swap_add_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    text = _text(answer, "", required=False)
    if isinstance(text, Invalid):
        return text
    if not answer.choices and not text:
        return Invalid("answer", N_("Choose what you would like instead"))
    if not set(answer.choices) <= question.values:
        return Invalid("answer", N_("Choose services from the list"))
    add = [
        {"code": o.value, "minutes": o.params["minutes"]}
        for o in question.options
        if o.value in answer.choices
    ]
    if text and ctx.policy.outside_service_level_allowed:
        # Help in the citizen's own words gets the minutes not used by the chosen services.
        rest = max(1, _room(ctx, data) - sum(line["minutes"] for line in add))
        add.append({"code": None, "minutes": rest, "text": text})
    echo = Message(
        "answer",
        N_("Instead: %(services)s"),
        {"services": [line["code"] for line in add if line.get("code")], "free_text": text or ""},
    )
    return _after_add(ctx, {**data, "add": add}, echo)


def _after_add(ctx: Context, data: Mapping[str, Any], echo: Message) -> Go:
    check = run_check(ctx, data)
    step = "swap_confirm" if check["allowed"] else "swap_problem"
    return Go(step, echo, data={"add": data["add"], "check": check})


def _minutes(check: Mapping[str, Any]) -> Message:
    """The minutes bar: freed and used, and what other swaps at the visit already hold."""
    return Message(
        "minutes",
        "",
        {
            "freed": check.get("freed", 0),
            "used": check.get("used", 0),
            **(check.get("booked") or {}),
        },
    )


def _swap_problem_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    check = data.get("check") or {}
    return [
        _minutes(check),
        Message(
            "problems",
            "",
            {
                "violations": check.get("violations", []),
                "alternatives": check.get("alternatives", []),
            },
        ),
    ]


def _swap_problem_ask(_ctx: Context, data: Mapping[str, Any]) -> Question:
    options: list[Option] = []
    for alternative in (data.get("check") or {}).get("alternatives", []):
        if alternative["code"] == "services_that_fit":
            for service in alternative["data"]["services"][:5]:
                code = service["service_code"]
                options.append(
                    Option(
                        "fit:" + code,
                        N_("Choose %(service)s instead (%(minutes)s)"),
                        {"service": code, "minutes": service["minutes"]},
                    )
                )
        if alternative["code"] == "ask_for_reassessment":
            options.append(Option("reassessment", N_("Ask for a reassessment of my help")))
        if alternative["code"] == "choose_another_visit" and data.get("visit_id"):
            options.append(Option("visit_again", N_("Choose another visit")))
    options += [
        Option("add_again", N_("Choose something else instead")),
        Option("drop_again", N_("Choose again what to drop")),
    ]
    return Question(N_("What would you like to do?"), "choice", tuple(options))


def _swap_problem_handle(
    ctx: Context, data: Mapping[str, Any], answer: Answer, question: Question
) -> Go | Invalid:
    option = _one_choice(question, answer, N_("Choose what you would like to do"))
    if isinstance(option, Invalid):
        return option
    if option.value == "add_again":
        return Go("swap_add", _said(option))
    if option.value == "drop_again":
        return Go("swap_drop", _said(option))
    if option.value == "visit_again":
        return Go("swap_visit", _said(option))
    if option.value == "reassessment":
        return Go("reassess_reason", _said(option), fresh=True)
    add = [{"code": option.params["service"], "minutes": option.params["minutes"]}]
    return _after_add(ctx, {**data, "add": add}, _said(option))


def _swap_confirm_intro(ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    check = data.get("check") or {}
    visit = _visit(ctx, data)
    summary = {
        "visit": _visit_params(visit) if visit else None,
        "period": data.get("period"),
        "drop": data.get("drop") or [],
        "add": data.get("add") or [],
        "freed": check.get("freed", 0),
        "used": check.get("used", 0),
    }
    return [
        _minutes(check),
        Message("summary", "", summary),
        # Rule 6 (Serviceloven § 94 a, § 90; 004 footnote 2): told before confirming.
        Message(
            "notice",
            N_(
                "A service you drop cannot be demanded later. If you drop "
                "%(services)s, you cannot later complain that it was not done."
            ),
            {
                "services": [line["code"] for line in summary["drop"]],
                "reference": ctx.policy.legal_references.get("cannot_demand_later", ""),
            },
        ),
        # Rule 5 (002 §8, 004): the worker decides on the day whether it is safe.
        Message(
            "notice",
            N_(
                "The home-care worker decides on the day whether the swap is "
                "safe, for example for hygiene. If in doubt, you get the help "
                "you have been granted."
            ),
        ),
    ]


def _swap_confirm_ask(_ctx: Context, _data: Mapping[str, Any]) -> Question:
    return Question(
        N_("Do you want to send the swap?"),
        "confirm",
        checkbox_label=N_(
            "I have read that I cannot demand the dropped service later, and "
            "that the home-care worker decides on the day"
        ),
        submit=N_("Send the swap"),
    )


def _swap_confirm_handle(
    _ctx: Context, _data: Mapping[str, Any], answer: Answer, _question: Question
) -> Go | Invalid:
    if not answer.acknowledged:
        return Invalid("acknowledged", N_("Tick the box to show that you have read this"))
    return Go("swap_done", Message("answer", N_("I send the swap")), effect="submit_swap")


def _swap_done_intro(_ctx: Context, data: Mapping[str, Any]) -> list[Message]:
    return [
        Message(
            "receipt",
            "",
            {
                "reference": data.get("reference", ""),
                "visit_id": data.get("visit_id"),
                "period": data.get("period"),
            },
        )
    ]


STEPS: tuple[Step, ...] = (
    choice_step(
        "swap_when",
        N_("Is the swap for one coming visit, or a standing wish for a period?"),
        (
            Option("visit", N_("For one coming visit")),
            Option("period", N_("For a period, at every visit")),
        ),
        N_("Choose one visit or a period"),
        lambda o: Go("swap_visit" if o.value == "visit" else "swap_period", _said(o)),
    ),
    Step("swap_visit", _swap_visit_ask, _swap_visit_handle),
    Step("swap_period", _swap_period_ask, _swap_period_handle),
    Step("swap_drop", _swap_drop_ask, _swap_drop_handle),
    Step("swap_add", _swap_add_ask, _swap_add_handle, _swap_add_intro),
    Step("swap_problem", _swap_problem_ask, _swap_problem_handle, _swap_problem_intro),
    Step("swap_confirm", _swap_confirm_ask, _swap_confirm_handle, _swap_confirm_intro),
    _menu_step("swap_done", _swap_done_intro),
)
