"""The worker's own visits of the day (or the team's, one tap away) and the team's week,
with the citizen's wishes marked (issue 12, "The home-care worker" 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import render_template, request

from selvvisitation.domain.dates import local_today, plausible_day
from selvvisitation.domain.types import StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import Visit
from selvvisitation.security import audit
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.ael_visits import priorities_for
from selvvisitation.services.day_list import day_list, day_list_priorities, day_list_wishes
from selvvisitation.services.staff_visits import team_visits, week_start, wishes_for
from selvvisitation.services.visit_change_actions import open_replacement_flags
from selvvisitation.staff.day_page import day_list_rows
from selvvisitation.staff.views import blueprint

TEAM = (StaffRole.HOME_CARE_WORKER, StaffRole.TEAM_LEADER)


def requested_day(name: str) -> date:
    """The day in the query string (YYYY-MM-DD); today when missing, not a date, or
    outside the days the app works with (domain.dates.plausible_day)."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return local_today()
    return day if plausible_day(day) else local_today()


def audit_reads(visits, purpose: str) -> None:
    """One audit entry per citizen whose visits were shown, written after the page is
    rendered, in the request's own transaction (security.audit.install: one INSERT)."""
    first_day: dict[int, str] = {}
    for visit in visits:
        first_day.setdefault(visit.citizen_id, visit.day.isoformat())
    audit.record_reads(first_day.items(), object_type="visit_list", purpose=purpose)


def requested_view(is_leader: bool) -> str:
    """The list shown: "mine" (the visits planned for the signed-in worker) or "team";
    a worker's list starts with her own visits, a team leader's with the team's (issue 12)."""
    wanted = request.args.get("vis", "")
    if wanted in ("mine", "team"):
        return wanted
    return "team" if is_leader else "mine"


def _day_page(day, view: str, staff, day_visits, *, mine_count: int, team_count: int) -> str:
    is_leader = staff.role == StaffRole.TEAM_LEADER
    return render_template(
        "staff/visits.html",
        # Issue 14: cancellations and move requests show at once on the team's list
        # (day_list read them with the visits).
        rows=day_list_rows(
            day_visits,
            day_list_wishes(db.session(), day_visits),
            day_list_priorities(db.session(), day_visits),
        ),
        view=view,
        mine_count=mine_count,
        team_count=team_count,
        is_leader=is_leader,
        now=datetime.now(UTC),
        replacement_flags=open_replacement_flags(db.session(), staff.team_id) if is_leader else [],
        day=day,
        today=local_today(),
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
    )


@blueprint.route("/besoeg")
@allow(*TEAM)
def visits() -> str:
    day = requested_day("dag")
    staff = current_actor().staff
    is_leader = staff.role == StaffRole.TEAM_LEADER
    view = requested_view(is_leader)
    # The team's visits in one query, as plain rows (issue 17); "mine" is a filter on them,
    # so the page's statements stay as few for a worker's list as for the team's.
    all_visits = day_list(db.session(), staff.team_id, day)
    mine = [visit for visit in all_visits if visit.planned_staff_id == staff.id]
    day_visits = mine if view == "mine" else all_visits
    audit_reads(day_visits, "team_day_visits")
    return _day_page(day, view, staff, day_visits, mine_count=len(mine), team_count=len(all_visits))


@blueprint.route("/uge")
@allow(*TEAM)
def week() -> str:
    first = week_start(requested_day("uge"))
    last = first + timedelta(days=6)
    staff = current_actor().staff
    week_visits = team_visits(db.session(), staff.team_id, first, last)
    wishes = wishes_for(db.session(), week_visits)
    audit_reads(week_visits, "team_week_visits")
    days: list[tuple[date, list[Visit]]] = [(first + timedelta(days=n), []) for n in range(7)]
    by_day = dict(days)
    for visit in week_visits:
        by_day[visit.day].append(visit)
    page = render_template(
        "staff/week.html",
        days=days,
        wishes=wishes,
        priorities=priorities_for(db.session(), week_visits),
        # Issue 14: a cancelled visit says who cancelled it, when and why.
        changes={visit.id: visit.changes for visit in week_visits},
        first=first,
        last=last,
        previous_week=first - timedelta(days=7),
        next_week=first + timedelta(days=7),
        week_number=first.isocalendar().week,
    )
    return page
