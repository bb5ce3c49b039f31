"""One set of pins: requirements.txt feeds pip (make) and conda (environment.yml, Binder); the
Binder configuration registers the project's kernel, as make does."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from burnout.core.paths import ROOT

TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "ruff", "nbval"}

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


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_dependency_is_pinned_exactly():
    pins = _pins()
    project = _project()
    names = project["dependencies"] + [name for extra in project["optional-dependencies"].values()
                                       for name in extra]
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


def test_test_tools_are_an_extra_not_runtime_dependencies():
    project = _project()
    runtime = {_normalise(name) for name in project["dependencies"]}
    assert runtime & TEST_TOOLS == set()
    assert {_normalise(name) for name in project["optional-dependencies"]["test"]} == TEST_TOOLS
    assert TEST_TOOLS <= set(_pins()), "make's .venv still installs the test tools"


def test_python_version_agrees():
    environment = _environment()
    conda_python = next(
        item
        for item in environment["dependencies"]
        if isinstance(item, str) and item.startswith("python=")
    )
    requires = SpecifierSet(_project()["requires-python"])
    series = conda_python.split("=")[1]
    assert any(f"{series}.{patch}" in requires for patch in range(30)), (conda_python, requires)
    assert f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}" in \
        requires, "the interpreter running the tests"


def _bounds(requires: SpecifierSet) -> tuple[Version, Version]:
    """The lowest and the highest minor release a requires-python range admits."""
    low = next(Version(spec.version) for spec in requires if spec.operator == ">=")
    high = next(Version(spec.version) for spec in requires if spec.operator == "<")
    return low, Version(f"{high.major}.{high.minor - 1}")


def test_every_pin_supports_the_declared_python_range():
    low, high = _bounds(SpecifierSet(_project()["requires-python"]))
    narrower = {}
    for name, version in _pins().items():
        try:
            installed = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if installed.version != version:
            continue
        supported = SpecifierSet(installed.metadata.get("Requires-Python") or "")
        if not (supported.contains(low) and supported.contains(high)):
            narrower[name] = str(supported)
    assert narrower == {}, f"pins that do not support Python {low} to {high}"


def test_binder_reads_the_root_configuration_and_registers_the_notebooks_kernel():
    # A binder/ or .binder/ folder would make repo2docker ignore environment.yml and postBuild.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only when executable"
    kernels = {json.loads(path.read_text())["metadata"]["kernelspec"]["name"]
               for path in (ROOT / "notebooks").glob("*.ipynb")}
    assert kernels == {"burnout"}
    assert "--name burnout" in post_build.read_text()
    readme = (ROOT / "README.md").read_text()
    assert "https://mybinder.org/badge_logo.svg" in readme


@pytest.mark.slow
def test_post_build_registers_the_kernel_in_a_fresh_environment(tmp_path):
    """The postBuild steps, run in a new virtual environment holding only what they need."""
    env = tmp_path / "env"
    subprocess.run([sys._base_executable, "-m", "venv", str(env)], check=True, timeout=120)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", str(ROOT / "requirements.txt"), "ipykernel"], check=True, timeout=600)
    clean = {key: value for key, value in os.environ.items()
             if not key.startswith(("JUPYTER", "VIRTUAL_ENV", "PYTHON", "IPYTHON"))}
    clean.update(PATH=f"{env / 'bin'}{os.pathsep}{os.environ['PATH']}",
                 JUPYTER_DATA_DIR=str(tmp_path / "user-data"))  # no user-level kernel
    subprocess.run(["bash", str(ROOT / "postBuild")], check=True, env=clean, cwd=tmp_path,
                   timeout=120, capture_output=True)
    listed = subprocess.run([str(env / "bin" / "jupyter"), "kernelspec", "list", "--json"],
                            check=True, env=clean, capture_output=True, text=True, timeout=60)
    spec = json.loads(listed.stdout)["kernelspecs"]["burnout"]
    assert Path(spec["resource_dir"]).is_relative_to(env)
    assert spec["spec"]["display_name"] == "Python (burnout)"
    assert Path(spec["spec"]["argv"][0]) == python, "the kernel runs the environment's python"


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
