"""SHA-256 checksums of a raw-data folder, in the format of GNU ``sha256sum``.

``data/raw/<study>/SHA256SUMS`` lists every file of the folder (except itself) as
``<64 hex digits><two spaces><file name>``, sorted by name. A run starts by verifying it, so an
analysis never runs silently on data that changed. To accept new or corrected data, re-write
the list with ``python -m burnout checksums data/raw/<study> --accept`` and commit it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from burnout.errors import DataError
from burnout.io import write_text

__all__ = ["write_checksums", "verify_checksums", "file_sha256", "CHECKSUM_FILE"]

CHECKSUM_FILE = "SHA256SUMS"  # name of the checksum list inside a raw folder


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
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _data_files(raw_dir: Path) -> list[Path]:
    """Files of the raw folder that the checksum list covers (recursive, sorted)."""
    return sorted(
        path for path in raw_dir.rglob("*")
        if path.is_file() and path.name != CHECKSUM_FILE
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
              f"`python -m burnout checksums {raw_dir.as_posix()} --accept` and commit "
              f"{CHECKSUM_FILE}.")
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
    problems = []
    for name, digest in expected.items():
        if name not in actual:
            problems.append(f"  - {name}: listed in {CHECKSUM_FILE} but missing")
        elif file_sha256(actual[name]) != digest:
            problems.append(f"  - {name}: content changed (SHA-256 differs from {CHECKSUM_FILE})")
    problems += [f"  - {name}: not listed in {CHECKSUM_FILE}"
                 for name in sorted(set(actual) - set(expected))]
    if problems:
        raise DataError(f"{raw_dir}: raw data do not match {CHECKSUM_FILE}:\n"
                        + "\n".join(problems) + f"\n{accept}")
    return sorted(expected)
