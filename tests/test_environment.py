"""environment.yml (conda) declares the same dependencies, with the same ranges, as pyproject.toml.

Rules of the comparison:

* names are normalised (PEP 503: lower case, ``_``/``.`` -> ``-``) and extras are dropped
  (``dask[dataframe,distributed]`` is conda's ``dask``, whose metapackage includes both);
* :data:`CONDA_NAMES` maps the few PyPI names that conda-forge spells differently;
* a dependency may sit in the conda list or in the ``pip:`` list (for packages installed
  from PyPI inside the conda environment), but not in both;
* version ranges must be the same set of specifiers (``>=2.1,<3`` == ``<3,>=2.1``);
* ``python`` in environment.yml matches ``requires-python``; the ``pip:`` list must hold
  ``-e .`` (the package itself) and ``pip`` must be a conda dependency.
"""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from prkanalysis import config

#: PyPI name -> conda-forge name, where they differ (none needed at present; e.g. a package
#: published as "foo-python" on conda-forge would be listed here).
CONDA_NAMES: dict[str, str] = {}

#: Conda entries that are tooling, not project dependencies.
CONDA_ONLY = {"pip"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pyproject() -> tuple[dict[str, SpecifierSet], SpecifierSet]:
    data = tomllib.loads((config.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in ("notebooks", "dev", "scale", "bench"):
        reqs += project["optional-dependencies"].get(extra, [])
    out: dict[str, SpecifierSet] = {}
    for text in reqs:
        r = Requirement(text)
        name = norm(CONDA_NAMES.get(norm(r.name), r.name))
        assert name not in out, f"{name} declared twice in pyproject.toml"
        out[name] = r.specifier
    return out, SpecifierSet(project["requires-python"])


def parse_conda_spec(text: str) -> tuple[str, SpecifierSet]:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*?)\s*", text)
    assert m, f"cannot read conda spec {text!r}"
    spec = m[2].replace(" ", "")
    return norm(m[1]), SpecifierSet(spec)


def parse_environment() -> tuple[dict, dict[str, SpecifierSet], dict[str, SpecifierSet], list]:
    env = yaml.safe_load((config.PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, SpecifierSet] = {}
    pip: dict[str, SpecifierSet] = {}
    pip_raw: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_raw = list(dep.get("pip", []))
            for text in pip_raw:
                if text.startswith("-"):
                    continue
                r = Requirement(text)
                pip[norm(r.name)] = r.specifier
        else:
            name, spec = parse_conda_spec(str(dep))
            assert name not in conda, f"{name} declared twice in environment.yml"
            conda[name] = spec
    return env, conda, pip, pip_raw


def test_environment_header() -> None:
    env, conda, _, pip_raw = parse_environment()
    assert env["name"] == "prkanalysis"
    assert "conda-forge" in env["channels"]
    assert "pip" in conda
    assert "-e ." in pip_raw


def test_python_version_matches() -> None:
    _, requires_python = parse_pyproject()
    _, conda, _, _ = parse_environment()
    assert conda["python"] == requires_python


def test_same_dependencies_and_ranges() -> None:
    py, _ = parse_pyproject()
    _, conda, pip, _ = parse_environment()
    both = set(conda) & set(pip)
    assert not both, f"declared both as conda and pip packages: {sorted(both)}"
    env = {**{k: v for k, v in conda.items() if k not in CONDA_ONLY | {"python"}}, **pip}
    missing = sorted(set(py) - set(env))
    extra = sorted(set(env) - set(py))
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject.toml: {extra}"
    differ = {n: (str(py[n]), str(env[n])) for n in py if py[n] != env[n]}
    assert not differ, f"version ranges differ (pyproject, environment): {differ}"


@pytest.mark.parametrize(
    ("text", "name", "spec"),
    [("pandas>=2.1,<3", "pandas", ">=2.1,<3"), ("dask[dataframe]>=2024.1", "dask", ">=2024.1"),
     ("python >=3.11", "python", ">=3.11"), ("Pandas_Stubs>=2.1", "pandas-stubs", ">=2.1")],
)
def test_spec_parser(text: str, name: str, spec: str) -> None:
    assert parse_conda_spec(text) == (name, SpecifierSet(spec))
