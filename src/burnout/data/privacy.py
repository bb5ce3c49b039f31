"""Scrubbing direct identifiers out of free text before it is written anywhere.

Raw survey exports may contain e-mail addresses, phone numbers and names, typed by respondents
into free-text answers ("my mentor Dr. Okafor was great, reach me at 310-555-0142"). The
cleaning stage passes every free-text answer through :func:`scrub_text` before a table is
written, replacing

* e-mail addresses by ``[email]``,
* phone numbers (North American and international layouts, 7 or more digits with the usual
  separators) by ``[phone]``,
* every name of a redaction list (whole words, any capitalisation) by ``[name]``.

The project-level redaction list is ``params/redaction.txt`` (one name per line, ``#`` starts a
comment); the cleaning stage adds the names found in the raw rosters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from burnout.core.errors import DataError

__all__ = [
    "scrub_text",
    "load_redaction_names",
    "find_identifiers",
    "EMAIL_PATTERN",
    "PHONE_PATTERN",
    "EMAIL_TOKEN",
    "PHONE_TOKEN",
    "NAME_TOKEN",
]

# local@domain.tld, with the characters an address may use (RFC 5322's common subset).
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Optional country code, optional area code (in brackets or not), then 3 + 4 digits, separated
# by spaces, dots or dashes: 310-555-0142, (310) 555 0142, +1 310.555.0142, 555-0142.
PHONE_PATTERN = re.compile(
    r"(?<![\w])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}(?![\w])"
    r"|(?<![\w])\d{10}(?![\w])"
)
EMAIL_TOKEN = "[email]"  # replaces an e-mail address
PHONE_TOKEN = "[phone]"  # replaces a phone number
NAME_TOKEN = "[name]"  # replaces a listed name


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern for all names, longest first."""
    cleaned = sorted({name.strip() for name in names if name and name.strip()},
                     key=lambda name: (-len(name), name.casefold()))
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(name) for name in cleaned)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


def scrub_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Replace e-mail addresses, phone numbers and listed names in ``text``.

    Parameters
    ----------
    text : str or None
        A free-text answer. ``None`` (no answer) is returned unchanged.
    names : iterable of str
        Names to redact, matched as whole words regardless of capitalisation.

    Returns
    -------
    str or None
        The text with ``[email]``, ``[phone]`` and ``[name]`` in place of the identifiers.

    Notes
    -----
    E-mail addresses are replaced first (so the digits of an address are not taken for a
    phone number), then phone numbers, then names (longest first, so "Ana Ruiz" wins over
    "Ana").

    Examples
    --------
    >>> scrub_text("Thanks Dr. Okafor! Mail me: jo.lee@med.example.edu or 310-555-0142.",
    ...            ["Okafor"])
    'Thanks Dr. [name]! Mail me: [email] or [phone].'
    """
    if text is None:
        return None
    scrubbed = EMAIL_PATTERN.sub(EMAIL_TOKEN, text)
    scrubbed = PHONE_PATTERN.sub(PHONE_TOKEN, scrubbed)
    pattern = _name_pattern(names)
    if pattern is not None:
        scrubbed = pattern.sub(NAME_TOKEN, scrubbed)
    return scrubbed


def find_identifiers(text: str) -> list[str]:
    """Return the e-mail addresses and phone numbers found in ``text`` (empty when clean).

    Examples
    --------
    >>> find_identifiers("call (310) 555-0142 or write a@b.org")
    ['a@b.org', '(310) 555-0142']
    >>> find_identifiers("no identifiers here")
    []
    """
    found = EMAIL_PATTERN.findall(text)
    without_emails = EMAIL_PATTERN.sub(" ", text)
    found += [match.group(0) for match in PHONE_PATTERN.finditer(without_emails)]
    return found


def load_redaction_names(path: str | Path) -> list[str]:
    """Read a redaction list: one name per line; blank lines and ``#`` comments ignored.

    Raises
    ------
    DataError
        When the file does not exist or is not UTF-8.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "redaction.txt"
    >>> _ = target.write_text("# synthetic names\\nOkafor\\n\\nPriya Raman\\n", encoding="utf-8")
    >>> load_redaction_names(target)
    ['Okafor', 'Priya Raman']
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: redaction list not found (one name per line)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 at byte offset {error.start}; "
                        "re-save the redaction list as UTF-8") from None
    names = []
    for line in text.splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names
