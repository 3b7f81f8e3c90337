"""The one audit helper: every read of a citizen's case by staff, every change by anyone.

`record(...)` adds an AuditEntry to the current transaction, so the entry is
committed with the change it logs, or not at all. `purpose` is a code from
PURPOSES (or a new code you add there): the citizen's page "Hvem har kigget på
mine oplysninger" turns it into plain words. The log is append-only: an ORM
guard (models.audit) refuses updates and deletes at flush, and the database
refuses them from anyone (triggers from migration 0002, on PostgreSQL and SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models.base import utcnow

# Requests that only read: their read entries wait until the page is rendered (record()).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Why someone looked or changed something, in the words the citizen reads (Min log).
PURPOSES: dict[str, Any] = {
    "relative_view": _l("A relative you gave consent to looked at your help"),
    "own_request": _l("You asked for a change yourself"),
    "on_behalf_of_citizen": _l("A relative made a request for you"),
    "visit_list": _l("To plan the day's visits to you"),
    "record_visit": _l("To write down the help you got at a visit"),
    "swap_decision": _l("To answer your wish to swap help"),
    "case_handling": _l("To handle your case about your help"),
    "reassessment": _l("To look at your help again"),
    "tilsyn": _l("Supervision of the quality of home care"),
    "supervision": _l("Supervision of the quality of home care"),
    "data_export": _l("You downloaded your information"),
    "access_log": _l("A relative looked at who has seen your information"),
    "home_care": _l("To give you your help at home"),
    "administration": _l("Administration of the municipality's home care"),
    "team_day_visits": _l("To plan the day's visits in your home-care team"),
    "team_week_visits": _l("To plan the week's visits in your home-care team"),
    "team_leader_overview": _l("The team leader's overview of answers to wishes to swap"),
    "report_change": _l("To report a change in how you are doing to the visitation"),
    "report_receipt": _l("To see that the visitation received a report about you"),
    "visitation_queue": _l("To see which cases about your help are waiting"),
    "catalogue": _l("Administration of the municipality's services"),
    "organisation": _l("Administration of the municipality's providers and teams"),
    "policy": _l("Administration of the municipality's rules for home care"),
    "policy_preview": _l("A check of who a change of the municipality's rules would flag"),
    "staff_users": _l("Administration of the municipality's staff users"),
    "data_interchange": _l("Import or export of the municipality's data"),
    "calendar_feed": _l("Your visits were fetched into a calendar app through a personal link"),
    "messages": _l("To read and answer your messages"),
    "notification_settings": _l("How you or a relative want to be told news was changed"),
    "notification_outbox": _l("To see which messages were sent to you and your relatives"),
}
# The purpose of a staff read that the view did not name itself (see install()).
DEFAULT_READ_PURPOSE = {
    StaffRole.HOME_CARE_WORKER.value: "home_care",
    StaffRole.TEAM_LEADER.value: "home_care",
    StaffRole.VISITATOR.value: "case_handling",
    StaffRole.MUNICIPALITY_ADMIN.value: "administration",
    StaffRole.SUPERVISOR.value: "tilsyn",
}
_BY_ACTION: dict[str, Any] = {
    "read": _l("Looked at your information"),
    "create": _l("Added information about you"),
    "update": _l("Changed information about you"),
    "delete": _l("Removed information about you"),
}
ROLE_NAMES: dict[str, Any] = {
    StaffRole.HOME_CARE_WORKER.value: _l("Home-care worker"),
    StaffRole.TEAM_LEADER.value: _l("Team leader"),
    StaffRole.VISITATOR.value: _l("Visitator"),
    StaffRole.MUNICIPALITY_ADMIN.value: _l("Administrator"),
    StaffRole.SUPERVISOR.value: _l("Supervisor"),
    ActorKind.RELATIVE.value: _l("Relative"),
    ActorKind.CITIZEN.value: _l("You"),
    ActorKind.SYSTEM.value: _l("The system"),
}


def describe_purpose(purpose: str, action: str) -> str:
    """The purpose in plain words; an unknown code falls back to what was done."""
    text = PURPOSES.get(purpose) or _BY_ACTION.get(action) or _BY_ACTION["read"]
    return str(text)


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def record(
    action: str,
    *,
    citizen: Any = None,
    object_type: str = "",
    object_id: Any = "",
    purpose: str = "",
    detail: dict | None = None,
    actor: Any = None,
) -> None:
    """Add an audit entry to the current transaction (committed with the change it logs)."""
    columns = {
        **_actor_columns(actor),
        "citizen_id": citizen.id if citizen is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "purpose": purpose,
        "detail": detail or {},
    }
    _add([columns], read=action == "read")


def record_reads(read: Iterable[tuple[int, Any]], *, object_type: str, purpose: str) -> None:
    """A read entry per (citizen id, object id), each as record("read", ...) makes it; the
    actor's columns are found once for all (issue 17: a day list reads some 20 citizens)."""
    actor = _actor_columns(None)
    _add(
        [
            {
                **actor,
                "citizen_id": citizen_id,
                "action": "read",
                "object_type": object_type,
                "object_id": str(object_id or ""),
                "purpose": purpose,
                "detail": {},
            }
            for citizen_id, object_id in read
        ],
        read=True,
    )


def _actor_columns(actor: Any) -> dict[str, Any]:
    """Who did it, as an audit entry names them: the signed-in actor unless one is given."""
    from selvvisitation.security.access import current_actor

    actor = actor or current_actor()
    staff = actor.staff
    organisation = ""
    if staff is not None:
        organisation = staff.provider.name if staff.provider else staff.municipality.name
    return {
        "actor_kind": actor.kind or ActorKind.SYSTEM,
        "actor_staff_id": staff.id if staff is not None else None,
        "actor_relative_id": actor.relative.id if actor.relative is not None else None,
        "actor_citizen_id": actor.citizen.id if actor.citizen is not None else None,
        "actor_role": actor.role,
        "organisation": organisation,
    }


def _add(entries: list[dict[str, Any]], *, read: bool) -> None:
    from selvvisitation.models import AuditEntry

    if read and _page_is_being_served():
        # A page's record of what it read is written after the page is rendered
        # (install()): on SQLite an INSERT takes the whole database's write lock, and
        # a query during rendering would flush the entry early and hold that lock while
        # the template renders, making every other writer wait. Kept as plain rows: an
        # ORM object per citizen on a day list cost more than the INSERT (issue 17).
        g.setdefault("pending_reads", []).extend(entries)
    else:
        db.session.add_all(AuditEntry(**columns) for columns in entries)
    if read and has_request_context():
        audited = g.setdefault("audited_reads", set())
        audited.update(e["citizen_id"] for e in entries if e["citizen_id"] is not None)


# Route arguments that name one citizen's object: the model whose row says whose it is.
CITIZEN_ARGUMENTS: dict[str, str] = {
    "citizen_id": "Citizen",
    "visit_id": "Visit",
    "case_id": "Case",
    "decision_id": "Decision",
    "swap_id": "SwapRequest",
    "flag_id": "Flag",
    "wish_id": "Wish",
    "consent_id": "Consent",
    "report_id": "StaffReport",
    "reassessment_id": "ReassessmentRequest",
    "member_id": "SampledCitizen",  # a citizen drawn for supervision
    "thread_id": "MessageThread",  # a citizen's messages with the visitation or team
}


def _citizens_in(view_args: dict[str, Any]) -> set[int]:
    from selvvisitation import models

    found = set()
    for name, model_name in CITIZEN_ARGUMENTS.items():
        value = view_args.get(name)
        if not isinstance(value, int):
            continue
        model = getattr(models, model_name)
        column = model.id if model_name == "Citizen" else model.citizen_id
        citizen_id = db.session.scalar(select(column).where(model.id == value))
        if citizen_id is not None:
            found.add(citizen_id)
    return found


def install(app: Flask) -> None:
    """Log every staff read of a citizen's object, even where the view forgot to.

    A successful GET by staff to a route whose arguments name a citizen's object
    (CITIZEN_ARGUMENTS) gets a read entry with the role's default purpose, unless
    the view already recorded a read for that citizen in the same request.
    """

    @app.before_request
    def _no_reads_logged_yet() -> None:
        g.audited_reads = set()  # g can outlive a request (tests reuse the app context)
        g.pending_reads = []

    @app.after_request
    def _log_staff_reads(response: Response) -> Response:
        from selvvisitation.models import Citizen
        from selvvisitation.security.access import current_actor

        actor = current_actor()
        pending = g.pop("pending_reads", [])
        if (
            actor.staff is None
            or request.method != "GET"
            or response.status_code != 200
            or not request.view_args
        ):
            _write(pending)
            return response
        missing = _citizens_in(request.view_args) - g.get("audited_reads", set())
        for citizen_id in sorted(missing):
            record(
                "read",
                citizen=db.session.get(Citizen, citizen_id),
                object_type=request.endpoint or "",
                object_id=",".join(str(v) for v in request.view_args.values()),
                purpose=DEFAULT_READ_PURPOSE.get(actor.role, "case_handling"),
            )
        _write(pending, commit=bool(missing))
        return response

    @app.teardown_request
    def _forget_unwritten_reads(_error: BaseException | None = None) -> None:
        # A view that failed wrote nothing; its reads go with its transaction.
        g.pop("pending_reads", None)


def _page_is_being_served() -> bool:
    """A request that only reads is running its view (install() set up its read list)."""
    return has_request_context() and request.method in SAFE_METHODS and "pending_reads" in g


def _write(entries: list[dict[str, Any]], *, commit: bool = False) -> None:
    """Write a page's read entries in one statement and one short transaction, after the
    page is rendered (issue 17: a day list's 20 reads were 20 INSERTs holding SQLite's
    write lock; the ORM inserts row by row there, since it asks for each new id back)."""
    from selvvisitation.security.audit_insert import insert_entries

    if not entries and not commit:
        return
    session = db.session()
    # On SQLite the INSERT waits for its turn among the writers (database.WritersQueue).
    if entries:
        at = utcnow()
        insert_entries(session, ({"at": at, **entry} for entry in entries))
    # The page is rendered and sent as it is: expiring every object it read, as a
    # commit does, is work for nothing (issue 17: some 150 objects on a day list).
    # Nothing here changed them; what the next request reads it loads anew.
    expires, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expires
