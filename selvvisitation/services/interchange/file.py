"""The interchange file on disk: its size cap, age encryption, and reading it in a stream.

Issue 15, Medium 6 and 7. The export file holds every CPR number, so it can be encrypted
to the receiver's age public key (``flask export --encrypt-to``), and ``flask import
--identity`` opens it again; the clear text never touches the disk. The import refuses a
file over its own size cap before reading a byte of it, and reads the file citizen by
citizen with ijson, so a large file never sits whole in memory (a 73 MB file took 1.2 GB
as one ``json.loads``); the export is written, and encrypted, as it is read, citizen by
citizen. Messages are in English and Danish, as the commands print them.
No Flask here: rules_commands.py passes the settings in.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import ijson
import pyrage

from selvvisitation.services.interchange.fields import Problem
from selvvisitation.services.interchange.source import Header, Progress, SourceError

# What an age file starts with: binary, or armored (age -a).
AGE_MAGIC = (b"age-encryption.org/v1", b"-----BEGIN AGE ENCRYPTED FILE-----")
_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK = 64 * 1024


class InterchangeFileError(Exception):
    """A recipient, identity or file that cannot be used; the message is English / Danish."""


# --- encryption for the export -----------------------------------------------------------

Recipient = Any  # pyrage.x25519.Recipient or pyrage.ssh.Recipient
Identity = Any  # pyrage.x25519.Identity


def _recipient(text: str) -> Recipient:
    if text.startswith(("ssh-ed25519 ", "ssh-rsa ")):
        return pyrage.ssh.Recipient.from_str(text)
    return pyrage.x25519.Recipient.from_str(text)


def _key_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of a key file that hold a key: age-keygen's comments (#) and blanks skipped."""
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def recipients_from(values: tuple[str, ...] | list[str]) -> list[tuple[str, Recipient]]:
    """Each ``--encrypt-to``: an age public key (age1…), an SSH public key, or a file of them
    one a line (as ``age -R``). Return (public key as written, recipient); raise on any that
    is not one, before anything is exported."""
    found: list[tuple[str, Recipient]] = []
    for value in values:
        path = Path(value)
        if not value.startswith(("age1", "ssh-")) and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = list(_key_lines(text))
            if not lines:
                raise InterchangeFileError(
                    f"{value} holds no recipient (an age public key, age1…). / "
                    f"{value} indeholder ingen modtager (en offentlig age-nøgle, age1…)."
                )
            for number, line in lines:
                try:
                    found.append((line, _recipient(line)))
                except pyrage.RecipientError:
                    raise InterchangeFileError(
                        f"Line {number} of {value} is not an age public key (age1…). / "
                        f"Linje {number} i {value} er ikke en offentlig age-nøgle (age1…)."
                    ) from None
            continue
        try:
            found.append((value.strip(), _recipient(value.strip())))
        except pyrage.RecipientError:
            shown = value if len(value) <= 80 else value[:77] + "..."
            raise InterchangeFileError(
                f'"{shown}" is not an age public key (age1…) nor a file of them; nothing was '
                f'exported. / "{shown}" er hverken en offentlig age-nøgle (age1…) eller en '
                "fil med dem; intet er udtrukket."
            ) from None
    return found


def write_export(
    pieces: Iterator[str], out: IO[bytes], recipients: list[tuple[str, Recipient]]
) -> None:
    """Write the document's text as it is made (interchange.export_text), UTF-8, or
    encrypted to every recipient when there are any (the age format, binary): age
    encrypts a stream, so pyrage reads the pieces as it encrypts them and neither the
    clear text nor the encrypted file is ever whole in memory (issue 15, Medium 7)."""
    if recipients:
        pyrage.encrypt_io(_TextReader(pieces), out, [r for _key, r in recipients])
        return
    for piece in pieces:
        out.write(piece.encode("utf-8"))


class _TextReader(io.RawIOBase):
    """Text pieces read as one stream of UTF-8 bytes, each piece made when it is needed."""

    def __init__(self, pieces: Iterator[str]) -> None:
        self.pieces = pieces
        self.left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.left:
            piece = next(self.pieces, None)
            if piece is None:
                return 0
            self.left = memoryview(piece.encode("utf-8"))
        size = min(len(buffer), len(self.left))
        buffer[:size] = self.left[:size]
        self.left = self.left[size:]
        return size


def identities_from(path: Path) -> list[Identity]:
    """The age identities (AGE-SECRET-KEY-1…) in a key file such as age-keygen writes."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    identities = []
    for _number, line in _key_lines(text):
        try:
            identities.append(pyrage.x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            continue
    if not identities:
        raise InterchangeFileError(
            f"{path.name} holds no age identity (a line AGE-SECRET-KEY-1…). / "
            f"{path.name} indeholder ingen age-identitet (en linje AGE-SECRET-KEY-1…)."
        )
    return identities


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as stream:
        start = stream.read(64)
    return start.startswith(AGE_MAGIC)


# --- the size cap ------------------------------------------------------------------------


def check_size(path: Path, limit: int) -> None:
    """Refuse a file over the import's cap (IMPORT_MAX_BYTES) before reading it."""
    if not path.is_file():
        raise InterchangeFileError(
            f"{path.name} is not an ordinary file. / {path.name} er ikke en almindelig fil."
        )
    size = path.stat().st_size
    if size > limit:
        raise InterchangeFileError(
            f"Nothing was imported: {path.name} is {_mb(size)} MB, more than the import's "
            f"limit of {_mb(limit)} MB (IMPORT_MAX_BYTES). / Intet er indlæst: {path.name} "
            f"fylder {_mb(size, ',')} MB, mere end importens grænse på {_mb(limit, ',')} MB "
            "(IMPORT_MAX_BYTES)."
        )


def _mb(size: int, point: str = ".") -> str:
    return f"{size / 1_000_000:.1f}".replace(".", point)


# --- reading the file in a stream --------------------------------------------------------


class _Counting(io.RawIOBase):
    """Reads the file, counting and hashing what it reads (progress; a changed file)."""

    def __init__(self, stream: IO[bytes], on_read: Any = None) -> None:
        self.stream = stream
        self.read_bytes = 0
        self.digest = hashlib.sha256()
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        self.digest.update(data)
        if self.on_read is not None:
            self.on_read(self.read_bytes)
        return len(data)


_BIG_NUMBERS = ijson.get_backend("python")


class FileSource:
    """The interchange file, read three times by write.import_source: the header
    (everything but the citizens), then the citizens one by one to check them, then again
    to write them. Memory grows with one citizen, not the file. An age-encrypted file is
    decrypted in a stream each time, through a pipe in memory."""

    def __init__(self, path: Path, identities: list[Identity] | None = None) -> None:
        self.path = path
        self.identities = identities or []
        self.size = path.stat().st_size
        self.digests: list[bytes] = []
        self.parser: Any = ijson  # yajl's C parser; the pure-Python one for huge integers

    @contextmanager
    def _open(self, on_read: Any = None) -> Iterator[IO[bytes]]:
        with self.path.open("rb") as raw:
            counted = _Counting(raw, on_read)
            if not self.identities:
                yield _without_bom(io.BufferedReader(counted, _CHUNK))
            else:
                with _decrypting(counted, self.identities) as clear:
                    yield _without_bom(clear)
            while counted.read(_CHUNK):  # the rest, so the digest covers the whole file
                pass
            self.digests.append(counted.digest.digest())

    def header(self, progress: Progress | None = None) -> Header:
        def on_read(done: int) -> None:
            if progress is not None:
                progress("read", min(done, self.size), self.size)

        try:
            with self._open(on_read) as stream:
                return _read_header(stream, self.parser)
        except ijson.JSONError as error:
            if self.parser is ijson and "integer overflow" in str(error.args[:1]):
                # JSON allows integers beyond 64 bits, where yajl's C parser stops; the
                # pure-Python parser reads them (slower), so the checks can name the field.
                self.parser = _BIG_NUMBERS
                return self.header(progress)
            return Header(None, problems=[_json_problem(error)])
        except SourceError as error:
            return Header(None, problems=[error.problem])

    def citizens(self) -> Iterator[Any]:
        try:
            with self._open() as stream:
                yield from self.parser.items(stream, "citizens.item", use_float=True)
        except ijson.JSONError as error:
            raise SourceError(_json_problem(error)) from None

    def unchanged(self) -> bool:
        """The same bytes in every reading: checked before the import commits."""
        return len(set(self.digests)) <= 1


# Stream: a file's, or the pipe's.
def _without_bom[Stream: io.BufferedReader[Any]](stream: Stream) -> Stream:
    """Skip a UTF-8 byte order mark, as json.loads does (Windows tools write one)."""
    if stream.peek(3)[:3] == _UTF8_BOM:
        stream.read(3)
    return stream


@contextmanager
def _decrypting(
    encrypted: io.RawIOBase, identities: list[Identity]
) -> Iterator[io.BufferedReader[io.FileIO]]:
    """Decrypt in a thread into a pipe that the parser reads: the clear text is never whole
    in memory and never on disk. A wrong key becomes a plain problem, not a traceback."""
    read_end, write_end = os.pipe()
    failure: list[Exception] = []

    def decrypt() -> None:
        try:
            with os.fdopen(write_end, "wb") as out:
                pyrage.decrypt_io(io.BufferedReader(encrypted, _CHUNK), out, identities)
        except (pyrage.DecryptError, OSError) as error:
            failure.append(error)

    thread = threading.Thread(target=decrypt, name="age-decrypt", daemon=True)
    thread.start()
    reader = io.BufferedReader(os.fdopen(read_end, "rb", buffering=0), _CHUNK)
    try:
        yield reader
    except ijson.JSONError:
        # The pipe ended early because the key did not fit, or the file is not JSON.
        reader.close()
        thread.join()
        if failure:
            raise SourceError(_DECRYPT) from None
        raise
    finally:
        reader.close()  # a reader that stops early ends the thread (broken pipe)
        thread.join()
    if failure:
        raise SourceError(_DECRYPT)


_DECRYPT = Problem(
    "$",
    "The file could not be decrypted with this identity (--identity): it was encrypted to "
    "another key, or it is damaged.",
    "Filen kunne ikke dekrypteres med denne identitet (--identity): den er krypteret til en "
    "anden nøgle, eller den er beskadiget.",
)


def _json_problem(error: Exception) -> Problem:
    """ijson's message without the text around the error: that text may hold a CPR number."""
    message = error.args[0] if error.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    first = str(message).splitlines()[0].strip() if str(message).strip() else "unreadable"
    return Problem(
        "$",
        f"Not valid JSON: {first}.",
        f"Ikke gyldig JSON: {first}.",
    )


def _read_header(stream: IO[bytes], parser: Any = ijson) -> Header:
    """Everything but the citizens' list, and how many citizens it holds; its items are
    counted and skipped, not built."""
    events = parser.parse(stream, use_float=True)
    _prefix, event, value = next(events)
    if event != "start_map":
        return Header(_build(event, value, events))
    document: dict[str, Any] = {}
    citizens = 0
    seen_citizens = False
    problems: list[Problem] = []
    for _prefix, event, value in events:
        if event == "end_map":
            break
        key = value  # a map_key at the top
        _prefix, event, value = next(events)
        if key == "citizens" and event == "start_array":
            if seen_citizens:
                problems.append(
                    Problem(
                        "$.citizens",
                        'The field "citizens" is given twice.',
                        'Feltet "citizens" er angivet to gange.',
                    )
                )
            seen_citizens = True
            citizens += _skip_array(events)
        else:
            document[key] = _build(event, value, events)
    for _event in events:  # trailing text after the document is an error too
        pass
    return Header(document, citizens, problems)


def _build(event: str, value: Any, events: Iterator[tuple[str, str, Any]]) -> Any:
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1 if event in ("start_map", "start_array") else 0
    while depth:
        _prefix, event, value = next(events)
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
    return builder.value


def _skip_array(events: Iterator[tuple[str, str, Any]]) -> int:
    """Skip an array whose start_array was just read; return how many items it held."""
    depth, items = 1, 0
    for _prefix, event, _value in events:
        if depth == 1 and event not in ("end_array", "map_key"):
            items += 1
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            break
    return items
