"""A pytest plugin for `make nbval` (``-p tests.nbval_ipc``): nbval's kernels use Unix sockets.

jupyter_client gives a kernel TCP ports by binding port 0 and releasing it before the kernel
binds it, so a kernel started at the same moment by another process -- a unit test's stage, a
stage of the rebuild check, which `make test` runs alongside nbval -- can draw the same port,
and one kernel dies before it replies ("Kernel died before replying to kernel_info"). Over the
``ipc`` transport each kernel listens on socket files under its own temporary folder: there is
no port to share. What nbval executes and compares is unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

_FOLDERS: list[Path] = []


class _IpcKernelManager(KernelManager):
    """A kernel manager whose kernel listens on socket files named by an absolute path.

    An absolute path, because the kernel runs in the notebook's folder and a relative name
    would be resolved there by the kernel and elsewhere by its client.
    """

    def __init__(self, **kwargs):
        folder = Path(tempfile.mkdtemp(prefix="nbval-kernel-"))
        _FOLDERS.append(folder)
        super().__init__(transport="ipc", ip=str(folder / "kernel"), **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    # Patched only when loaded as a plugin, never when --doctest-modules imports this file.
    import nbval.kernel

    nbval.kernel.KernelManager = _IpcKernelManager


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)
