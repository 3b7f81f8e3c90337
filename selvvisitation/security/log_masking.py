"""CPR numbers never reach a log (databeskyttelsesloven § 11; issue 6).

Installed once as the log record factory, so it covers every logger: Flask's,
werkzeug's and gunicorn's access logs, SQLAlchemy's, and any a library adds.
The message is formatted and masked when the record is made; an exception's
text is masked too. Ten digits in a row (or 6-4 with a dash or space) are
replaced: a false positive costs a readable number in a log, a false negative
costs a person's identity.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[-\s]?(\d{4})(?!\d)")
MASK = "******-****"

_installed = False


def mask_cpr_numbers(text: str) -> str:
    return CPR_PATTERN.sub(MASK, text)


def install() -> None:
    """Wrap the log record factory (once per process)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg = mask_cpr_numbers(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask_cpr_numbers(
                "".join(traceback.format_exception(*record.exc_info))
            )
            record.exc_text = record.exc_text.rstrip("\n")
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
