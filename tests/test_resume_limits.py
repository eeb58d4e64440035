"""Résumés that expand far beyond their size are refused with a message, before the expensive
part: a .docx zip bomb before it is parsed, a long PDF before its pages are read, and text over
the character limit instead of being cut short."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from fastapi.testclient import TestClient

from rolediff.api import create_app
from rolediff.errors import RolediffError
from rolediff.resume import (
    MAX_PDF_PAGES,
    MAX_RESUME_CHARS,
    MAX_UNZIPPED_BYTES,
    read_resume,
    resume_text,
)

DOCX = Path(__file__).parent / "fixtures" / "resumes" / "sre.docx"
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_of(run: str, times: int) -> bytes:
    """The fixture .docx with its body replaced by one paragraph: ``run`` ``times`` times."""
    runs = f'<w:r><w:t xml:space="preserve">{run}</w:t></w:r>' * times
    body = f'<w:document xmlns:w="{WORD}"><w:body><w:p>{runs}</w:p></w:body></w:document>'
    out = BytesIO()
    with ZipFile(DOCX) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for item in source.infolist():
            is_body = item.filename == "word/document.xml"
            target.writestr(item.filename, body if is_body else source.read(item))
    return out.getvalue()


def test_a_docx_bomb_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = docx_of("kubernetes terraform ", MAX_UNZIPPED_BYTES // 40)
    assert len(bomb) < 1_000_000  # small on disk, over 25 MB unzipped
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)

    def parse(*args: object) -> None:
        raise AssertionError("the bomb was parsed")

    monkeypatch.setattr("docx.Document", parse)
    with pytest.raises(RolediffError, match=r"bomb\.docx unzips to \d+ MB; .* over 25 MB"):
        read_resume(path)


@pytest.mark.parametrize("name", ["long.txt", "long.docx"])
def test_text_over_the_limit_is_refused_not_cut(name: str) -> None:
    words = "linux docker "
    times = MAX_RESUME_CHARS // len(words) + 1
    data = (words * times).encode() if name.endswith(".txt") else docx_of(words, times)
    with pytest.raises(RolediffError, match=r"characters of text; résumés over 1,000,000"):
        resume_text(data, name)
    at_the_limit = ("x" * MAX_RESUME_CHARS).encode()
    assert len(resume_text(at_the_limit, "limit.txt")) == MAX_RESUME_CHARS


def test_a_pdf_over_the_page_limit_is_refused_before_its_text_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pypdf import PageObject, PdfWriter

    writer = PdfWriter()
    for _ in range(MAX_PDF_PAGES + 1):
        writer.add_blank_page(width=612, height=792)
    out = BytesIO()
    writer.write(out)

    def extract(*args: object, **kwargs: object) -> str:
        raise AssertionError("a page's text was read")

    monkeypatch.setattr(PageObject, "extract_text", extract)
    with pytest.raises(RolediffError, match=f"has {MAX_PDF_PAGES + 1} pages; résumés over 50"):
        resume_text(out.getvalue(), "long.pdf")


def test_the_api_refuses_a_docx_bomb_with_a_400() -> None:
    bomb = docx_of("kubernetes terraform ", MAX_UNZIPPED_BYTES // 40)
    response = TestClient(create_app()).post(
        "/api/v1/fit/resume", files={"file": ("cv.docx", bomb)}
    )
    assert response.status_code == 400
    assert "unzips to" in response.json()["error"]["message"]
