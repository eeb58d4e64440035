"""The shareable report: one self-contained HTML file or GitHub Markdown, every figure cited."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rolediff import charts, data
from rolediff.cli_report import report_command
from rolediff.errors import RolediffError, UnknownPlaceError, UnknownRoleError
from rolediff.pay.take_home import take_home
from rolediff.report import (
    Report,
    build_report,
    render_html,
    render_markdown,
    report_format,
    write_report,
)
from rolediff.views import dollars

PAYLOAD = "<script>alert(1)</script>"
DIMENSIONS = [
    "1. Focus",
    "2. Roles and responsibilities",
    "3. Skills, background and education",
    "4. Career prospects",
    "5. Salaries in Raleigh, NC",
]


class Page(HTMLParser):
    """What a test needs of an HTML page: its tags with attributes, its tables, headings,
    reference list items and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self.references: dict[str, str] = {}
        self.ids: set[str] = set()
        self._caption: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._ref: tuple[str, list[str]] | None = None
        self._in_caption = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "li" and str(attributes.get("id", "")).startswith("ref-"):
            self._ref = (str(attributes["id"]), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
            assert self._caption is not None
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            assert self._caption is not None
            self.tables[self._caption].append(self._row)
            self._row = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "li" and self._ref is not None:
            self.references[self._ref[0]] = " ".join("".join(self._ref[1]).split())
            self._ref = None

    def handle_data(self, text: str) -> None:
        for part in (self._cell, self._heading, self._ref[1] if self._ref else None):
            if part is not None:
                part.append(text)
        if self._in_caption:
            self._caption = (self._caption or "") + text

    def row(self, caption: str, label: str) -> list[str]:
        return next(r for r in self.tables[caption] if r[0] == label)


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report("devops", "sre", city="Raleigh")


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


@pytest.fixture(scope="module")
def fitted() -> Report:
    return build_report("devops", "sre", skills=f"linux, docker, k8s, a|b, {PAYLOAD}")


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page(html: str, page: Page) -> None:
    assert html.startswith("<!DOCTYPE html>")
    external = [
        (tag, name, value)
        for tag, attributes in page.tags
        for name, value in attributes.items()
        if value
        and re.search(r"^\s*(https?:)?//|https?://", value, re.IGNORECASE)
        and name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data", "style")
    ]
    assert external == []
    assert not any(tag in ("script", "link", "iframe", "img", "object") for tag, _ in page.tags)
    assert "<script" not in html.lower()
    assert "@import" not in html and "url(http" not in html
    # Every in-page link lands on an element of the page.
    anchors = [a["href"] for t, a in page.tags if t == "a" and a.get("href")]
    assert anchors and all(str(h).startswith("#") and str(h)[1:] in page.ids for h in anchors)
    # The charts are inline SVG: the skills chart, the city chart and each role's top metros.
    assert sum(tag == "svg" for tag, _ in page.tags) == 4
    for key in ("skills", "city", "top-a", "top-b"):
        assert f'id="chart-{key}"' in html


def test_html_has_the_five_dimensions_and_the_article_tables(page: Page) -> None:
    for heading in DIMENSIONS:
        assert heading in page.headings
    assert page.headings.index(DIMENSIONS[0]) < page.headings.index(DIMENSIONS[-1])
    for caption in (
        "Skills both roles need",
        "Skills only SRE needs",
        "Background",
        "Education",
        "Job openings published by the article",
        "National salaries (article)",
    ):
        assert page.tables[caption], caption
    only_sre = {row[0] for row in page.tables["Skills only SRE needs"][1:]}
    assert "Incident response and management" in only_sre
    assert page.row("National salaries (article)", "Average a year")[1:] == [
        "$120,000",
        "$162,000",
    ]
    assert page.row("Education", "Master's in computer science or engineering")[1:] == [
        "—",
        "preferred",
    ]


def test_raleigh_take_home_is_the_take_home_function_figure(report: Report, page: Page) -> None:
    caption = next(c for c in page.tables if c.startswith("Take-home in Raleigh, NC"))
    for column, role in ((1, "devops"), (2, "sre")):
        expected = take_home(role=role, place="Raleigh, NC")
        row = page.row(caption, "Take-home a month")
        assert row[column] == dollars(expected.take_home_monthly)
        assert page.row(caption, "Estimated salary a year")[column] == dollars(
            expected.gross_annual
        )
    assert report.take_home is not None and report.take_home.a.place == "Raleigh, NC"


def test_the_articles_raleigh_figures_stand_beside_rolediffs(report: Report, html: str) -> None:
    assert report.take_home is not None
    sre = report.take_home.b
    said = (
        "SRE, average salary per year: nearly $200,000 in the article (2023-01-30), "
        f"{dollars(sre.gross_annual)} by rolediff; SRE, kept per month after tax, rent and "
        f"living costs: nearly $10,000 in the article (2023-01-30), "
        f"{dollars(sre.take_home_monthly)} by rolediff."
    )
    assert said in html
    elsewhere = render_html(build_report("devops", "sre", city="Houston, TX"))
    assert "The article's own figures for" not in elsewhere  # it gives none for Houston


def test_top_metros_are_ranked_by_monthly_take_home(report: Report, page: Page) -> None:
    for short, rows in (("DevOps", report.top_cities.a), ("SRE", report.top_cities.b)):
        table = page.tables[f"{short}: the 10 metros with the highest monthly take-home"]
        assert [r[1] for r in table[1:]] == [row.place for row in rows]
        monthly = [row.take_home_monthly for row in rows]
        assert monthly == sorted(monthly, reverse=True) and len(monthly) == 10


def test_every_cited_source_is_in_the_references_with_its_date(report: Report, page: Page) -> None:
    references = list(page.references.values())
    cited = dict(report.comparison.sources)
    assert {"article", "sre-book"} <= set(cited)
    for source in cited.values():
        assert any(
            source.title in text and f"As of {source.date}." in text and source.url in text
            for text in references
        ), source.id
    # The pay figures' sources (URLs) and datasets are listed, each with a date too.
    assert report.take_home is not None
    for url in [*report.take_home.a.sources, *report.take_home.b.sources]:
        if url.startswith("http"):
            assert any(url in text for text in references), url
    for dataset in data.datasets():
        if dataset.id in ("wages", "living", "tax-federal", "tax-state", "market"):
            assert any(dataset.title in t and "As of " in t for t in references), dataset.id
    # Each of the five dimensions cites its sources by reference number.
    for section in ("focus", "responsibilities", "skills", "prospects", "salaries"):
        start = page.tags.index(("section", {"id": section}))
        following = page.tags[start:]
        end = next(i for i, (t, a) in enumerate(following[1:], 1) if t == "section")
        links = [a["href"] for t, a in following[:end] if t == "a"]
        assert any(str(h).startswith("#ref-") for h in links), section


def _values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """A chart's data, inline or in its top-level datasets."""
    found = spec["data"]
    values: list[dict[str, Any]] = (
        found["values"] if "values" in found else spec["datasets"][found["name"]]
    )
    return values


def test_report_charts_carry_the_reports_figures(report: Report) -> None:
    assert report.take_home is not None
    ta, tb = report.take_home.a, report.take_home.b
    spec = charts.take_home_chart([("DevOps", ta), ("SRE", tb)], "Raleigh")
    values = _values(spec)
    for label, t in (("DevOps", ta), ("SRE", tb)):
        pieces = {v["piece"]: v["monthly"] for v in values if v["place"] == label}
        assert pieces["take-home"] == t.take_home_monthly and pieces["rent"] == t.rent_monthly
        assert sum(pieces.values()) == pytest.approx(t.gross_annual / 12, abs=0.05)
    shared = report.comparison.skills.shared
    records = [{"skill": s.name, "role": "DevOps", "share": s.share_a} for s in shared]
    spec = charts.skill_shares_chart(records, ["DevOps", "SRE"], "Skills")
    assert spec["encoding"]["y"]["sort"] == [s.name for s in shared]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["DevOps", "SRE"]
    assert [v["share"] for v in _values(spec)] == [s.share_a for s in shared]


def test_skills_chart_labels_say_what_the_skills_tables_say(html: str, page: Page) -> None:
    # Ties such as 0.825 (132 of 160 DevOps postings in the bundled snapshot ask for
    # infrastructure automation) must round the same way in the table and in the chart.
    for caption in ("Skills both roles need", "Skills only SRE needs"):
        for row in page.tables[caption][1:]:
            for role, cell in (("DevOps", row[3]), ("SRE", row[4])):
                assert f'skill: {row[0]}; role: {role}; share: {cell}"' in html, (row, role)


def test_fit_section_only_with_skills(page: Page, fitted: Report) -> None:
    assert "fit" not in page.ids and "Your fit" not in page.headings
    fit_page = Page(render_html(fitted))
    assert "Your fit" in fit_page.headings
    assert fitted.fit is not None
    scores = fit_page.tables["Fit by role (share of the role's weighted skill areas you cover)"]
    assert {row[0] for row in scores[1:]} == {p.name for p in data.role_profiles().values()}
    assert fitted.fit.target in ("devops", "sre")  # the closer of the two roles
    assert any(c.startswith("Learning path toward") for c in fit_page.tables)
    assert fit_page.row("Skills recognised", "Kubernetes")[2] == "k8s"
    # Without a city: no take-home in a city, but the best metros are still there.
    assert fitted.take_home is None
    assert not any(c.startswith("Take-home in") for c in fit_page.tables)
    assert "DevOps: the 10 metros with the highest monthly take-home" in fit_page.tables


def test_gap_shares_are_shown_from_their_counts(fitted: Report) -> None:
    """Gap shares are rounded (85 of the snapshot's 179 SRE postings ask for on-call: 47.49%,
    held as 0.475, which printed as 48%; 17 of 179 is 9.497%, held as 0.095, printed 10%)."""
    assert fitted.fit is not None
    caption = "Gaps toward SRE, most points first"
    gaps = fitted.fit.gaps["sre"]
    for row, gap in zip(Page(render_html(fitted)).tables[caption][1:], gaps, strict=False):
        assert gap.n is not None and gap.postings
        assert row[4] == f"{gap.n / gap.postings:.0%}"
    boundary = gaps[0].model_copy(update={"share": 0.095, "n": 17, "postings": 179})
    fit = fitted.fit.model_copy(update={"gaps": {**fitted.fit.gaps, "sre": [boundary]}})
    shown = fitted.model_copy(update={"fit": fit})
    assert Page(render_html(shown)).row(caption, boundary.name)[4] == "9%"
    rows = [line for line in render_markdown(shown).splitlines() if f"| {boundary.name} |" in line]
    assert any("| 9% |" in row for row in rows) and not any("| 10% |" in row for row in rows)


def test_user_text_is_escaped_in_html_and_markdown(fitted: Report, tmp_path: Path) -> None:
    assert fitted.fit is not None
    assert PAYLOAD in [u.text for u in fitted.fit.unrecognised]
    html = render_html(fitted)
    assert PAYLOAD not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert [r[0] for r in Page(html).tables["Words not recognised as skills"][1:]] == [
        "a|b",
        PAYLOAD,
    ]
    markdown = render_markdown(fitted)
    assert PAYLOAD not in markdown and "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "| a\\|b |" in markdown  # a pipe in user text does not split a table cell

    resume = "Jane Doe\n\nSkills: Linux, Kubernetes, Docker, " + PAYLOAD + "\n"
    from_resume = build_report("devops", "sre", resume_text=resume)
    assert from_resume.fit is not None and from_resume.fit.inputs == ["resume"]
    assert PAYLOAD in [u.text for u in from_resume.fit.unrecognised]
    assert PAYLOAD not in render_html(from_resume)
    assert PAYLOAD not in render_markdown(from_resume)


def test_learning_path_goes_to_the_closer_of_the_two_roles_unless_told() -> None:
    skills = "linux, docker, jenkins, ansible, terraform"
    r = build_report("sre", "platform", skills=skills)
    assert r.fit is not None
    best_overall = next(iter(r.fit.scores))
    closer = max(("sre", "platform"), key=lambda role: r.fit.scores[role] if r.fit else 0)
    assert r.fit.target == closer
    assert best_overall not in ("sre", "platform")  # fit alone would have chosen another role
    told = build_report("sre", "platform", skills=skills, target="devsecops")
    assert told.fit is not None and told.fit.target == "devsecops"


# --- Markdown --------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_has_the_same_sections_and_github_tables(report: Report) -> None:
    markdown = render_markdown(report)
    for heading in DIMENSIONS:
        assert f"\n## {heading}\n" in markdown
    assert "\n## Sources and dates\n" in markdown
    lines = markdown.splitlines()
    separators = [i for i, line in enumerate(lines) if re.fullmatch(r"\|( -{3}:? \|)+", line)]
    assert len(separators) >= 10
    for i in separators:  # header, separator and rows all have the same number of cells
        width = len(_cells(lines[i]))
        assert len(_cells(lines[i - 1])) == width
        j = i + 1
        while j < len(lines) and lines[j].startswith("|"):
            assert len(_cells(lines[j])) == width, lines[j]
            j += 1
    assert report.take_home is not None
    figure = dollars(report.take_home.b.take_home_monthly)
    take_home_row = next(line for line in lines if line.startswith("| Take-home a month |"))
    assert _cells(take_home_row)[2] == figure
    assert "![" not in markdown  # no chart files given: charts are left out
    for source in report.comparison.sources.values():
        assert f"**{source.title}**" in markdown and f"As of {source.date}." in markdown


def test_markdown_file_refers_to_its_charts_written_beside_it(
    report: Report, tmp_path: Path
) -> None:
    path = write_report(report, tmp_path / "r.md")
    text = path.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images == ["r-skills.svg", "r-city.svg", "r-top-a.svg", "r-top-b.svg"]
    for name in images:
        assert (tmp_path / name).read_text(encoding="utf-8").startswith("<svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*images, "r.md"])


# --- formats, errors, writing ------------------------------------------------------------------


def test_format_from_suffix_or_explicit() -> None:
    assert report_format("r.html") == report_format("R.HTM") == "html"
    assert report_format("notes/r.md") == "md"
    assert report_format("r.txt", "md") == "md"
    assert report_format("r", "markdown") == "md"
    with pytest.raises(RolediffError, match="make them agree"):
        report_format("r.md", "html")  # an HTML page named .md would open as text
    for bad in ("r.txt", "report", "r.pdf"):
        with pytest.raises(RolediffError, match=r"\.html, \.htm, \.md"):
            report_format(bad)
    with pytest.raises(RolediffError, match="html or md"):
        report_format("r.html", "pdf")


def test_bad_input_is_a_rolediff_error(report: Report, tmp_path: Path) -> None:
    with pytest.raises(UnknownRoleError):
        build_report("devopz", "sre")
    with pytest.raises(UnknownPlaceError):
        build_report("devops", "sre", city="Atlantis, ZZ")
    with pytest.raises(RolediffError, match="two different roles"):
        build_report("sre", "SRE")
    with pytest.raises(RolediffError, match="Tax year 1999"):
        build_report("devops", "sre", city="Raleigh", year=1999)
    with pytest.raises(RolediffError, match="Cannot tell the report format"):
        write_report(report, tmp_path / "r.pdf")
    with pytest.raises(RolediffError, match="No such directory"):
        write_report(report, tmp_path / "missing" / "r.html")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RolediffError, match=f"{tmp_path} is a directory; name a file"):
        write_report(report, tmp_path)  # not "cannot tell the format from" the folder's name


def test_a_failed_render_leaves_no_file_and_keeps_the_old_one(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(spec: object) -> str:
        raise RuntimeError("renderer failed")

    old = tmp_path / "old.html"
    old.write_text("old report", encoding="utf-8")
    monkeypatch.setattr(charts, "svg", broken)
    for name in ("new.html", "old.html", "new.md"):
        with pytest.raises(RuntimeError, match="renderer failed"):
            write_report(report, tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == ["old.html"]
    assert old.read_text(encoding="utf-8") == "old report"


def test_a_failed_write_leaves_no_temporary_file(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.html"
    target.write_text("old report", encoding="utf-8")

    def no_rename(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(RolediffError, match=r"Cannot write .*r\.html: disk full"):
        write_report(report, target)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    assert target.read_text(encoding="utf-8") == "old report"
    write_report(report, target)  # and a successful write replaces it in full
    assert target.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_tax_year_is_carried_to_every_pay_figure() -> None:
    older = build_report("devops", "sre", city="Raleigh", year=2024)
    assert older.take_home is not None
    assert older.take_home.a.year == older.take_home.b.year == older.ranking_year == 2024
    comparison_pay = older.comparison.salaries.take_home
    assert comparison_pay is not None and comparison_pay.a.year == 2024
    assert older.take_home.a == take_home(role="devops", place="Raleigh, NC", year=2024)
    page = Page(render_html(older))
    assert "Take-home in Raleigh, NC (tax year 2024)" in page.tables
    assert older.model_dump(mode="json")["ranking_year"] == 2024


# --- the command -----------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report_command)
    app.command("other")(lambda: None)  # two commands: "report" is a subcommand, as in rolediff
    return app


def test_command_writes_html_and_markdown(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(_app(), ["report", "devops", "sre", "--city", "Raleigh", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote {out}"
    assert "5. Salaries in Raleigh, NC" in Page(out.read_text(encoding="utf-8")).headings

    resume = tmp_path / "cv.txt"
    resume.write_text("Skills: Linux, Kubernetes, Docker, " + PAYLOAD + "\n", encoding="utf-8")
    md = tmp_path / "mine.txt"
    args = ["report", "sre", "platform", "--resume", str(resume), "-o", str(md), "-f", "markdown"]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# SRE or Platform?") and "## Your fit" in text
    assert PAYLOAD not in text and (tmp_path / "mine-fit.svg").is_file()


def test_command_refuses_an_unknown_suffix_before_any_work(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.docx"
    result = runner.invoke(_app(), ["report", "devops", "sre", "-o", str(out)])
    assert isinstance(result.exception, RolediffError)  # rolediff's CLI prints it, exits 2
    assert "Cannot tell the report format from 'r.docx'" in str(result.exception)
    result = runner.invoke(_app(), ["report", "devops", "sre", "-o", str(out), "-f", "pdf"])
    assert result.exit_code == 2  # a usage error
    assert list(tmp_path.iterdir()) == []
    result = runner.invoke(_app(), ["report", "devops", "sre", "-o", str(tmp_path)])
    assert (
        str(result.exception) == f"{tmp_path} is a directory; name a file to write the report to."
    )


def test_rolediff_cli_exits_2_on_a_bad_report_name(tmp_path: Path) -> None:
    from rolediff import cli

    assert cli.run(["report", "devops", "sre", "-o", str(tmp_path / "r.txt")]) == 2
    assert cli.run(["report", "devops", "nope", "-o", str(tmp_path / "r.html")]) == 2
    assert cli.run(["report", "devops", "sre", "-c", "Raleigh", "-o", str(tmp_path / "r.htm")]) == 0
    assert list(tmp_path.iterdir()) == [tmp_path / "r.htm"]


def test_education_prose_says_not_listed_rather_than_a_dash(report: Report) -> None:
    """The paragraph read "Master's in computer science or engineering: DevOps —, SRE
    preferred": a dash is a table's empty cell, not a word."""
    markdown = render_markdown(report)
    (line,) = [x for x in markdown.splitlines() if x.startswith("Where the two differ: ")]
    assert "—" not in line
    assert (
        "Master's in computer science or engineering: not listed for DevOps, preferred for SRE"
        in line
    )
