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

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from burnout.core.errors import DataError

__all__ = [
    "scrub_text",
    "name_scrubber",
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

_WORD = re.compile(r"\w+")


class _CaseFolding(dict):
    """``str.translate`` table: every character to one representative of the characters that
    ``re.IGNORECASE`` matches with it (filled as characters are met).

    ``str.casefold`` will not do: ``re`` matches "İ" with "i", which casefold maps to "i̇".
    Lowercase, uppercase, lowercase (first character of each) collapses every such case class;
    ``tests/data/test_privacy.py`` checks that against ``re`` for every character.
    """

    def __missing__(self, code: int) -> str:
        folded = chr(code).lower()[0].upper()[0].lower()[0]
        self[code] = folded
        return folded


_FOLDING = _CaseFolding()
# Representatives of the case classes that mix word and non-word characters: the iotas, with
# U+0345 (combining ypogegrammeni, not \w). A name holding one is tried on every text.
_MIXED_CLASSES = frozenset("\u03b9")


def _fold(text: str) -> str:
    """``text`` with every character replaced by the representative of its case class."""
    return text.lower() if text.isascii() else text.translate(_FOLDING)


def _word_keys(name: str) -> list[str] | None:
    """The folded words of ``name``, or None when they cannot index it (no word, or a
    character whose case class mixes word and non-word characters)."""
    if name.isascii():
        return _WORD.findall(name.lower()) or None
    if not _MIXED_CLASSES.isdisjoint(_fold(name)):
        return None
    return [_fold(word) for word in _WORD.findall(name)] or None


@functools.lru_cache(maxsize=512)
def _alternation(names: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive whole-word pattern of ``names`` (in the order given)."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


class _NameIndex:
    """The names of a redaction list, indexed by their rarest folded word.

    A name can match a text only if each of its words is a whole word of the text (a case
    variant of it): its words are bounded by non-word characters or by the name's ends, where
    the pattern requires a non-word character. So each text is scrubbed with a pattern of only
    the names whose words it holds, instead of one pattern of every name: the result is the
    same (at every position the longest matching name wins either way), and the time no longer
    grows with the length of the list. Written here because no library does whole-word,
    case-insensitive matching of many names as ``re`` does.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._always: list[str] = []
        self._words: dict[str, list[str]] = {}
        self._index: dict[str, str | list[str]] = {}
        several = []
        for name in {name.strip() for name in names if name and name.strip()}:
            if name.isascii() and name.isalnum():  # one word (most names of a roster)
                self._add(name.lower(), name)
                continue
            keys = _word_keys(name)
            if keys is None:
                self._always.append(name)
            elif len(keys) == 1:
                self._add(keys[0], name)
            else:
                several.append((name, keys))
        counts = Counter(key for _, keys in several for key in set(keys))
        for name, keys in several:
            self._words[name] = keys
            self._add(min(keys, key=counts.__getitem__), name)

    def _add(self, key: str, name: str) -> None:
        bucket = self._index.get(key)
        if bucket is None:
            self._index[key] = name
        elif isinstance(bucket, str):
            self._index[key] = [bucket, name]
        else:
            bucket.append(name)

    def __bool__(self) -> bool:
        return bool(self._index or self._always)

    def pattern(self, text: str) -> re.Pattern[str] | None:
        """The pattern of the names that may occur in ``text`` (longest first), or None."""
        keys = {_fold(word) for word in _WORD.findall(text)}
        found = set(self._always)
        for key in keys:
            bucket = self._index.get(key, ())
            for name in (bucket,) if isinstance(bucket, str) else bucket:
                if all(word in keys for word in self._words.get(name, ())):
                    found.add(name)
        if not found:
            return None
        return _alternation(tuple(sorted(found, key=lambda name: (-len(name), name.casefold(),
                                                                 name))))


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
    return name_scrubber(names)(text)


def name_scrubber(names: Iterable[str] = ()) -> Callable[[str | None], str | None]:
    """A function scrubbing a text as :func:`scrub_text` does, with ``names`` indexed once.

    Scrubbing a column of answers with one list of names: the list is read once, and each
    text is matched against only the names whose words it holds, so the time per text does
    not grow with the number of names (a roster of a million participants).

    Parameters
    ----------
    names : iterable of str
        Names to redact, matched as whole words regardless of capitalisation.

    Returns
    -------
    callable
        ``scrub(text)``: the same as ``scrub_text(text, names)``.

    Examples
    --------
    >>> scrub = name_scrubber(["Ana", "Ana Ruiz", "Okafor"])
    >>> [scrub(text) for text in ["ana ruiz and Dr. OKAFOR", "Anabel, call 555-0142", None]]
    ['[name] and Dr. [name]', 'Anabel, call [phone]', None]
    """
    index = _NameIndex(names)

    def scrub(text: str | None) -> str | None:
        if text is None:
            return None
        scrubbed = EMAIL_PATTERN.sub(EMAIL_TOKEN, text)
        scrubbed = PHONE_PATTERN.sub(PHONE_TOKEN, scrubbed)
        pattern = index.pattern(scrubbed) if index else None
        return scrubbed if pattern is None else pattern.sub(NAME_TOKEN, scrubbed)

    return scrub


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
