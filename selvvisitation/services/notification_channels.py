"""The channels that carry a notification out of the outbox (issue 14).

Each channel's transport is chosen by configuration (config.py, docs/deployment.md):

- e-mail: NOTIFY_EMAIL_TRANSPORT "smtp" sends over SMTP with Flask-Mailman (MAIL_* settings);
- SMS: NOTIFY_SMS_TRANSPORT "http" posts to the SMS gateway (SMS_GATEWAY_* settings);
- Digital Post: NOTIFY_DIGITAL_POST_TRANSPORT "adapter" hands the notification to the
  Digital Post adapter (services/digital_post.py), whose folder transport writes the envelope
  and the text to DIGITAL_POST_FOLDER, as for letters; with no folder set Digital Post is
  off and the row goes to dead-letter, where staff see it: nothing vanishes silently;
- every channel: "demo" sends nothing and marks the row sent by "demo", so the staff's
  Demo-udbakke shows what would have been sent.

The notification's idempotency key travels with it: the e-mail's Message-ID (and an
X-Idempotency-Key header), the SMS gateway's idempotency header. A receiver that sees the
same key twice (a worker died between sending and marking sent) can drop the repeat; the
Digital Post envelope's id is made from it, so the folder holds one envelope per row.
"""

from __future__ import annotations

import hashlib
import json
import smtplib
from collections.abc import Mapping
from typing import Any

import requests
from flask_mailman import EmailMessage

from selvvisitation.domain.notifications import Channel
from selvvisitation.extensions import mail
from selvvisitation.models import Notification
from selvvisitation.services import digital_post


class DeliveryError(Exception):
    """The channel could not take the message now: it is tried again later."""

    permanent = False


class PermanentDeliveryError(DeliveryError):
    """Trying again will not help (a channel not connected, an address refused)."""

    permanent = True


class DigitalPostNotConnected(PermanentDeliveryError):
    def __init__(self) -> None:
        super().__init__(
            "Digital Post is off: DIGITAL_POST_FOLDER is empty, so the Digital Post adapter "
            "has nowhere to write the envelope (docs/deployment.md)"
        )


def message_id(notification: Notification, domain: str) -> str:
    """An RFC 5322 Message-ID made from the idempotency key: the same row, the same id."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def send_email(notification: Notification, config: Mapping[str, Any]) -> None:
    """Send over SMTP with Flask-Mailman; the settings are read at each send (MAIL_*)."""
    sender = config.get("MAIL_DEFAULT_SENDER") or "selvvisitation@localhost"
    domain = str(sender).rsplit("@", 1)[-1].strip(">") or "localhost"
    connection = mail.get_connection(
        backend="smtp",
        host=config.get("MAIL_SERVER") or "localhost",
        port=int(config.get("MAIL_PORT") or 25),
        username=config.get("MAIL_USERNAME") or "",
        password=config.get("MAIL_PASSWORD") or "",
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=bool(config.get("MAIL_USE_SSL")),
        timeout=int(config.get("MAIL_TIMEOUT") or 30),
    )
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=sender,
        to=[notification.recipient],
        connection=connection,
        headers={
            "Message-ID": message_id(notification, domain),
            "X-Idempotency-Key": notification.idempotency_key,
        },
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentDeliveryError(f"the mail server refused the address: {error}") from error
    except (smtplib.SMTPException, OSError) as error:  # OSError: refused, timed out
        raise DeliveryError(f"SMTP: {type(error).__name__}: {error}") from error


def sms_body(notification: Notification, config: Mapping[str, Any]) -> str:
    """The gateway's request body from SMS_GATEWAY_BODY, a JSON template whose string values
    may hold {to}, {text} and {sender}; JSON-escaped, so a text cannot break the body."""
    template = config.get("SMS_GATEWAY_BODY") or '{"to": "{to}", "text": "{text}"}'
    values = {
        "to": notification.recipient,
        "text": notification.body,
        "sender": config.get("SMS_SENDER") or "Kommunen",
    }

    def fill(node: Any) -> Any:
        if isinstance(node, str):
            for name, value in values.items():
                node = node.replace("{" + name + "}", value)
            return node
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value) for value in node]
        return node

    return json.dumps(fill(json.loads(template)), ensure_ascii=False)


def send_sms(notification: Notification, config: Mapping[str, Any]) -> None:
    """POST to the SMS gateway; 2xx is sent, 4xx (but 408/429) is permanent, others retry."""
    url = config.get("SMS_GATEWAY_URL")
    if not url:
        raise PermanentDeliveryError("SMS_GATEWAY_URL is not set")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        str(config.get("SMS_GATEWAY_IDEMPOTENCY_HEADER") or "Idempotency-Key"): (
            notification.idempotency_key
        ),
    }
    token = config.get("SMS_GATEWAY_TOKEN")
    auth = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    elif config.get("SMS_GATEWAY_USERNAME"):
        auth = (config["SMS_GATEWAY_USERNAME"], config.get("SMS_GATEWAY_PASSWORD") or "")
    # A named number: bandit (B113) reads an expression here as a missing timeout.
    seconds = float(config.get("SMS_GATEWAY_TIMEOUT") or 15)
    try:
        response = requests.post(
            url,
            data=sms_body(notification, config).encode(),
            headers=headers,
            auth=auth,
            timeout=seconds,
        )
    except requests.RequestException as error:
        raise DeliveryError(f"SMS gateway: {type(error).__name__}") from error
    if 200 <= response.status_code < 300:
        return
    problem = f"SMS gateway answered {response.status_code}"
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        raise PermanentDeliveryError(problem)
    raise DeliveryError(problem)


def send_digital_post(notification: Notification, config: Mapping[str, Any]) -> None:
    """Through the Digital Post adapter, as letters go (services/digital_post.py): an
    envelope and the text, written atomically; a row sent again finds its envelope there."""
    try:
        delivery = digital_post.send_notification(notification, config)
    except OSError as error:  # a full disk, a folder not mounted: worth another try
        raise DeliveryError(f"Digital Post folder: {type(error).__name__}: {error}") from error
    if delivery is None:
        raise DigitalPostNotConnected()


TRANSPORTS = {
    Channel.EMAIL: ("NOTIFY_EMAIL_TRANSPORT", {"smtp": send_email}),
    Channel.SMS: ("NOTIFY_SMS_TRANSPORT", {"http": send_sms}),
    Channel.DIGITAL_POST: ("NOTIFY_DIGITAL_POST_TRANSPORT", {"adapter": send_digital_post}),
}


def deliver(notification: Notification, config: Mapping[str, Any]) -> str:
    """Send one notification by its channel's configured transport; return the transport's
    name. Raises DeliveryError (retry) or PermanentDeliveryError (dead-letter)."""
    if notification.channel not in TRANSPORTS:
        raise PermanentDeliveryError(f"no transport for channel {notification.channel.value}")
    setting, senders = TRANSPORTS[notification.channel]
    transport = str(config.get(setting) or "")
    if transport == "demo":
        return "demo"  # the Demo-udbakke shows it; nothing leaves the machine
    sender = senders.get(transport)
    if sender is None:
        raise PermanentDeliveryError(f"{setting} is {transport!r}: no such transport")
    sender(notification, config)
    return transport
