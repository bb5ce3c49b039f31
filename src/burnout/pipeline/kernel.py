"""A stage's kernel, started early and importing the stage's libraries before it is needed.

Each stage runs in a fresh kernel, and most of a small stage's time is imports: the kernel's own
(ipykernel), then the libraries its notebook uses (pandas, scipy.stats, statsmodels, matplotlib
...), and, before any of that, the runner's (papermill, nbformat). Done one after the other they
cost more than the stage's own work. So a stage's kernel (:class:`StageKernel`) is started before
it is needed -- by :mod:`burnout.pipeline.batch`, before the runner's imports or while the
other stages run -- and at start-up it imports the libraries of
:func:`burnout.pipeline.dependencies.library_imports`, binding no name. Of :mod:`burnout` it
imports only this module (an IPython extension of the kernel), so the audit hook
(:mod:`burnout.core.audit`) records from the kernel's start into the stage's own log; the
libraries read no project file, and no module of the stage's is imported before papermill
executes the notebook on this kernel. The cells find the libraries imported, and the executed
notebook is the same (counts, outputs).

Given a zygote (:mod:`burnout.pipeline.zygote`, Linux only), the kernel is not a new process
importing everything again but a fork of the zygote, which imported ipykernel and the libraries
once; the manager launches it through :class:`_ForkingKernelManager`. Without one (another
platform, a single ``python -m burnout run``), the kernel is a process of its own, as before.

What an import prints or warns while the kernel warms up is written to a log in the scratch
folder (:attr:`StageKernel.warm_log`); the runner fails the stage on it, as it fails a stage whose
notebook writes to stderr.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
import warnings
from pathlib import Path

from burnout.core.audit import AUDIT_VARIABLE
from burnout.core.memory import keep_freed_memory
from burnout.core.paths import ROOT
from burnout.pipeline.dependencies import library_imports

__all__ = ["KERNEL_NAME", "StageKernel", "load_ipython_extension"]

# The Jupyter kernel that `make` registers inside .venv, so notebooks never run elsewhere.
KERNEL_NAME = "burnout"
# For the kernel only: the modules to import at start-up, and where to write what they printed.
WARM_VARIABLE = "BURNOUT_WARM_IMPORTS"
WARM_LOG_VARIABLE = "BURNOUT_WARM_LOG"
_CLIENT = "jupyter_client.asynchronous.AsyncKernelClient"
# nbclient's default when it starts a kernel itself: IPython's history in memory, not in $HOME.
_KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",
                     f"--IPKernelApp.extensions=['{__name__}']")


class StageKernel:
    """The kernel of one notebook run, started at once (close it, or use ``with``).

    Its scratch folder holds the kernel's IPC sockets, the audit log (:attr:`audit_log`) and the
    warm-up log (:attr:`warm_log`). ``manager`` is the started
    :class:`jupyter_client.manager.KernelManager`, for papermill; its ``client()`` is an
    asynchronous client (a test talking to the kernel directly makes a blocking one).

    Examples
    --------
    The kernel lives in ``.venv`` (``make venv``), so the example only shows the names:

    >>> StageKernel.__name__, KERNEL_NAME
    ('StageKernel', 'burnout')
    """

    def __init__(self, notebook: Path, zygote=None) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="burnout-run-")
        self._closing = threading.Lock()
        self.scratch = Path(self._folder.name)
        self.audit_log = self.scratch / "audit.log"
        self.warm_log = self.scratch / "warm-up.log"
        # A local IPC transport (sockets in the scratch folder): nothing listens on the network.
        # papermill's client is the asynchronous one: the blocking one waits on the kernel's
        # socket inside nbclient's event loop, so nbclient's check that the kernel is alive
        # never runs, and a stage whose kernel dies (killed, out of memory) would wait for ever.
        self.manager = _manager(zygote)(kernel_name=KERNEL_NAME, transport="ipc",
                                        ip=str(self.scratch / "kernel"), client_class=_CLIENT)
        environment = {**os.environ, AUDIT_VARIABLE: str(self.audit_log),
                       WARM_VARIABLE: " ".join(library_imports(notebook)),
                       WARM_LOG_VARIABLE: str(self.warm_log)}
        try:
            self.manager.start_kernel(extra_arguments=list(_KERNEL_ARGUMENTS), cwd=str(ROOT),
                                      env=environment)
        except BaseException:
            self._folder.cleanup()
            raise

    def warm_up_output(self) -> str:
        """What the imports at start-up printed or warned ('' when nothing)."""
        return (self.warm_log.read_text(encoding="utf-8").strip()
                if self.warm_log.is_file() else "")

    def close(self) -> None:
        """Stop the kernel and remove the scratch folder (again: nothing happens)."""
        with self._closing:  # the batch may close it while the stage's thread does
            try:
                if self.manager.has_kernel:
                    self.manager.shutdown_kernel(now=True)
            finally:
                self._folder.cleanup()

    def __enter__(self) -> StageKernel:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _manager(zygote):
    """The KernelManager class: one that forks the kernel from ``zygote``, if any."""
    from jupyter_client.manager import KernelManager

    if zygote is None:
        return KernelManager

    class _ForkingKernelManager(KernelManager):
        """Launches the kernel as a fork of the zygote; the provisioner then watches, signals
        and stops it as the process it would have started itself."""

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            if not zygote.can_launch(kernel_cmd):
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner = self.provisioner
            try:
                provisioner.process = zygote.launch(kernel_cmd, kw["env"], kw.get("cwd") or ".")
            except OSError:  # the zygote could not fork, or has ended: a process, as before
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            # The child leads its own session, as jupyter_client's launcher makes it.
            provisioner.pid = provisioner.pgid = provisioner.process.pid
            provisioner.cwd = kw.get("cwd")
            self._reconcile_connection_info(provisioner.connection_info)
            return None

    return _ForkingKernelManager


def _import(name: str) -> None:
    """Import module ``name``, or, when its last part is not a module (``from a import b``), the
    module it is in; an import that fails is left to the notebook's cell to raise."""
    import importlib
    import importlib.util

    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # the parent is not a package, or does not exist
        found = False
    with contextlib.suppress(Exception):
        importlib.import_module(name if found else name.rpartition(".")[0] or name)


def load_ipython_extension(shell) -> None:
    """Run by the kernel at start-up: keep freed memory, import ``BURNOUT_WARM_IMPORTS``.

    The C allocator is set to keep freed memory for reuse
    (:func:`burnout.core.memory.keep_freed_memory`: at a million participants a stage spends
    a fifth of its time page-faulting otherwise). No name is bound in the notebook's
    namespace; a module that fails to import is skipped (the notebook's cell then raises the
    error where it belongs); what the imports print or warn goes to ``BURNOUT_WARM_LOG``.

    Examples
    --------
    >>> import os, sys
    >>> os.environ[WARM_VARIABLE] = "colorsys.rgb_to_hls not_a_module_here"
    >>> load_ipython_extension(None)
    >>> "colorsys" in sys.modules
    True
    >>> del os.environ[WARM_VARIABLE]
    """

    keep_freed_memory()
    captured = io.StringIO()
    shown = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None) -> None:
        captured.write(warnings.formatwarning(message, category, filename, lineno, line))

    # warnings.catch_warnings would also undo the filters a library sets when imported.
    warnings.showwarning = record
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            for name in os.environ.get(WARM_VARIABLE, "").split():
                _import(name)
    finally:
        warnings.showwarning = shown
    log = os.environ.get(WARM_LOG_VARIABLE)
    if captured.getvalue() and log:
        with open(log, "a", encoding="utf-8") as handle:  # after what the zygote's imports wrote
            handle.write(captured.getvalue())
