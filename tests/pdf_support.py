"""Real PDF files for tests: the demo's hand-written PDF and an encrypted one."""

from __future__ import annotations

import io

from demo.sample_pdf import make_pdf

__all__ = ["encrypted_pdf", "make_pdf"]


def encrypted_pdf(lines: list[str], password: str = "секрет") -> bytes:  # noqa: S107
    """The same page, encrypted with a user password (pypdf writes it)."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(lines))))
    writer.encrypt(user_password=password, owner_password=password + "!")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
