"""The packaged data itself: every file parses, is listed, cited, and consistent."""

from __future__ import annotations

from collections import Counter
from importlib.resources import files

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
