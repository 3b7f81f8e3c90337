"""Configuration from environment variables, with safe defaults for a newcomer."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from selvvisitation.security.cpr_vault import generate_encryption_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SELVVISITATION_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _kept_secret(variable: str, file_name: str, generate: Callable[[], str]) -> str:
    """The environment variable if given; otherwise generated on first run and kept.

    Never a hard-coded secret: a fresh machine gets its own random value, stored in
    the instance directory readable only by the owner so restarts keep using it.
    """
    given = os.environ.get(variable)
    if given:
        return given
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / file_name
    if not key_file.exists():
        # Written whole to a file created 0600, then linked in place: a link never replaces
        # a file, so two processes starting at once (gunicorn workers) keep one key, and no
        # reader sees it half-written or readable by others. A lost race for the CPR key
        # would lose the numbers encrypted with the other one.
        descriptor, name = tempfile.mkstemp(dir=INSTANCE_DIR, prefix=f".{file_name}.")
        draft = Path(name)  # mkstemp creates it readable by the owner only
        with os.fdopen(descriptor, "w") as out:
            out.write(generate())
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass  # another process was first: its key is the one
        finally:
            draft.unlink()
    return key_file.read_text().strip()


def _secret_key() -> str:
    """SECRET_KEY, or one generated on first run (restarts keep sessions valid)."""
    return _kept_secret("SECRET_KEY", "secret_key", lambda: secrets.token_hex(32))


def _cpr_encryption_keys() -> list[str]:
    """CPR_ENCRYPTION_KEYS (comma-separated Fernet keys, the first encrypts), or one generated.

    Losing the key loses every CPR number in the database: the README says to back it up.
    """
    keys = _kept_secret("CPR_ENCRYPTION_KEYS", "cpr_encryption_keys", generate_encryption_key)
    return [key.strip() for key in keys.split(",") if key.strip()]


def _cpr_lookup_key() -> str:
    """CPR_LOOKUP_KEY (the blind index's HMAC key), or one generated on first run."""
    return _kept_secret("CPR_LOOKUP_KEY", "cpr_lookup_key", lambda: secrets.token_hex(32))


def _with_driver(url: str) -> str:
    """Heroku-style URLs name the old driver; psycopg 3 is what we install."""
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _with_driver(url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'selvvisitation.db'}"


# gunicorn's threads per worker (gunicorn.conf.py), by the database (issue 17). SQLite lets
# one transaction write at a time, to the whole file: a worker's threads can only wait their
# turn for it, and while they wait they take the interpreter's lock from the one that works.
# On SQLite, with 2 workers on 2 cores, a dialogue turn cost a worker about 40 % more CPU
# with 8 threads than with 1. Two threads (one working while one waits) were chosen on a
# machine whose commit took 3-4 ms: there, with 1, the day list's p99 passed 3 times its
# median in two runs of four. On a disk that commits in 0.16 ms, two threads spent the
# time in each other's way instead: a writer held the write lock 1.7-1.8 ms on average
# for a 0.85 ms write, the workers waited for it a quarter of the time, and the machine
# was 15-20 % idle. With 1 thread, in two runs each against two runs with 2
# (scripts/benchmark_requests.py, the same machine and hour), the day list served 25 and
# 25 % of the trivial page's requests against 21 and 21 %, the turn 25 and 27 % against
# 22 and 21 %, the Ældreloven turn 27 and 26 % against 21 and 23 %, with the day list's
# p99 at 1.9 times its median in both (2.2 and 1.9 with 2). A request now waits behind
# the one its worker serves (a letter's PDF, an export): the other worker goes on. A
# database server lets transactions run side by side, and a thread waits on the network
# for each statement, so there more threads serve more: 4 served as many as 8 (day list
# 24 and 23 % against 23 and 24 %, turn 23 and 27 % against 24 and 24 %, in two runs
# each), and a worker with 8 requests in flight at once kept more memory: 118-120 MB
# resident against 109-111 after a benchmark run, 127-143 MB against 117-119 after
# 15,000 mixed requests (the target is at most 120).
SQLITE_THREADS = 1
DATABASE_SERVER_THREADS = 4


def worker_threads(database_url: str | None) -> int:
    """How many requests a gunicorn worker serves at once for ``database_url`` (None: the
    SQLite file in the instance folder, as _database_url reads it)."""
    if not database_url or database_url.startswith("sqlite"):
        return SQLITE_THREADS
    return DATABASE_SERVER_THREADS


def replica_binds(url: str | None) -> dict[str, dict[str, object]]:
    """SQLALCHEMY_BINDS for a read replica at ``url`` (issue 16), or none without one.

    The read-only reports read there (selvvisitation/replica.py); every write, and every
    other read, goes to the primary. Without a replica they all read the primary.
    """
    if not url:
        return {}
    return {"replica": {"url": _with_driver(url), "pool_pre_ping": True}}


def session_cookie_name(secure: bool) -> str:
    """`__Host-` over HTTPS (issue 15, Low 13; ASVS V3.4.4): the browser keeps such a cookie
    only when it is Secure, for path / and without a Domain, so a sibling subdomain cannot
    set or shadow it. Browsers refuse the prefix over plain http, so the local demo and the
    tests keep a plain name."""
    return "__Host-selvvisitation" if secure else "selvvisitation"


class Config:
    """Production-safe defaults; every value can be set by an environment variable."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        # CPR numbers are stored encrypted (issue #6); create_app hands these to the vault.
        self.CPR_ENCRYPTION_KEYS = _cpr_encryption_keys()
        self.CPR_LOOKUP_KEY = _cpr_lookup_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
        # A streaming replica of the primary for the read-only reports (docs/deployment.md).
        self.SQLALCHEMY_BINDS = replica_binds(os.environ.get("DATABASE_REPLICA_URL"))
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
        self.SESSION_COOKIE_NAME = session_cookie_name(self.SESSION_COOKIE_SECURE)
        self.PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_TIMEOUT_SECONDS", "1800"))
        # The cookie is sent only when the session changes (security.access explains the
        # race a cookie re-sent on every response opens between requests in flight at once).
        self.SESSION_REFRESH_EACH_REQUEST = False
        # A relative's CPR number typed in a conversation left unfinished this long is
        # dropped (when next loaded, and by `flask forget-pending-cpr` run from cron).
        self.PENDING_CPR_MINUTES = int(os.environ.get("PENDING_CPR_MINUTES", "30"))
        # Relatives a citizen may add through the dialogue within the window, per session
        # and over all her sessions (issue 15: no bulk guessing of CPR numbers).
        self.RELATIVES_ADDED_PER_SESSION = int(os.environ.get("RELATIVES_ADDED_PER_SESSION", "3"))
        self.RELATIVES_ADDED_PER_CITIZEN = int(os.environ.get("RELATIVES_ADDED_PER_CITIZEN", "5"))
        self.RELATIVES_ADDED_WINDOW_HOURS = int(
            os.environ.get("RELATIVES_ADDED_WINDOW_HOURS", "24")
        )
        # The largest request body (issue 15; ASVS V13.1.3): 413 with our own page before
        # the body is read. Every form here is text; a text field is also capped in forms.
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
        self.MAX_FORM_MEMORY_SIZE = self.MAX_CONTENT_LENGTH
        # `flask import` refuses a larger file before reading it (issue 15, Medium 7); the
        # import reads the file citizen by citizen, so this bounds time more than memory.
        self.IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES") or str(200 * 1000 * 1000))
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
        # Digital Post needs an agreement with KOMBIT/Digitaliseringsstyrelsen; until then the
        # letters' envelopes and PDFs are written to this folder (services/digital_post.py).
        # Empty: Digital Post is off (nothing written; the log and the visitator say so).
        self.DIGITAL_POST_FOLDER = os.environ.get(
            "DIGITAL_POST_FOLDER", str(INSTANCE_DIR / "digital_post")
        )
        self._notification_settings()

    def _notification_settings(self) -> None:
        """Notifications (issue 14; docs/deployment.md "Notifications")."""
        # The address a notification's link starts with: the site as citizens reach it.
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
        # Each channel's transport: e-mail "smtp", SMS "http", Digital Post "adapter" (the
        # DIGITAL_POST_FOLDER transport, as for letters; no folder: dead-letter), "demo" (the
        # staff's Demo-udbakke), or "" (off: also dead-letter, so a message nobody can send
        # is seen, not lost).
        self.NOTIFY_EMAIL_TRANSPORT = os.environ.get("NOTIFY_EMAIL_TRANSPORT", "")
        self.NOTIFY_SMS_TRANSPORT = os.environ.get("NOTIFY_SMS_TRANSPORT", "")
        self.NOTIFY_DIGITAL_POST_TRANSPORT = os.environ.get(
            "NOTIFY_DIGITAL_POST_TRANSPORT", "adapter"
        )
        # Delivery: attempts before dead-letter, the first retry's wait (it doubles each
        # time), how long a worker's claim on a batch holds, and the batch size.
        self.NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS") or "6")
        self.NOTIFY_BACKOFF_SECONDS = int(os.environ.get("NOTIFY_BACKOFF_SECONDS") or "60")
        self.NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS") or "300")
        self.NOTIFY_BATCH_SIZE = int(os.environ.get("NOTIFY_BATCH_SIZE") or "50")
        # SMTP through Flask-Mailman (its own setting names).
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT") or "25")
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
        self.MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT") or "30")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "")
        # The SMS gateway: its URL, credentials (a bearer token, or a user name and password)
        # and its JSON body, whose strings may hold {to}, {text} and {sender}.
        self.SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
        self.SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
        self.SMS_GATEWAY_USERNAME = os.environ.get("SMS_GATEWAY_USERNAME", "")
        self.SMS_GATEWAY_PASSWORD = os.environ.get("SMS_GATEWAY_PASSWORD", "")
        self.SMS_GATEWAY_BODY = os.environ.get(
            "SMS_GATEWAY_BODY", '{"to": "{to}", "text": "{text}", "from": "{sender}"}'
        )
        self.SMS_GATEWAY_IDEMPOTENCY_HEADER = os.environ.get(
            "SMS_GATEWAY_IDEMPOTENCY_HEADER", "Idempotency-Key"
        )
        self.SMS_GATEWAY_TIMEOUT = int(os.environ.get("SMS_GATEWAY_TIMEOUT") or "15")
        self.SMS_SENDER = os.environ.get("SMS_SENDER", "Kommunen")


class DemoConfig(Config):
    def __init__(self) -> None:
        super().__init__()
        self.DEMO_MODE = True
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
        self.SESSION_COOKIE_NAME = session_cookie_name(self.SESSION_COOKIE_SECURE)
        # The demo sends nothing: every notification is listed on the Demo-udbakke page.
        # Its links point at `make run`'s address.
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
        for setting in (
            "NOTIFY_EMAIL_TRANSPORT",
            "NOTIFY_SMS_TRANSPORT",
            "NOTIFY_DIGITAL_POST_TRANSPORT",
        ):
            setattr(self, setting, os.environ.get(setting, "demo"))


class TestConfig(Config):
    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.DEMO_MODE = True
        self.SESSION_COOKIE_SECURE = False
        self.SESSION_COOKIE_NAME = session_cookie_name(self.SESSION_COOKIE_SECURE)
        self.SQLALCHEMY_DATABASE_URI = _with_driver(
            os.environ.get("TEST_DATABASE_URL") or "sqlite://"
        )
        # The suite reads from the primary; tests/test_replica.py makes an app with a replica.
        self.SQLALCHEMY_BINDS = {}
        self.WTF_CSRF_ENABLED = True
        # Off in tests, which decide many letters; tests/messages/test_digital_post.py turns
        # it on with a temporary folder.
        self.DIGITAL_POST_FOLDER = ""
        # Tests send nowhere unless a test starts its own SMTP server or SMS gateway (the
        # killed-worker test starts a worker process with its own transport in the env).
        for setting in (
            "NOTIFY_EMAIL_TRANSPORT",
            "NOTIFY_SMS_TRANSPORT",
            "NOTIFY_DIGITAL_POST_TRANSPORT",
        ):
            setattr(self, setting, os.environ.get(setting, "demo"))
        self.PUBLIC_BASE_URL = "https://selvvisitation.test"


def config_for(name: str | None) -> Config:
    name = name or os.environ.get("SELVVISITATION_CONFIG", "production")
    return {"production": Config, "demo": DemoConfig, "test": TestConfig}[name]()
