"""Tests of burnout.data.privacy: scrubbing e-mail addresses, phone numbers and names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.paths import PARAMS_DIR
from burnout.data.privacy import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    find_identifiers,
    load_redaction_names,
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
