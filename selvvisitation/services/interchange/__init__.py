"""Import and export of a municipality as one JSON document (docs/import-format.md).

The way a municipality brings its catalogue, citizens, decisions and visits in from its
care record system (services and requests may carry Fælles Sprog III codes so records
match Nexus or Cura) and takes everything out again. Import validates the whole document
first (JSON Schema, then references, CPR numbers, duplicates) and reports every problem
with its JSON path; only a document without problems is written, all of it or nothing.
Records are matched on natural keys, so importing the same file twice changes nothing.
Export writes the same format: export, import into an empty database, export again
gives the same document.

The field tables (fields.py) drive export, import and the JSON Schema alike, so the three
cannot drift apart. No Flask here: the commands in rules_commands.py are thin.

The package: fields.py (the tables, values and paths), schema.py (the JSON Schema),
source.py (reading a document or, with file.py, a file citizen by citizen), validate.py
(every problem before anything is written), write.py (the import), export.py, and ael.py
(version 2's Ældreloven parts, called at the seams of the other three).
"""

from selvvisitation.services.interchange.export import (
    MunicipalityExport,
    dumps,
    export_municipality,
    export_text,
    open_export,
)
from selvvisitation.services.interchange.schema import json_schema
from selvvisitation.services.interchange.source import parse_json
from selvvisitation.services.interchange.validate import validate_document, validate_source
from selvvisitation.services.interchange.write import ImportResult, import_document, import_source

__all__ = [
    "ImportResult",
    "MunicipalityExport",
    "dumps",
    "export_municipality",
    "export_text",
    "import_document",
    "import_source",
    "json_schema",
    "open_export",
    "parse_json",
    "validate_document",
    "validate_source",
]
