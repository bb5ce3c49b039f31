"""Tests of burnout.data.privacy: scrubbing e-mail addresses, phone numbers and names."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.paths import PARAMS_DIR
from burnout.data.privacy import (
    _MIXED_CLASSES,
    EMAIL_PATTERN,
    EMAIL_TOKEN,
    NAME_TOKEN,
    PHONE_PATTERN,
    PHONE_TOKEN,
    _fold,
    find_identifiers,
    load_redaction_names,
    name_scrubber,
    scrub_text,
)


def test_examples():
    text = ("Call (310) 555-0142, +1 424.555.0199 or 555-0123; mail A.B@med.example.edu. "
            "Dr. okafor and Priya Raman helped.")
    scrubbed = scrub_text(text, ["Okafor", "Priya Raman", "Priya"])
    assert scrubbed == ("Call [phone], [phone] or [phone]; mail [email]. "
                        "Dr. [name] and [name] helped.")


def test_names_are_whole_words_only():
    assert scrub_text("Annette met Ann", ["Ann"]) == "Annette met [name]"
    assert scrub_text(None, ["Ann"]) is None


def test_ordinary_numbers_survive():
    text = "I spent 6.5 hours over 4 meetings in 2017, PGY-2, block 5 of 8."
    assert scrub_text(text) == text


def test_project_redaction_list_is_readable():
    names = load_redaction_names(PARAMS_DIR / "redaction.txt")
    assert names and all(name.strip() == name and not name.startswith("#") for name in names)


_local = st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]", fullmatch=True)
_domain = st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,8}){0,2}\.(edu|org|com)", fullmatch=True)
_phone = st.builds(lambda area, exchange, line, style: style.format(area, exchange, line),
                   st.integers(200, 999), st.integers(200, 999), st.integers(0, 9999),
                   st.sampled_from(["{}-{}-{:04d}", "({}) {}-{:04d}", "{}.{}.{:04d}",
                                    "+1 {} {} {:04d}"]))
_words = st.lists(st.sampled_from(["my", "mentor", "was", "great", "call", "me", "at", "or",
                                   "write", "to", "6", "hours", "2017"]), max_size=8)


@settings(max_examples=150, deadline=None)
@given(_words, _local, _domain, _phone, _words)
def test_scrubbed_text_has_no_identifier(before, local, domain, phone, after):
    text = " ".join([*before, f"{local}@{domain}", *after, phone, "thanks"])
    scrubbed = scrub_text(text)
    assert find_identifiers(scrubbed) == []
    assert not EMAIL_PATTERN.search(scrubbed) and not PHONE_PATTERN.search(scrubbed)
    assert "[email]" in scrubbed and "[phone]" in scrubbed


def _old_scrub(text, names):
    """The scrubbing before names were indexed (the reference): one pattern of every name."""
    if text is None:
        return None
    scrubbed = PHONE_PATTERN.sub(PHONE_TOKEN, EMAIL_PATTERN.sub(EMAIL_TOKEN, text))
    cleaned = sorted({name.strip() for name in names if name and name.strip()},
                     key=lambda name: (-len(name), name.casefold()))
    if not cleaned:
        return scrubbed
    alternatives = "|".join(re.escape(name) for name in cleaned)
    pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)
    return pattern.sub(NAME_TOKEN, scrubbed)


def test_name_scrubber_examples():
    scrub = name_scrubber(["Ana", "Ana Ruiz", " Ruiz ", "", "O'Neil", "-Bo", "Dr. Li"])
    assert scrub("ANA RUIZ met ana, ruiz and Anabel") == "[name] met [name], [name] and Anabel"
    assert scrub("o'neil and O'NEILL; x-bo; -bo; dr. li, DR LI") == (
        "[name] and O'NEILL; x-bo; [name]; [name], DR LI")
    assert scrub("reach Ana at ana@x.org") == "reach [name] at [email]"
    assert name_scrubber([])("Ana") == "Ana" and scrub(None) is None


def test_case_classes_of_re_are_folded_together():
    """Every character ``re.IGNORECASE`` matches with a character folds as it does, and a
    case class mixing word and non-word characters is listed as mixed (the whole of Unicode)."""
    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    cased = "".join(char for char in every if char.lower() != char or char.upper() != char
                    or char.casefold() != char or char.title() != char)
    for char in cased:
        for match in set(re.compile(re.escape(char), re.IGNORECASE).findall(cased)):
            assert _fold(match) == _fold(char), (char, match)
    word = re.compile(r"\w")
    kinds = defaultdict(set)
    for char in cased:
        kinds[_fold(char)].add(word.match(char) is not None)
    mixed = {folded for folded, found in kinds.items() if len(found) > 1}
    assert mixed == set(_MIXED_CLASSES), sorted(unicodedata.name(char) for char in mixed)


_pieces = ["an", "Ana", "ann", "ruiz", "o", "Kelvin", "\u212aelvin", "ki", "\u017fam", "sam",
           "\u0130ris", "iris", "\u0131ris", "\u00df", "\u1e9e", "\u03b9\u03c9", "\u0345\u03c9",
           "x1", "_", "\u00e9", "\u00c9", "\u03a3", "\u03c2", "7"]
_separators = ["", " ", "  ", "-", ".", "'", ", ", "(", ")", "\n", "\u0345", "@", "_"]
_cases = st.sampled_from([str, str.upper, str.lower, str.title, str.swapcase])


@st.composite
def _name(draw):
    words = draw(st.lists(st.sampled_from(_pieces), min_size=1, max_size=3))
    glue = draw(st.lists(st.sampled_from(_separators), min_size=len(words) + 1,
                         max_size=len(words) + 1))
    name = glue[0] if draw(st.booleans()) else ""
    for word, after in zip(words, glue[1:], strict=True):
        name += word + after
    return draw(_cases)(name if draw(st.booleans()) else name.strip(".-'(), \n"))


@st.composite
def _text(draw, names):
    parts = draw(st.lists(st.one_of(st.sampled_from(_pieces), st.sampled_from(_separators),
                                    st.sampled_from(names or [""])), max_size=14))
    return "".join(draw(_cases)(part) for part in parts)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_name_scrubber_agrees_with_one_pattern_of_every_name(data):
    names = data.draw(st.lists(_name(), max_size=8))
    scrub = name_scrubber(names)
    for _ in range(4):
        text = data.draw(_text(names))
        assert scrub(text) == _old_scrub(text, names) == scrub_text(text, names)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aAbB\u0131I\u0130i \u017fsSK\u212ak-.\u0345\u03b9\u0399_1",
                        max_size=6), max_size=6),
       st.text(alphabet="aAbB\u0131I\u0130i \u017fsSK\u212ak-.\u0345\u03b9\u0399_1", max_size=30))
def test_name_scrubber_agrees_on_any_text(names, text):
    assert name_scrubber(names)(text) == _old_scrub(text, names)
