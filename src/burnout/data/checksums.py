"""SHA-256 checksums of a raw-data folder, in the format of GNU ``sha256sum``.

``data/raw/<study>/SHA256SUMS`` lists every file of the folder (except itself) as
``<64 hex digits><two spaces><file name>``, sorted by name. The first build of a new study
records it (:func:`record_checksums_if_new`, one line of output); after that every run starts by
verifying it, so an analysis never runs silently on data that changed. To accept new or corrected
data on purpose, run ``make accept STUDY=<study>`` (or ``python -m burnout accept <study>``).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from burnout.core.errors import DataError
from burnout.core.io import write_text

__all__ = ["write_checksums", "verify_checksums", "record_checksums_if_new", "file_sha256",
           "CHECKSUM_FILE"]

CHECKSUM_FILE = "SHA256SUMS"  # name of the checksum list inside a raw folder
STUDY_FILE = "study.yaml"  # the study file (burnout.data.study.STUDY_FILE), not checksummed


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 digest of a file's bytes (read in chunks, read-only).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = target.write_bytes(b"abc")
    >>> file_sha256(target)[:16]
    'ba7816bf8f01cfea'
    """
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _data_files(raw_dir: Path) -> list[Path]:
    """Files of the raw folder that the checksum list covers (recursive, sorted): every file
    but the list itself, hidden files and the study file (a description the user edits, not
    data)."""
    return sorted(
        path for path in raw_dir.rglob("*")
        if path.is_file() and path.name not in (CHECKSUM_FILE, STUDY_FILE)
        and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
    )


def write_checksums(raw_dir: str | Path) -> Path:
    """Write ``<raw_dir>/SHA256SUMS`` for every file of ``raw_dir`` and return its path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes(b"x\\n1\\n")
    >>> print(write_checksums(folder).read_text(), end="")
    daff832f802000e645771a60983c76c963f6ee602a6230e45237bd360e91cc1a  a.csv
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise DataError(f"{raw_dir}: raw-data folder not found")
    lines = [f"{file_sha256(path)}  {path.relative_to(raw_dir).as_posix()}\n"
             for path in _data_files(raw_dir)]
    return write_text("".join(lines), raw_dir / CHECKSUM_FILE)


def verify_checksums(raw_dir: str | Path) -> list[str]:
    """Check every file of ``raw_dir`` against its ``SHA256SUMS``; return the names checked.

    Raises
    ------
    DataError
        When the list is missing, or a listed file is missing or changed, or a file is not
        listed. The message names every such file and says how to accept new data.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes(b"x\\n1\\n")
    >>> _ = write_checksums(folder)
    >>> verify_checksums(folder)
    ['a.csv']
    """
    raw_dir = Path(raw_dir)
    listing = raw_dir / CHECKSUM_FILE
    accept = (f"If the change is intended (new or corrected data), accept it with "
              f"`make accept STUDY={raw_dir.name}` and commit {CHECKSUM_FILE}.")
    if not listing.is_file():
        raise DataError(f"{listing}: checksum list is missing. {accept}")
    expected: dict[str, str] = {}
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64:
            raise DataError(f"{listing}, line {number}: not in sha256sum format "
                            f"('<64 hex digits>  <file name>'): {line!r}")
        expected[name.lstrip("*")] = digest.lower()
    actual = {path.relative_to(raw_dir).as_posix(): path for path in _data_files(raw_dir)}
    # two files at a time: hashlib releases the GIL while it hashes (a million responses'
    # exports are hundreds of megabytes each)
    with ThreadPoolExecutor(2, thread_name_prefix="burnout-sha256") as pool:
        digests = dict(zip(expected, pool.map(
            lambda name: file_sha256(actual[name]) if name in actual else None, expected),
            strict=True))
    problems = []
    for name, digest in expected.items():
        if name not in actual:
            problems.append(f"  - {name}: listed in {CHECKSUM_FILE} but missing")
        elif digests[name] != digest:
            problems.append(f"  - {name}: content changed (SHA-256 differs from {CHECKSUM_FILE})")
    problems += [f"  - {name}: not listed in {CHECKSUM_FILE}"
                 for name in sorted(set(actual) - set(expected))]
    if problems:
        raise DataError(f"{raw_dir}: raw data do not match {CHECKSUM_FILE}:\n"
                        + "\n".join(problems) + f"\n{accept}")
    return sorted(expected)


def record_checksums_if_new(raw_dir: str | Path) -> str | None:
    """Record ``SHA256SUMS`` on a study's first build; return the one-line notice, else None.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "pilot"
    >>> folder.mkdir()
    >>> _ = (folder / "a.csv").write_bytes(b"x\\n1\\n")
    >>> notice = record_checksums_if_new(folder)
    >>> notice.split(": ", 1)[1]  # doctest: +ELLIPSIS
    "first build of 'pilot', recorded the checksums of 1 raw file(s); a later change ..."
    >>> record_checksums_if_new(folder) is None
    True
    """
    raw_dir = Path(raw_dir)
    if (raw_dir / CHECKSUM_FILE).is_file():
        return None
    written = write_checksums(raw_dir)
    count = len(_data_files(raw_dir))
    return (f"{written}: first build of '{raw_dir.name}', recorded the checksums of {count} raw "
            f"file(s); a later change to a raw file stops the build until "
            f"`make accept STUDY={raw_dir.name}`")
