"""Résumé text from .txt, .md, .pdf and .docx files, extracted on this machine.

Privacy: the text is returned to the caller and written nowhere (the CLI's ``--save`` writes it
with :func:`save_text`, once the fit is answered).

Limits: a file may be small and still expand to far more than it holds (a .docx is a zip; a PDF's
streams are compressed), and the API reads uploads. So besides its size (``MAX_RESUME_BYTES``), a
.docx whose members unzip to over ``MAX_UNZIPPED_BYTES`` is refused before it is parsed, a PDF
of over ``MAX_PDF_PAGES`` pages before its text is read, and text over ``MAX_RESUME_CHARS``
characters once extracted. Each is refused with a message, never cut short: a cut résumé would
be scored on part of itself without saying so, and no real résumé comes near these limits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rolediff.errors import RolediffError, check_is_file, check_output_file, write_atomically

if TYPE_CHECKING:
    from docx.table import Table

MAX_RESUME_BYTES = 10_000_000
MAX_UNZIPPED_BYTES = 25_000_000
"""What the members of a .docx may add up to once unzipped (zip bombs stay zipped)."""
MAX_PDF_PAGES = 50
MAX_RESUME_CHARS = 1_000_000
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")


def read_resume(path: str | Path) -> str:
    """The text of a résumé file."""
    path = Path(path)
    check_is_file(path)
    _check_suffix(path.name)
    size = path.stat().st_size
    _check_size(path.name, size)
    text = resume_text(path.read_bytes(), path.name)
    return text


def check_save_path(save: str | Path, *inputs: str | Path | None) -> None:
    """Refuse a path to save a résumé's text to that is a directory, lies in no directory, or
    is one of the input files (the résumé, a profile), which saving would overwrite."""
    save = Path(save)
    check_output_file(save, "save the résumé's text to")
    if not save.exists():
        return
    for given in inputs:
        if given is not None and Path(given).exists() and save.samefile(given):
            raise RolediffError(
                f"{save} is an input ({given}); name another file to save the résumé's text to."
            )


def save_text(text: str, path: str | Path) -> None:
    """Write a résumé's text whole or not at all, readable by its owner only (an existing file
    is kept if writing fails)."""
    write_atomically(Path(path), text + "\n", private=True)


def resume_text(data: bytes, name: str) -> str:
    """The text of a résumé held in memory (an upload), its type taken from ``name``'s suffix;
    a file over the module's limits is refused (RolediffError), never truncated."""
    suffix = _check_suffix(name)
    _check_size(name, len(data))
    extract = _EXTRACTORS.get(suffix, _plain_text)
    text = extract(data, name).strip()
    if not text:
        raise RolediffError(f"{name} holds no text.")
    if len(text) > MAX_RESUME_CHARS:
        raise RolediffError(
            f"{name} holds {len(text):,} characters of text; résumés over "
            f"{MAX_RESUME_CHARS:,} characters are refused."
        )
    return text


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        hint = " Save it as .docx or PDF first." if suffix == ".doc" else ""
        raise RolediffError(
            f"{name}: cannot read '{suffix or 'no extension'}' résumés; "
            f"use {', '.join(SUFFIXES)}.{hint}"
        )
    return suffix


def _check_size(name: str, size: int) -> None:
    if size > MAX_RESUME_BYTES:
        raise RolediffError(
            f"{name} is {size / 1_000_000:.1f} MB; résumés over "
            f"{MAX_RESUME_BYTES // 1_000_000} MB are refused."
        )
    if size == 0:
        raise RolediffError(f"{name} is empty.")


def _plain_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RolediffError(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from None


def _pdf_text(data: bytes, name: str) -> str:
    import logging
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs ("invalid pdf header"); an unreadable file gets one message.
    pdf_log = logging.getLogger("pypdf")
    level = pdf_log.level
    pdf_log.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(BytesIO(data))
        locked = reader.is_encrypted and not reader.decrypt("")
        count = 0 if locked else len(reader.pages)
        too_long = count > MAX_PDF_PAGES  # checked before any page's text is read
        pages = [] if locked or too_long else [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise RolediffError(f"{name} is not a readable PDF ({exc}).") from None
    finally:
        pdf_log.setLevel(level)
    if locked:
        raise RolediffError(f"{name} is password-protected; save an unprotected copy.")
    if too_long:
        raise RolediffError(
            f"{name} has {count:,} pages; résumés over {MAX_PDF_PAGES} pages are refused."
        )
    text = "\n".join(pages)
    if not text.strip():
        raise RolediffError(
            f"{name} has no text layer (a scanned image?); export it from the original "
            "document or run it through OCR first."
        )
    return text


def _docx_text(data: bytes, name: str) -> str:
    from io import BytesIO
    from zipfile import BadZipFile, ZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    unreadable = f"{name} is not a readable .docx file"
    try:  # the sizes the zip's directory declares (reading stops at them), nothing unzipped
        with ZipFile(BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except BadZipFile as exc:
        raise RolediffError(f"{unreadable} ({exc}).") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise RolediffError(
            f"{name} unzips to {unzipped / 1_000_000:,.0f} MB; .docx résumés that unzip to over "
            f"{MAX_UNZIPPED_BYTES // 1_000_000} MB are refused."
        )
    try:  # malformed XML raises a SyntaxError (lxml's), a part of the wrong kind AttributeError
        document = docx.Document(BytesIO(data))
    except (
        BadZipFile,
        PackageNotFoundError,
        KeyError,
        ValueError,
        SyntaxError,
        AttributeError,
    ) as exc:
        raise RolediffError(f"{unreadable} ({exc}).") from None
    lines = [p.text for p in document.paragraphs]
    lines += _table_lines(document.tables)
    for box in document.element.body.iter(qn("w:txbxContent")):
        if not any(a.tag == _MC_FALLBACK for a in box.iterancestors()):  # each box once
            lines += [Paragraph(p, document).text for p in box.iter(qn("w:p"))]
    return "\n".join(lines)


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
"""Word writes a text box twice: as DrawingML and, for old readers, inside this element."""


def _table_lines(tables: list[Table]) -> list[str]:
    """Each row as its cells joined by " | ", then the rows of the tables inside its cells (a
    layout of tables within tables is common in résumé templates)."""
    lines = []
    for table in tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
            for cell in row.cells:
                lines += _table_lines(cell.tables)
    return lines


_EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {".pdf": _pdf_text, ".docx": _docx_text}
