"""The decision letter as an accessible PDF (issue 14): "Hent som PDF" and Digital Post.

WeasyPrint renders the same letter macro the screen shows (templates/visitation/_letter.html)
as PDF/UA-1: tagged, with the document's language (lang="da") and title, so a screen
reader reads the PDF as it reads the page. The letter holds its complaint guidance
(002 section 6; retssikkerhedsloven § 67), so the PDF does too.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template

from selvvisitation.domain.letter import blocks

PDF_VARIANT = "pdf/ua-1"


def letter_title(decision: Any) -> str:
    """The PDF's title: what it is and which version, never a CPR number."""
    return f"Afgørelse om hjælp i hjemmet – {decision.citizen.name} – version {decision.version}"


def letter_pdf(decision: Any) -> bytes:
    """Render the decision's stored letter to PDF/UA-1 bytes."""
    from weasyprint import HTML  # imported here: pango is loaded only when a PDF is made

    html = render_template(
        "pdf/letter.html",
        decision=decision,
        title=letter_title(decision),
        blocks=blocks(decision.letter_text),
    )
    return bytes(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))


def pdf_filename(decision: Any) -> str:
    """A file name with no CPR number and no name in it (it ends up in download folders)."""
    return f"afgoerelse-{decision.id}-version-{decision.version}.pdf"


def pdf_response(decision: Any) -> Response:
    response = Response(letter_pdf(decision), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(decision)}"'
    return response
