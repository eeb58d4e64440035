"""The packaged data itself: every file parses, is listed, cited, and consistent."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from rolediff import data
from rolediff.skills import surface, taxonomy

DATA = files("rolediff.data")


def _dataset_dirs() -> list[str]:
    return sorted(p.name for p in DATA.iterdir() if p.is_dir() and not p.name.startswith("__"))


def test_every_folder_is_a_listed_dataset_with_a_source_note() -> None:
    listed = {d.path for d in data.datasets()}
    assert set(_dataset_dirs()) == listed
    for d in data.datasets():
        folder = DATA / d.path
        assert (folder / "SOURCE.md").is_file(), d.path
        present = {p.name for p in folder.iterdir() if p.is_file() and p.name != "SOURCE.md"}
        assert present == set(d.files), f"{d.path}: files on disk differ from datasets.toml"


def test_dataset_ids_are_unique() -> None:
    ids = [d.id for d in data.datasets()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "loader",
    [
        data.skills,
        data.sources,
        data.role_profiles,
        data.published_figures,
        data.principal_cities,
        data.metro_counties,
        data.states,
        data.place_aliases,
        data.city_names,
    ],
)
def test_every_dataset_parses(loader) -> None:  # type: ignore[no-untyped-def]
    assert loader()


def test_skill_ids_and_surface_forms_are_unique() -> None:
    skills = data.skills()
    assert len({s.id for s in skills}) == len(skills)
    forms = Counter(surface(f) for s in skills for f in {s.name, *s.aliases})
    assert [f for f, n in forms.items() if n > 1] == []


def test_the_packaged_also_credits_are_valid() -> None:
    rules = data.skill_context_rules()
    assert rules.also  # the entries the matcher uses (skills/SOURCE.md)
    data.check_also_credits(rules, data.skills())


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"skill": "cloud-certfication", "forms": ["aws certification"]}, "not an id"),
        ({"skill": "cloud-certification", "forms": ["aws certificate"]}, "no id, name or alias"),
        ({"skill": "aws", "forms": ["AWS Certification"]}, "already a form of aws"),
        ({"skill": "cloud-certification", "forms": ["automation"]}, "stop form"),
        ({"skill": "azure", "forms": ["aws certification"]}, "both cloud-certification and azure"),
    ],
)
def test_also_credits_that_cannot_work_are_refused(entry: dict[str, object], message: str) -> None:
    from rolediff.data.schema import ContextRules

    good = {"skill": "cloud-certification", "forms": ["aws certification"]}
    rules = ContextRules.model_validate(
        {"stop": ["automation"], "also": [good, entry] if entry["skill"] == "azure" else [entry]}
    )
    with pytest.raises(data.DataError, match=message):
        data.check_also_credits(rules, data.skills())


def test_the_loader_refuses_an_also_credit_to_an_unknown_skill(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = {"also": [{"skill": "no-such-skill", "forms": ["aws certification"]}]}
    monkeypatch.setattr(data, "read_toml", lambda relpath: bad)
    data.skill_context_rules.cache_clear()
    try:
        with pytest.raises(data.DataError, match="'no-such-skill' is not an id"):
            data.skill_context_rules()
    finally:
        monkeypatch.undo()
        data.skill_context_rules.cache_clear()
    assert data.skill_context_rules().also


def test_taxonomy_size_and_areas() -> None:
    tax = taxonomy()
    assert 250 <= len(tax.by_id) <= 1000, "several hundred skills, not thousands"
    area_ids = {a.id for a in tax.areas()}
    for skill in tax.by_id.values():
        if skill.kind == "area":
            assert skill.area is None
        else:
            assert skill.area in area_ids, skill.id
    assert [a for a in sorted(area_ids) if not tax.members(a)] == [], "every area has members"


@pytest.mark.parametrize(
    ("text", "skill_id"),
    [
        ("k8s", "kubernetes"),
        ("K8S", "kubernetes"),
        ("golang", "go"),
        ("argocd", "argo-cd"),
        ("Google Cloud Platform", "gcp"),
        ("CI/CD", "ci-cd"),
        ("Amazon Web Services", "aws"),
    ],
)
def test_aliases_resolve(text: str, skill_id: str) -> None:
    assert taxonomy().resolve(text).id == skill_id


ARTICLE_TOOLS = [
    "ansible",
    "chef",
    "puppet",
    "docker",
    "kubernetes",
    "apache-mesos",
    "docker-swarm",
    "aws",
    "azure",
    "gcp",
    "prometheus",
    "grafana",
    "elasticsearch",
    "jenkins",
    "travis-ci",
    "circleci",
    "python",
    "javascript",
    "go",
    "bash",
    "git",
    "linux",
    "unix",
    "agile",
    "load-balancing",
    "dns",
    "firewalls",
    "infrastructure-as-code",
    "distributed-systems",
]


def test_every_skill_the_article_names_is_in_the_taxonomy() -> None:
    tax = taxonomy()
    missing = [i for i in ARTICLE_TOOLS if i not in tax.by_id]
    assert missing == []


def test_role_skills_exist_in_the_taxonomy() -> None:
    tax = taxonomy()
    for role in data.role_profiles().values():
        ids = [s.id for s in role.skills]
        assert len(ids) == len(set(ids)), role.id
        for entry in role.skills:
            assert tax.get(entry.id).kind == "area", (role.id, entry.id)
            for example in entry.examples:
                assert tax.get(example).kind != "area", (role.id, example)


def test_role_ids_match_file_names_and_related_roles_exist() -> None:
    profiles = data.role_profiles()
    for rid, role in profiles.items():
        assert role.id == rid
        assert set(role.related) <= set(profiles) - {rid}


def _cited(node: object) -> list[str]:
    if isinstance(node, dict):
        found: list[str] = []
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                found.append(value)
            elif key == "sources" and isinstance(value, list):
                found.extend(value)
            else:
                found.extend(_cited(value))
        return found
    if isinstance(node, list):
        return [x for item in node for x in _cited(item)]
    return []


def test_every_claim_cites_a_known_source() -> None:
    known = set(data.sources())
    cited = _cited([r.model_dump() for r in data.role_profiles().values()])
    cited += _cited(data.published_figures().model_dump())
    assert cited
    assert set(cited) <= known


def test_every_defined_source_is_cited() -> None:
    cited = set(_cited([r.model_dump() for r in data.role_profiles().values()]))
    cited |= set(_cited(data.published_figures().model_dump()))
    assert set(data.sources()) - cited == set()


def test_article_city_table_adds_up() -> None:
    for row in data.published_figures().city_table:
        kept = row.monthly_after_tax - row.rent_1br - row.cost_of_living
        assert kept == pytest.approx(row.take_home, abs=0.005), row.city_label


def test_article_places_and_roles_are_known() -> None:
    from rolediff import resolve_place

    figures = data.published_figures()
    for item in [*figures.city_table, *figures.claims]:
        assert resolve_place(item.place).label == item.place
    roles = set(data.role_profiles())
    for rec in [*figures.salaries, *figures.openings, *figures.city_table, *figures.claims]:
        assert rec.role in roles
    for note in figures.notes:
        assert set(note.roles) <= roles


def test_published_salary_ranges_are_ordered() -> None:
    for s in data.published_figures().salaries:
        assert s.low <= s.average <= s.high


def test_geo_keys_are_unique_and_consistent() -> None:
    cities = data.principal_cities()
    assert len({c.lookup_key for c in cities}) == len(cities)
    metro_codes = {m.cbsa_code for m in data.metro_counties()}
    assert {c.cbsa_code for c in cities} <= metro_codes
    states = {s.state_abbr for s in data.states()}
    assert {c.state_abbr for c in cities} <= states
    aliases = [a.alias.lower() for a in data.place_aliases()]
    assert len(aliases) == len(set(aliases))
    keys = {c.lookup_key for c in cities}
    assert {n.lookup_key for n in data.city_names()} <= keys


# --- SOURCE.md claims that must stay true of the files ------------------------------------

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
FIELDS = ("Publisher", "Vintage", "Licence", "URL", "Cleaning")


def _source_note(path: str) -> str:
    return data.read_text(f"{path}/SOURCE.md")


def _flat(path: str) -> str:
    """The note with line breaks and runs of spaces as single spaces, to find a phrase in it."""
    return " ".join(_source_note(path).split())


def _rows(relpath: str) -> int:
    return sum(1 for _ in data.read_csv(relpath))


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_every_dataset_names_publisher_vintage_and_licence() -> None:
    for d in data.datasets():
        for field in ("title", "publisher", "vintage", "licence"):
            assert getattr(d, field).strip(), (d.id, field)


@pytest.mark.parametrize("path", sorted(d.path for d in data.datasets()))
def test_source_note_names_provenance_fields(path: str) -> None:
    note = _source_note(path)
    for field in FIELDS:
        assert re.search(rf"\*\*{field}(:\*\*|\*\*:)", note), f"{path}/SOURCE.md: no **{field}:**"


def test_dataset_url_is_cited_in_its_source_note() -> None:
    for d in data.datasets():
        if d.url:
            assert d.url in _source_note(d.path), (d.id, d.url)


# "`file.csv` — 1,234 rows" anywhere, or a table row "| `file.csv` | 1,234 | ...".
_STATED = re.compile(r"`([\w.]+\.csv)` — ([\d,]+) rows")
_TABLE = re.compile(r"^\| `([\w.]+\.csv)` \| ([\d,]+) \|", re.M)


@pytest.mark.parametrize("path", sorted(d.path for d in data.datasets()))
def test_row_counts_stated_in_source_notes_are_true(path: str) -> None:
    note = _source_note(path)
    stated = [*_STATED.findall(note), *_TABLE.findall(note)]
    csvs = {f for d in data.datasets() if d.path == path for f in d.files if f.endswith(".csv")}
    assert {name for name, _ in stated} >= csvs, f"{path}/SOURCE.md: a CSV without a row count"
    for name, count in stated:
        if name in csvs:
            assert _rows(f"{path}/{name}") == _number(count), f"{path}/{name}"


def test_skill_kind_counts_match_the_source_note() -> None:
    note = _source_note("skills")
    table = note.split("| kind | rows |", 1)[1].split("\n\n", 1)[0]
    stated = {k: int(n) for k, n in re.findall(r"^\| (\w+) \| (\d+) \|", table, re.M)}
    assert stated == Counter(s.kind for s in data.skills())


def test_area_type_counts_match_the_source_notes() -> None:
    wages = Counter(r["area_type"] for r in data.read_csv("wages/oews_may2025.csv"))
    claim = f"{wages['national']} national, {wages['state']} state and {wages['msa']:,} MSA rows"
    assert claim in _flat("wages")
    rpp = Counter(r["area_type"] for r in data.read_csv("living/rpp_2024.csv"))
    claim = (
        f"{rpp['us']} U.S. row, {rpp['msa']} MSAs, {rpp['state_metro']} state metropolitan"
        f" portions, {rpp['state_nonmetro']} state nonmetropolitan portions"
    )
    assert claim in _flat("living")


def test_spending_table_matches_the_toml() -> None:
    note = _source_note("living")
    table = note.split("| component | category", 1)[1].split("\n\n", 1)[0]
    stated = [_number(n) for n in re.findall(r"\| ([\d,]+) \| [\w ]+ \|$", table, re.M)]
    spending = data.read_toml("living/ce_2024_one_person.toml")["categories"]
    assert stated == [c["annual"] for c in spending]


def test_worked_examples_in_source_notes_match_the_code() -> None:
    from rolediff import resolve_place
    from rolediff.pay.estimate import estimate_salary
    from rolediff.pay.living import living_costs

    raleigh = resolve_place("Raleigh, NC")
    sre = estimate_salary("sre", raleigh)
    note = _flat("wages")
    assert f"= {sre.metro_factor:.5f}; estimate = {sre.annual:,.0f} a year" in note
    assert f"sre {sre.premium:.4f}" in note
    costs = living_costs(raleigh)
    claim = f"Raleigh-Cary rent {costs.rent_monthly:,.0f} + non-rent {costs.non_rent_monthly:,.0f}"
    assert claim in _flat("living")


def test_model_and_snapshot_provenance_match_their_notes() -> None:
    model = json.loads(data.read_text("classifier/role_model.json"))
    note = _flat("classifier")
    assert f"`{model['version']}`" in note
    assert f"{model['training']['rows']:,} real postings" in note
    snapshot = json.loads(data.read_text("market/snapshot.json"))
    assert snapshot["corpus"]["sha256"] == model["training"]["corpus_sha256"]
    assert f"{snapshot['corpus']['rows']:,} real job postings" in _flat("market")
    assert f"`as_of` in the file ({snapshot['as_of']})" in _flat("market")
    market = next(d for d in data.datasets() if d.id == "market")
    assert snapshot["as_of"].startswith(market.vintage)


def test_social_security_wage_bases_in_the_note_match_fica() -> None:
    fica = data.read_toml("tax_federal/fica.toml")["years"]
    line = next(s for s in _source_note("tax_federal").split("\n- ") if "Benefit Base" in s)
    stated = {year: _number(amount) for amount, year in re.findall(r"\$([\d,]+) \((\d{4})\)", line)}
    assert stated == {y: t["social_security_wage_base"] for y, t in fica.items()}


def test_states_without_wage_tax_match_the_note() -> None:
    listed = re.search(r"no tax on wages: ([A-Z, ]+?);", _flat("tax_state"))
    assert listed
    files = {d.path: d.files for d in data.datasets()}["tax_state"]
    untaxed = {
        f.removesuffix(".toml").upper()
        for f in files
        if not data.read_toml(f"tax_state/{f}").get("wage_tax", True)
    }
    assert set(listed.group(1).split(", ")) == untaxed
    for f in files:
        assert sorted(data.read_toml(f"tax_state/{f}")["years"]) == ["2023", "2024", "2025", "2026"]


def test_payroll_programs_table_lists_every_program() -> None:
    note = _source_note("tax_payroll")
    table = note.split("## Programs", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| ([A-Z]{2}) \|", table, re.M)
    files = {d.path: d.files for d in data.datasets()}["tax_payroll"]
    programs = Counter(
        f.removesuffix(".toml").upper()
        for f in files
        if f.endswith(".toml")
        for _ in data.read_toml(f"tax_payroll/{f}")["programs"]
    )
    assert Counter(rows) == programs


def test_cc_by_attribution_is_given() -> None:
    licence = "https://creativecommons.org/licenses/by/4.0/"
    skills_note, postings_note = _source_note("skills"), _source_note("postings")
    assert "used under the CC BY 4.0 license" in skills_note and licence in skills_note
    assert "GeoNames" in postings_note and licence in postings_note
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "O*NET" in readme and "CC BY 4.0" in readme


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/data checkout beside the repository")
@pytest.mark.parametrize(
    "name", ["principal_cities_2023.csv", "cbsa_counties_2023.csv", "states.csv"]
)
def test_geo_copies_equal_the_shared_originals(name: str) -> None:
    packaged = data.read_text(f"geo/{name}").encode("utf-8")
    assert packaged == (SHARED / "geo" / name).read_bytes()
