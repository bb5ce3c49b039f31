"""The README stays true: every citable number of a committed numbers.json is documented."""

from __future__ import annotations

import json
import re

import pytest

from burnout.core.paths import REPORTS_DIR, ROOT

NUMBERS_FILES = sorted(REPORTS_DIR.glob("*/numbers.json"))


def documented_key_patterns(readme: str) -> list[re.Pattern]:
    """Regexes of the keys in the README's key table (first column, back-quoted).

    In a cell, the first key is written in full; the following ones may be shorthand for its
    last part: ``.ci_low`` or ``<item>_share``. ``<placeholder>`` stands for one key part.
    """
    section = readme.split("## The citable numbers", 1)[1].split("\n## ", 1)[0]
    patterns = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split(" | ")[0]
        tokens = re.findall(r"`([^`]+)`", cell)
        first = tokens[0]
        for token in tokens:
            if token.startswith("."):
                token = first.rsplit(".", 1)[0] + token
            elif "." not in token:
                token = first.rsplit(".", 1)[0] + "." + token
            regex = re.escape(token).replace(r"\<", "<").replace(r"\>", ">")
            regex = re.sub(r"<[a-z_]+>", "[a-z0-9_]+", regex)
            patterns.append(re.compile(f"^{regex}$"))
    return patterns


def test_the_key_table_parses():
    patterns = documented_key_patterns((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(patterns) > 30
    assert any(p.match("unadjusted.ee.ranksum.shift_ci_low") for p in patterns)
    assert not any(p.match("unadjusted.ee.ranksum.made_up") for p in patterns)


@pytest.mark.skipif(not NUMBERS_FILES, reason="no numbers.json built yet (run make all)")
@pytest.mark.parametrize("numbers_file", NUMBERS_FILES, ids=lambda path: path.parent.name)
def test_every_number_is_documented_in_the_readme(numbers_file):
    patterns = documented_key_patterns((ROOT / "README.md").read_text(encoding="utf-8"))
    keys = json.loads(numbers_file.read_text(encoding="utf-8"))
    undocumented = [key for key in keys if not any(p.match(key) for p in patterns)]
    assert not undocumented, f"keys of {numbers_file.name} missing from README.md: {undocumented}"
