"""rolediff: compare DevOps, SRE, DevSecOps, Cloud and Platform engineering roles on cited data.

The public API is what ``__all__`` lists; everything else may change between releases. Names
are imported on first use, so ``import rolediff`` (and ``rolediff --help``) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rolediff._version import __version__

if TYPE_CHECKING:
    from rolediff.data import DataError
    from rolediff.data.schema import RoleProfile, Skill, Source
    from rolediff.errors import (
        RolediffError,
        UnknownPlaceError,
        UnknownRoleError,
        UnknownSkillError,
    )
    from rolediff.fit import FitReport, fit, transition
    from rolediff.geo import Place, resolve_place
    from rolediff.pay.models import TakeHome
    from rolediff.pay.take_home import rank_cities, take_home
    from rolediff.postings.analyze import PostingAnalysis, analyze_posting, analyze_postings
    from rolediff.roles import Comparison, compare, get_role, list_roles
    from rolediff.skills import get_skill, taxonomy

_HOME = {
    "DataError": "rolediff.data",
    "RoleProfile": "rolediff.data.schema",
    "Skill": "rolediff.data.schema",
    "Source": "rolediff.data.schema",
    "RolediffError": "rolediff.errors",
    "UnknownPlaceError": "rolediff.errors",
    "UnknownRoleError": "rolediff.errors",
    "UnknownSkillError": "rolediff.errors",
    "Place": "rolediff.geo",
    "resolve_place": "rolediff.geo",
    "Comparison": "rolediff.roles",
    "compare": "rolediff.roles",
    "get_role": "rolediff.roles",
    "list_roles": "rolediff.roles",
    "get_skill": "rolediff.skills",
    "taxonomy": "rolediff.skills",
    "FitReport": "rolediff.fit",
    "fit": "rolediff.fit",
    "transition": "rolediff.fit",
    "TakeHome": "rolediff.pay.models",
    "take_home": "rolediff.pay.take_home",
    "rank_cities": "rolediff.pay.take_home",
    "PostingAnalysis": "rolediff.postings.analyze",
    "analyze_posting": "rolediff.postings.analyze",
    "analyze_postings": "rolediff.postings.analyze",
}

__all__ = [
    "Comparison",
    "DataError",
    "FitReport",
    "Place",
    "PostingAnalysis",
    "RoleProfile",
    "RolediffError",
    "Skill",
    "Source",
    "TakeHome",
    "UnknownPlaceError",
    "UnknownRoleError",
    "UnknownSkillError",
    "__version__",
    "analyze_posting",
    "analyze_postings",
    "compare",
    "fit",
    "get_role",
    "get_skill",
    "list_roles",
    "rank_cities",
    "resolve_place",
    "take_home",
    "taxonomy",
    "transition",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'rolediff' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
