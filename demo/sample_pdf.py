"""A real one-page PDF written by hand, for the demo's print editions and tests.

The text is drawn in a standard font through one-byte codes and a
``ToUnicode`` map, so that any text (Cyrillic and Kazakh letters included) is
extracted back exactly by pypdf, and the page renders with pypdfium2. Glyphs
on the rendered page are Latin stand-ins: the demo covers are placeholders.
"""

from __future__ import annotations

import io


def _codes(text: str) -> dict[str, int]:
    """ASCII keeps its own codes (drawn as itself); other letters get the
    upper half of the byte range (drawn as Latin stand-ins or nothing)."""
    others = sorted({char for char in text if not " " <= char <= "~"})
    if len(others) > 128:
        raise ValueError("too many distinct non-ASCII characters for one font")
    codes = {char: ord(char) for char in set(text) if " " <= char <= "~"}
    codes.update({char: 0x80 + i for i, char in enumerate(others)})
    return codes


#: A newspaper front page in outline: masthead bar, rules and photo blocks.
FRONT_PAGE = (
    "0.1 g 40 770 515 44 re f "
    "1 g BT /F1 30 Tf 55 782 Td (KOSTANAY MINERALS) Tj ET "
    "0 g 40 760 515 2 re f "
    "0.82 g 40 470 330 190 re f 385 560 170 100 re f 385 470 170 80 re f "
    "0.9 g 40 120 250 330 re f 305 120 250 150 re f "
    "0 g 40 100 515 1 re f\n"
)


def _to_unicode(codes: dict[str, int]) -> bytes:
    entries = "\n".join(
        f"<{code:02X}> <{ord(char):04X}>" for char, code in codes.items()
    )
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /KmpressTest def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(codes)} beginbfchar\n{entries}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()


def make_pdf(lines: list[str]) -> bytes:
    """A valid one-page A4 PDF showing ``lines``."""
    codes = _codes(" ".join(lines))
    shown = []
    for number, line in enumerate(lines):
        hexed = "".join(f"{codes[char]:02X}" for char in line)
        size, top = (22, 715) if number == 0 else (12, 700 - 16 * number)
        shown.append(f"BT /F1 {size} Tf 40 {top} Td <{hexed}> Tj ET")
    content = (FRONT_PAGE + "\n".join(shown)).encode()
    cmap = _to_unicode(codes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()
