from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask.wrappers import Response
from sqlalchemy import select

from selvvisitation.extensions import csrf, db
from selvvisitation.models import Municipality, Service
from selvvisitation.security.access import PUBLIC, allow

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)  # read-only JSON; nothing here changes state


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
    return jsonify(
        municipality=municipality.name,
        services=[
            {
                "code": s.code,
                "fsiii_code": s.fsiii_code,
                "name_da": s.name_da,
                "name_en": s.name_en,
                "category": s.category.value,
                "swappable": s.swappable,
                "flexible_only": s.flexible_only,
                "within_service_level": s.within_service_level,
            }
            for s in services
        ],
    )
