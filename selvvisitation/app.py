"""The application factory: small register_* steps, as in cookiecutter-flask."""

from __future__ import annotations

from typing import Any

from flask import Flask

from selvvisitation.config import PROJECT_ROOT, Config, config_for
from selvvisitation.extensions import babel, csrf, db, mail


def create_app(config: Config | str | None = None, *, serving: bool = False) -> Flask:
    """The app; `serving=True` for gunicorn, which needs neither `flask db` nor the commands.

    A web worker never migrates: Flask-Migrate brings Alembic and Mako, about 480 modules
    and a tenth of a worker's memory (issue 17), so a serving app leaves them out.
    """
    app = Flask(
        __name__,
        # Templates and static assets live at the top level, outside the package.
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    if config is None or isinstance(config, str):
        config = config_for(config)
    app.config.from_object(config)
    register_proxy(app)
    register_cpr_vault(app)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_template_context(app)
    if serving:
        register_shared_setup(app)
    else:
        register_migrations(app)
        register_commands(app)
    return app


def register_shared_setup(app: Flask) -> None:
    """Do in the preloading master what each worker would otherwise do at its first
    request: configure the ORM's mappers and load the Danish and English locale data
    (together about 9 MB per worker, issue 17). Forked workers then share these pages."""
    from babel import Locale
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    for language in ("da", "en"):
        Locale.parse(language).number_symbols  # noqa: B018  (loads the locale's CLDR data)


def register_proxy(app: Flask) -> None:
    """Behind N trusted reverse proxies, the client address is the Nth from the right in
    X-Forwarded-For (werkzeug's ProxyFix). With none configured the header is ignored:
    anyone can send it, so trusting it would let a client choose its own address."""
    count = app.config.get("TRUSTED_PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to add WSGI middleware.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]  # wsgi_app is a method


def register_cpr_vault(app: Flask) -> None:
    """Give the CPR vault its keys (issue #6: CPR numbers are stored encrypted).

    The vault is one per process, like the database engine's dialect: every app in a
    process shares the keys of the last one created.
    """
    from selvvisitation.security import cpr_vault

    cpr_vault.configure(app.config["CPR_ENCRYPTION_KEYS"], app.config["CPR_LOOKUP_KEY"])


def register_extensions(app: Flask) -> None:
    from selvvisitation import models  # noqa: F401  (register all tables on the metadata)
    from selvvisitation.i18n import install_template_gettext, select_locale, select_timezone

    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)
    from selvvisitation.forms import choice_options

    app.jinja_env.globals["choice_options"] = choice_options
    csrf.init_app(app)
    mail.init_app(app)
    with app.app_context():
        from selvvisitation.database import configure_engine

        configure_engine(db.engine)
    from selvvisitation import replica

    replica.init_app(app)


def register_migrations(app: Flask) -> None:
    """`flask db …` and flask_migrate.upgrade() (Alembic), for the command line and tests."""
    from flask_migrate import Migrate

    # Batch mode lets Alembic alter tables on SQLite; compare_type catches column type changes.
    Migrate(render_as_batch=True, compare_type=True).init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations")
    )


def register_converters(app: Flask) -> None:
    """`<int:…>` in a route takes only ids the database's integer holds: a larger one is
    404, not a 500 from the database (issue 15, Low 9). Before the blueprints: a rule
    takes its converter when it is added."""
    from werkzeug.routing import IntegerConverter

    from selvvisitation.domain.dates import DB_INT_MAX

    class DatabaseIntConverter(IntegerConverter):
        def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("max", DB_INT_MAX)
            super().__init__(url_map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseIntConverter


def register_blueprints(app: Flask) -> None:
    from selvvisitation.admin.views import blueprint as admin
    from selvvisitation.api.views import blueprint as api
    from selvvisitation.auth.views import blueprint as auth
    from selvvisitation.citizen.views import blueprint as citizen
    from selvvisitation.public.views import blueprint as public
    from selvvisitation.staff.views import blueprint as staff
    from selvvisitation.supervision.views import blueprint as supervision
    from selvvisitation.visitation.views import blueprint as visitation

    for blueprint in (public, auth, citizen, staff, visitation, admin, api):
        app.register_blueprint(blueprint)
    app.register_blueprint(supervision)


def register_errorhandlers(app: Flask) -> None:
    from selvvisitation.public.errors import register

    register(app)


def register_security(app: Flask) -> None:
    from selvvisitation.security import acting_for, audit, headers, locking, log_masking
    from selvvisitation.security.access import install_access_control

    locking.install(app)
    log_masking.install()
    headers.install(app)
    install_access_control(app)
    acting_for.install(app)  # after access control, which finds whom the person acts for
    audit.install(app)


def register_template_context(app: Flask) -> None:
    from selvvisitation import asset_fingerprints, formatters, links

    formatters.register(app)
    links.register(app)
    asset_fingerprints.install(app)


def register_commands(app: Flask) -> None:
    from selvvisitation.commands import register

    register(app)
