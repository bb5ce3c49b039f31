"""Recording which project files a stage's kernel opens, for the dependency audit.

When the runner starts a stage's kernel with ``BURNOUT_AUDIT_LOG`` set to a file, importing
:mod:`burnout` installs a Python audit hook (:func:`sys.addaudithook`, PEP 578) that appends one
line per file of the project opened for reading (``read<TAB>path``) or written, by an open for
writing or by the rename that completes an atomic write (``write<TAB>path``). The runner then
compares the lines with the stage's declarations (:mod:`burnout.pipeline.audit`). Nothing is
recorded without the variable, and the hook never raises.
"""

from __future__ import annotations

import os
import sys

__all__ = ["AUDIT_VARIABLE", "install_audit_hook"]

AUDIT_VARIABLE = "BURNOUT_AUDIT_LOG"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND


def _path(value) -> str | None:
    if isinstance(value, int):
        return None
    try:
        return os.path.abspath(os.fsdecode(value))
    except (TypeError, ValueError):
        return None


def install_audit_hook(root: str, log_file: str) -> None:
    """Record the opens and renames of files under ``root`` in ``log_file`` (once per process).

    Examples
    --------
    The hook stays for the life of the process, so the example runs in a child process:

    >>> import pathlib, subprocess, sys, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("x")
    >>> code = ("from burnout.core.audit import install_audit_hook; "
    ...         f"install_audit_hook({str(folder)!r}, {str(folder / 'log')!r}); "
    ...         f"open({str(folder / 'a.txt')!r}).read(); open({str(folder / 'b.txt')!r}, 'w')")
    >>> subprocess.run([sys.executable, "-c", code], check=True).returncode
    0
    >>> (folder / "log").read_text().split()
    ['read', 'a.txt', 'write', 'b.txt']
    """
    if getattr(sys, "_burnout_audit_installed", False):
        return
    prefix = os.path.abspath(root) + os.sep
    handle = open(log_file, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (kept open)
    seen: set[tuple[str, str]] = set()

    def record(kind: str, path: str | None) -> None:
        if path and path.startswith(prefix) and (kind, path) not in seen:
            seen.add((kind, path))
            handle.write(f"{kind}\t{path[len(prefix):]}\n")

    def hook(event: str, args: tuple) -> None:
        try:
            if event == "open":
                path, mode, flags = args
                writing = (any(char in (mode or "") for char in "wax+") if mode
                           else bool((flags or 0) & _WRITE_FLAGS))
                record("write" if writing else "read", _path(path))
            elif event == "os.rename":
                record("write", _path(args[1]))
        except Exception:  # an audit hook must never break the code it watches
            pass

    sys.addaudithook(hook)
    sys._burnout_audit_installed = True


def install_from_environment() -> None:
    """Install the hook when ``BURNOUT_AUDIT_LOG`` names a log file (the runner sets it)."""
    log_file = os.environ.get(AUDIT_VARIABLE)
    if log_file:
        from burnout.core.paths import ROOT

        install_audit_hook(str(ROOT), log_file)
