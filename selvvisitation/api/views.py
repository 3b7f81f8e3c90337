from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask.wrappers import Response
from sqlalchemy import select

from selvvisitation.extensions import csrf, db
from selvvisitation.models import Municipality, Service
from selvvisitation.security.access import PUBLIC, allow

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)  # read-only JSON; nothing here changes state


def _public(service: Service) -> dict[str, object]:
    """What the public may know of a service: its names, codes and the swap rules."""
    return {
        "code": service.code,
        "fsiii_code": service.fsiii_code,
        "name_da": service.name_da,
        "name_en": service.name_en,
        "category": service.category.value,
        "swappable": service.swappable,
        "flexible_only": service.flexible_only,
        "within_service_level": service.within_service_level,
    }


@blueprint.route("/kommuner/<code>/katalog")
@allow(PUBLIC)
def catalogue(code: str) -> Response:
    """The municipality's service level is public information (002 "serviceniveau")."""
    municipality = db.session.scalars(select(Municipality).where(Municipality.code == code)).first()
    if municipality is None:
        abort(404)
    services = db.session.scalars(
        select(Service)
        .where(Service.municipality_id == municipality.id, Service.active.is_(True))
        .order_by(Service.code)
    ).all()
    return jsonify(municipality=municipality.name, services=[_public(s) for s in services])
