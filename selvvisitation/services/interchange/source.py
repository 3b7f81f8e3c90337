"""Reading a document to import: in memory, or a file citizen by citizen (file.py); its
header first, then its citizens, once to check them and once more to write them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from selvvisitation.services.interchange.fields import (
    Problem,
    obj_or_empty,
)

# --- reading: a document in memory, or a file citizen by citizen ---------------------------

# (stage, done, total): "read" counts bytes of the file, "check" and "write" count citizens.
Progress = Callable[[str, int, int], None]


_TOO_DEEP = Problem("$", "The file nests too deeply.", "Filen er indlejret for dybt.")


class SourceError(Exception):
    """The source cannot be read (not JSON, not decrypted, changed while read)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Header:
    """The document without its citizens, how many citizens it holds, and what kept it from
    being read (a file that is not JSON)."""

    document: Any
    citizens: int = 0
    problems: list[Problem] = field(default_factory=list)


class Source(Protocol):
    """A document to import: its header first, then its citizens one at a time, once to
    check them and once more to write them (file.py reads a file)."""

    def header(self, progress: Progress | None = None) -> Header: ...

    def citizens(self) -> Iterator[Any]: ...

    def unchanged(self) -> bool: ...


class DocumentSource:
    """A document already in memory (the tests, export → import)."""

    def __init__(self, document: Any) -> None:
        self.document = document

    def _list(self) -> list[Any] | None:
        citizens = obj_or_empty(self.document).get("citizens")
        return citizens if isinstance(citizens, list) else None

    def header(self, progress: Progress | None = None) -> Header:
        citizens = self._list()
        if citizens is None:  # not a list (the schema says so), or no citizens at all
            return Header(self.document)
        rest = {key: value for key, value in self.document.items() if key != "citizens"}
        return Header(rest, len(citizens))

    def citizens(self) -> Iterator[Any]:
        return iter(self._list() or [])

    def unchanged(self) -> bool:
        return True


def _every(done: int, total: int) -> bool:
    """Report progress now and then (every 50 citizens) and at the end, not every citizen."""
    return done % 50 == 0 or done == total


def parse_json(text: str | bytes) -> tuple[Any, list[Problem]]:
    """Parse the file's text; a syntax error becomes a problem with its line and column."""
    try:
        return json.loads(text), []
    except UnicodeDecodeError:
        return None, [Problem("$", "The file is not UTF-8 text.", "Filen er ikke UTF-8-tekst.")]
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                "$",
                f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.",
                f"Ikke gyldig JSON: fejl i linje {error.lineno}, kolonne {error.colno} "
                f"({error.msg}).",
            )
        ]
    except RecursionError:
        return None, [_TOO_DEEP]
