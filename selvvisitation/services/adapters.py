"""Turn database rows into the plain values the domain rules take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.policy import Policy, default_legal_references
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.timeframe import CatalogueService, GrantedService
from selvvisitation.domain.types import ServiceCategory
from selvvisitation.models import Decision, Municipality, MunicipalityPolicy, Service


def policy_for(municipality: Municipality) -> Policy:
    """The municipality's policy as the rules engine's Policy (defaults where unset)."""
    row: MunicipalityPolicy | None = municipality.policy
    if row is None:
        return Policy()
    references = default_legal_references()
    references.update(row.legal_references or {})
    return Policy(
        swap_window=row.swap_window,
        outside_service_level_allowed=row.outside_service_level_allowed,
        flexible_only_any_category=row.flexible_only_any_category,
        deselection_threshold_count=row.deselection_threshold_count,
        deselection_threshold_days=row.deselection_threshold_days,
        deviation_percent=row.deviation_percent,
        deviation_min_per_delivery=row.deviation_min_per_delivery,
        deviation_min_per_week=row.deviation_min_per_week,
        deviation_sustained_days=row.deviation_sustained_days,
        case_deadline_working_days=row.case_deadline_working_days,
        practical_help_start_working_days=row.practical_help_start_working_days,
        optional_holidays_are_working_days=row.optional_holidays_are_working_days,
        show_staff_names_in_access_log=row.show_staff_names_in_access_log,
        default_legal_basis=row.default_legal_basis,
        ael_suggest_from_age=row.ael_suggest_from_age,
        element_decline_threshold_count=row.element_decline_threshold_count,
        element_decline_threshold_days=row.element_decline_threshold_days,
        priorities_not_met_threshold_count=row.priorities_not_met_threshold_count,
        priorities_not_met_threshold_days=row.priorities_not_met_threshold_days,
        ael_optional_minutes=row.ael_optional_minutes,
        citizen_cancel_deadline_minutes=row.citizen_cancel_deadline_minutes,
        citizen_cancellations_count_as_deselection=row.citizen_cancellations_count_as_deselection,
        message_reply_working_days=row.message_reply_working_days,
        call_back_working_days=row.call_back_working_days,
        visitation_opening_hours=row.visitation_opening_hours or "",
        supervision_theme_sets=row.supervision_theme_sets or ThemeSet.THISTED,
        legal_references=references,
    )


class CatalogueRow(NamedTuple):
    """A service of the municipality's catalogue as a turn reads it: plain columns, no
    object. What a turn shows and checks of a service is read from these; a line's service
    (a grant's, a visit's, a swap's) is found by its id (service_codes)."""

    id: int
    code: str
    fsiii_code: str | None
    name_da: str
    name_en: str
    category: ServiceCategory
    swappable: bool
    flexible_only: bool
    within_service_level: bool
    default_minutes: int
    minutes_are_placeholder: bool
    active: bool


def service_code(line: Any, codes: Mapping[int, str]) -> str:
    """The code of a line's service (a grant's, a visit's, a swap's): from the catalogue's
    codes by id (read once, as CatalogueRow), or, for a service that is not among them
    (another municipality's), as the line's own service says."""
    return codes.get(line.service_id) or line.service.code


def catalogue_entry(service: Service | CatalogueRow) -> CatalogueService:
    return CatalogueService(
        code=service.code,
        category=service.category,
        swappable=service.swappable,
        flexible_only=service.flexible_only,
        within_service_level=service.within_service_level,
        default_minutes=service.default_minutes,
    )


def catalogue_for(session: Session, municipality_id: int) -> Mapping[str, CatalogueService]:
    services = session.scalars(
        select(Service).where(Service.municipality_id == municipality_id, Service.active.is_(True))
    )
    return {service.code: catalogue_entry(service) for service in services}


def granted_for(
    decision: Decision | None, service_codes: Mapping[int, str] | None = None
) -> list[GrantedService]:
    """The decision's grants as the rules see them. With the catalogue's codes by service
    id (a turn has read them), no grant's service is loaded for its code."""
    if decision is None:
        return []
    return [
        GrantedService(
            service_code=service_code(granted, service_codes or {}),
            minutes_per_delivery=granted.minutes_per_delivery,
            frequency=granted.frequency,
            weekdays=granted.weekday_tuple,
            start=granted.start_date,
            end=granted.end_date,
        )
        for granted in decision.granted_services
    ]
