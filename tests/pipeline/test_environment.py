"""One set of pins: requirements.txt feeds pip (make) and conda (environment.yml)."""

from __future__ import annotations

import re
import tomllib

import yaml

from burnout.core.paths import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for number, line in enumerate((ROOT / "requirements.txt").read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"requirements.txt line {number}: not an exact pin 'name==version': {line!r}"
        pins[_normalise(match.group(1))] = match.group(2)
    return pins


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_every_dependency_is_pinned_exactly():
    pins = _pins()
    names = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    unpinned = [name for name in names if _normalise(re.split(r"[<>=!~\[ ]", name)[0]) not in pins]
    assert not unpinned, f"pyproject.toml dependencies missing from requirements.txt: {unpinned}"


def test_pyproject_leaves_versions_to_requirements():
    names = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    versioned = [name for name in names if re.search(r"[<>=!~]", name)]
    assert not versioned, f"versions belong in requirements.txt, not pyproject.toml: {versioned}"


def test_conda_environment_takes_its_pins_from_requirements():
    environment = _environment()
    dependencies = environment["dependencies"]
    pip_sections = [
        item["pip"] for item in dependencies if isinstance(item, dict) and "pip" in item
    ]
    assert pip_sections == [["-r requirements.txt", "-e ."]]
    pins = _pins()
    # A conda package listed with a version must agree with requirements.txt.
    for item in dependencies:
        if isinstance(item, str) and "=" in item:
            name, version = re.split(r"=+", item, maxsplit=1)
            if name == "python":
                continue
            assert pins.get(_normalise(name)) == version, f"environment.yml pins {item}"


def test_python_version_agrees():
    environment = _environment()
    conda_python = next(
        item
        for item in environment["dependencies"]
        if isinstance(item, str) and item.startswith("python=")
    )
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert conda_python.split("=")[1] in requires


def test_the_issue_stack_is_pinned_at_the_agreed_releases():
    pins = _pins()
    expected_prefix = {
        "pandas": "3.1",
        "pingouin": "0.7",
        "seaborn": "0.13",
        "statsmodels": "0.15",
        "papermill": "2.7",
        "nbval": "0.11",
        "jupyterlab": "4.6",
    }
    wrong = {
        name: pins.get(name)
        for name, prefix in expected_prefix.items()
        if not str(pins.get(name, "")).startswith(prefix + ".")
    }
    assert not wrong, f"pins differ from the agreed releases: {wrong}"
