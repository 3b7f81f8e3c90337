"""Decision letters to Digital Post (issue 14), behind a transport adapter.

Real Digital Post needs an agreement with KOMBIT/Digitaliseringsstyrelsen. Until a
municipality has one, the default transport writes each envelope (JSON) and its PDF to a
configured folder and says so, in the log and to the visitator.

The envelope names the recipient by an opaque reference (municipality code and citizen
id), never by CPR number: neither the file names nor the file contents hold one. A real
transport resolves the reference to the CPR number (security.cpr_vault) only at the
moment it hands the letter to Digital Post.

Delivery happens after the decision is committed, so a decision that is rolled back is
never posted. It is idempotent: the envelope id is derived from the decision and its
version, the files are written under a temporary name and renamed into place (a reader
never sees half a file), and a letter already in the folder is not written again. A
delivery that fails after the commit leaves the decision standing; it is logged, the
visitator is told, and sending again writes the same envelope.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

from selvvisitation.letter_pdf import letter_pdf, letter_title

log = logging.getLogger(__name__)

# A fixed namespace: the same decision version always gets the same envelope id.
_ENVELOPE_NAMESPACE = uuid.UUID("5b0c4d1e-9f5e-4c1a-9a55-64d1f0a1c014")


@dataclass(frozen=True)
class Envelope:
    envelope_id: str
    recipient_reference: str  # opaque: no CPR number
    title: str
    sender: str
    sender_phone: str
    document_file: str
    document_type: str = "afgoerelse"
    mime_type: str = "application/pdf"
    pdf_variant: str = "PDF/UA-1"


@dataclass(frozen=True)
class Delivery:
    """What happened to one letter: where it went, and whether it was new."""

    envelope_id: str
    transport: str
    location: str
    written: bool  # False: the same letter was already there (idempotent)


class DigitalPostTransport(Protocol):
    name: str

    def deliver(self, envelope: Envelope, document: bytes) -> Delivery: ...


class FolderTransport:
    """Writes envelope and PDF to a folder; no letter reaches the citizen's Digital Post."""

    name = "folder"

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def deliver(self, envelope: Envelope, document: bytes) -> Delivery:
        self.folder.mkdir(parents=True, exist_ok=True)
        json_path = self.folder / f"{envelope.envelope_id}.json"
        document_path = self.folder / envelope.document_file
        if json_path.exists() and document_path.exists():
            return Delivery(envelope.envelope_id, self.name, str(json_path), written=False)
        # The document first, the envelope last: an envelope in the folder means a whole letter.
        _write_atomically(document_path, document)
        body = json.dumps(asdict(envelope), ensure_ascii=False, indent=2).encode("utf-8")
        _write_atomically(json_path, body)
        log.info(
            "Digital Post is not connected (it needs an agreement with KOMBIT/"
            "Digitaliseringsstyrelsen): envelope %s written to %s",
            envelope.envelope_id,
            self.folder,
        )
        return Delivery(envelope.envelope_id, self.name, str(json_path), written=True)


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def transport(config: Mapping[str, Any] | None = None) -> DigitalPostTransport | None:
    """The configured transport; None when Digital Post is off (DIGITAL_POST_FOLDER empty)."""
    folder = (current_app.config if config is None else config).get("DIGITAL_POST_FOLDER") or ""
    return FolderTransport(folder) if folder else None


def envelope_for(decision: Any) -> Envelope:
    citizen = decision.citizen
    municipality = citizen.municipality
    envelope_id = str(uuid.uuid5(_ENVELOPE_NAMESPACE, f"decision:{decision.id}:{decision.version}"))
    return Envelope(
        envelope_id=envelope_id,
        recipient_reference=f"citizen:{municipality.code}:{citizen.id}",
        title=letter_title(decision),
        sender=f"{municipality.name}, Visitationen",
        sender_phone=municipality.visitation_phone,
        document_file=f"{envelope_id}.pdf",
    )


def send_decision_letter(decision: Any) -> Delivery | None:
    """Post a committed decision's letter; None when Digital Post is off or there is no letter.

    Raises OSError when the folder cannot be written: the caller tells the visitator.
    """
    chosen = transport()
    if chosen is None or not decision.letter_text:
        if chosen is None:
            log.info("Digital Post is off: decision %s was not posted", decision.id)
        return None
    return chosen.deliver(envelope_for(decision), letter_pdf(decision))


def notification_envelope(notification: Any, municipality_code: str) -> Envelope:
    """A notification sent by Digital Post (issue 14): its short text as a plain-text
    document. The envelope id comes from the notification's idempotency key, so sending the
    same row again (a worker died before marking it sent) finds its envelope already there.
    The recipient is named by an opaque reference to the citizen or the relative, with the
    municipality's code as a decision letter's envelope has it (ids are unique in the
    database, the code says whose database), never by CPR number."""
    envelope_id = str(
        uuid.uuid5(_ENVELOPE_NAMESPACE, f"notification:{notification.idempotency_key}")
    )
    code = municipality_code
    if notification.relative_id is not None:
        reference = f"relative:{code}:{notification.relative_id}:citizen:{notification.citizen_id}"
    else:
        reference = f"citizen:{code}:{notification.citizen_id}"
    return Envelope(
        envelope_id=envelope_id,
        recipient_reference=reference,
        title=notification.subject,
        sender="Selvvisitation",
        sender_phone="",
        document_file=f"{envelope_id}.txt",
        document_type="underretning",
        mime_type="text/plain; charset=utf-8",
        pdf_variant="",
    )


def send_notification(notification: Any, config: Mapping[str, Any]) -> Delivery | None:
    """Post one notification's text; None when Digital Post is off (no folder set).
    ``config`` is the row's: the worker adds its MUNICIPALITY_CODE (notification_delivery).

    Raises OSError when the folder cannot be written (the worker tries again later)."""
    chosen = transport(config)
    if chosen is None:
        return None
    envelope = notification_envelope(notification, str(config.get("MUNICIPALITY_CODE", "")))
    return chosen.deliver(envelope, notification.body.encode("utf-8"))
