"""Configuration from environment variables, with safe defaults for a newcomer."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SELVVISITATION_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SECRET_KEY if given; otherwise generate one on first run and keep it.

    Never a hard-coded secret: a fresh machine gets its own random key, stored
    readable only by the owner so restarts keep sessions valid.
    """
    given = os.environ.get("SECRET_KEY")
    if given:
        return given
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; psycopg 3 is what we install.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'selvvisitation.db'}"


class Config:
    """Production-safe defaults; every value can be set by an environment variable."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
        self.BABEL_DEFAULT_LOCALE = "da"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
        self.LANGUAGES = ("da", "en")
        self.DEMO_MODE = _env_bool("SELVVISITATION_DEMO", False)
        self.ACCESSIBILITY_STATEMENT_URL = os.environ.get(
            "ACCESSIBILITY_STATEMENT_URL", "https://www.was.digst.dk/"
        )
        self.DEFAULT_MUNICIPALITY_CODE = os.environ.get("DEFAULT_MUNICIPALITY_CODE", "")
        # Cookies: secure by default; the local demo over plain http turns this off.
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_TIMEOUT_SECONDS", "1800"))
        # The cookie is sent only when the session changes (security.access explains the
        # race a cookie re-sent on every response opens between requests in flight at once).
        self.SESSION_REFRESH_EACH_REQUEST = False
        # A relative's CPR number typed in a conversation left unfinished this long is
        # dropped (when next loaded, and by `flask forget-pending-cpr` run from cron).
        self.PENDING_CPR_MINUTES = int(os.environ.get("PENDING_CPR_MINUTES", "30"))
        self.WTF_CSRF_TIME_LIMIT = None  # tie CSRF to the session, not a clock an old user races
        self.OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
        self.OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
        # Reverse proxies in front of the app whose X-Forwarded-For may be trusted; 0 = none,
        # so a client cannot pick its own address by sending the header (app.register_proxy).
        self.TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
        # Wrong staff sign-ins allowed per client address within a sliding window.
        self.SIGNIN_FAILURES_PER_CLIENT = int(os.environ.get("SIGNIN_FAILURES_PER_CLIENT", "20"))
        self.SIGNIN_CLIENT_WINDOW_SECONDS = int(
            os.environ.get("SIGNIN_CLIENT_WINDOW_SECONDS", "900")
        )


class DemoConfig(Config):
    def __init__(self) -> None:
        super().__init__()
        self.DEMO_MODE = True
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)


class TestConfig(Config):
    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.DEMO_MODE = True
        self.SESSION_COOKIE_SECURE = False
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql://"):
            self.SQLALCHEMY_DATABASE_URI = (
                "postgresql+psycopg://" + self.SQLALCHEMY_DATABASE_URI[13:]
            )
        self.WTF_CSRF_ENABLED = True


def config_for(name: str | None) -> Config:
    name = name or os.environ.get("SELVVISITATION_CONFIG", "production")
    return {"production": Config, "demo": DemoConfig, "test": TestConfig}[name]()
