"""One process that imports the stages' libraries once and forks each stage's kernel from them.

A fresh kernel spends most of a small stage's time importing ipykernel, pandas, scipy,
statsmodels and matplotlib. :mod:`burnout.pipeline.batch` therefore starts a *zygote* (a
"pre-imported" process, as Android starts apps): a Python interpreter, started with the kernel's
own command (the ``burnout`` kernel spec's interpreter and flags), that imports ipykernel and the
libraries of every pending stage (:func:`burnout.pipeline.dependencies.library_imports`) and
then waits. It imports nothing of :mod:`burnout`, opens no project file, binds no project state
and starts no thread or zmq context before it forks. For each stage's kernel it forks one child,
which becomes the kernel exactly as ``python -m ipykernel_launcher -f <connection file>`` would:
a new session, the stage's environment (with the audit log of :mod:`burnout.core.audit`), the
stage's working directory, stdin from ``/dev/null``, the default SIGINT handler, and then the
IPython kernel app on the connection file the :class:`jupyter_client.manager.KernelManager`
wrote. The child's extension (:func:`burnout.pipeline.kernel.load_ipython_extension`) imports
:mod:`burnout` there, so the audit hook records from the kernel's start, as before; each stage
still gets a fresh interpreter state (nothing of another stage runs in the zygote).

Fork safety: the zygote has no Python thread and no zmq context when it forks (it refuses to
fork otherwise: the kernels then start as processes); OpenBLAS's worker threads are shut down
before a fork and started again in the child by OpenBLAS's own ``pthread_atfork`` handler;
numpy's global random state is reseeded from the system in each child, as a fresh process
seeds it (the stages seed their own generators); the child closes every descriptor but stdin,
stdout and stderr and restores the default SIGINT handler. The kernels share the zygote's
hash seed, which nothing written depends on (the outputs are byte-identical from run to run).

What an import printed or warned in the zygote is kept per module and written to the warm-up
log of each stage that imports that module, so it fails that stage as before.

The manager talks to the child as to any kernel: :class:`ForkedProcess` stands for the
:class:`subprocess.Popen` it would hold (``poll``, ``wait``, ``kill``, ``send_signal``; the
child is the zygote's, not ours, so it is watched through a pidfd the zygote passes over a Unix
socket, and its exit status is asked from the zygote, which reaps it). The zygote exits when
the socket closes (the batch ended or died), and each kernel exits when the zygote does
(ipykernel's parent poller). Forking needs Linux (``os.fork``, ``os.pidfd_open``,
``socket.send_fds``); elsewhere :func:`start_zygote` returns ``None``, and there or when the
zygote fails, each stage starts its own kernel process
(:class:`~burnout.pipeline.kernel.StageKernel`,
as before).

This file runs as a script in the zygote (``python zygote.py <socket fd>``), so at its top it
imports only the standard library.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable

__all__ = ["ForkedProcess", "Zygote", "forking_available", "start_zygote"]

# The modules every kernel needs, imported before the stages' libraries.
_KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell")
_LAUNCHER = "ipykernel_launcher"


def forking_available() -> bool:
    """Whether this platform can fork kernels from a zygote (Linux: fork, pidfd, fd passing).

    Examples
    --------
    >>> forking_available() == (sys.platform == "linux")
    True
    """
    return (sys.platform == "linux" and hasattr(os, "fork") and hasattr(os, "pidfd_open")
            and hasattr(socket, "send_fds"))


class ForkedProcess:
    """A kernel forked by the zygote, with the part of :class:`subprocess.Popen` that
    :class:`jupyter_client.provisioning.LocalProvisioner` uses.

    Examples
    --------
    >>> ForkedProcess.__name__
    'ForkedProcess'
    """

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int, pidfd: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._zygote = zygote
        self._pidfd = pidfd

    def poll(self) -> int | None:
        """The exit status once the kernel has ended, else ``None``."""
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = self._zygote.exit_status(self.pid)
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end; its exit status."""
        if self.returncode is None and not select.select([self._pidfd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(_LAUNCHER, timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel, unless it has ended."""
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        """Kill the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to end."""
        self.send_signal(signal.SIGTERM)


class Zygote:
    """The client's side of a started zygote (:func:`start_zygote`); close it, or use ``with``.

    Examples
    --------
    >>> Zygote.__name__
    'Zygote'
    """

    def __init__(self, process: subprocess.Popen, control: socket.socket, prefix: list[str]):
        self.process = process
        self.prefix = prefix  # the interpreter and its flags, before "-m ipykernel_launcher"
        self._control = control
        self._reader = control.makefile("r", encoding="utf-8")
        self._ready: bool | None = None  # known once the zygote has imported the libraries
        # One request and its reply at a time: the batch asks from its stages' threads too.
        self._lock = threading.Lock()

    def ready(self) -> bool:
        """Wait until the zygote has imported the libraries; whether it can fork kernels."""
        if self._ready is None:
            with self._lock:
                if self._ready is None:
                    line = self._reader.readline()
                    self._ready = bool(line) and bool(json.loads(line).get("ready"))
        return self._ready

    def _ask(self, request: dict) -> tuple[dict, list[int]]:
        with self._lock:
            self._control.sendall((json.dumps(request) + "\n").encode())
            message, fds, _, _ = socket.recv_fds(self._control, 65536, 1)
        return json.loads(message), fds

    def can_launch(self, command: list[str]) -> bool:
        """Whether ``command`` is the kernel command this zygote forks (same interpreter)."""
        return (self.ready() and self.process.poll() is None
                and command[:len(self.prefix)] == self.prefix
                and command[len(self.prefix):len(self.prefix) + 2] == ["-m", _LAUNCHER])

    def launch(self, command: list[str], env: dict, cwd: str) -> ForkedProcess:
        """Fork a kernel running ``command``'s arguments with ``env`` in ``cwd``."""
        try:
            reply, fds = self._ask({"fork": command[len(self.prefix) + 2:], "env": env,
                                    "cwd": cwd})
        except ValueError:  # the zygote ended
            reply, fds = {"error": "it has ended"}, []
        if "error" in reply or not fds:
            raise OSError(f"the kernel zygote could not fork: {reply.get('error')}")
        return ForkedProcess(self, reply["pid"], fds[0])

    def exit_status(self, pid: int) -> int:
        """The exit status of an ended kernel (the zygote reaps it); -1 if the zygote is gone
        (the kernel, reparented, is then reaped by another process)."""
        try:
            return self._ask({"status": pid})[0]["status"]
        except (OSError, ValueError):
            return -1

    def close(self) -> None:
        """Stop the zygote (closing its socket ends it)."""
        self._reader.close()
        self._control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def start_zygote(prefix: list[str], modules: Callable[[], list[str]],
                 env: dict) -> Zygote | None:
    """Start a zygote with the kernel's interpreter and flags ``prefix`` (from the kernel spec)
    that imports ipykernel, then ``modules()`` (called while it does); ``None`` when forking is
    unavailable. It returns at once: the zygote imports meanwhile (:meth:`Zygote.ready`; when
    it fails, kernels start as processes).

    Examples
    --------
    >>> started = start_zygote([sys.executable], lambda: ["colorsys"], dict(os.environ))
    >>> started is None or started.ready()  # None where forking is unavailable
    True
    >>> started is None or started.close()
    """
    if not forking_available():
        return None
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        process = subprocess.Popen([*prefix, __file__, str(theirs.fileno())], env=env,
                                   stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),))
    except OSError:
        ours.close()
        return None
    finally:
        theirs.close()
    ours.sendall((json.dumps(modules()) + "\n").encode())
    return Zygote(process, ours, list(prefix))


# --- the zygote's side ------------------------------------------------------------------------

def _import_quietly(name: str) -> str:
    """Import ``name`` (or, if it names an attribute, its module); what it printed or warned."""
    import importlib
    import importlib.util

    captured = io.StringIO()
    shown = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None) -> None:
        captured.write(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = record  # as burnout.pipeline.kernel.load_ipython_extension does
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            try:
                found = importlib.util.find_spec(name) is not None
            except (ImportError, ValueError):
                found = False
            with contextlib.suppress(Exception):
                importlib.import_module(name if found else name.rpartition(".")[0] or name)
    finally:
        warnings.showwarning = shown
    return captured.getvalue()


class _KernelShell:
    """What a library sees of IPython when the zygote imports it: the shell of a Jupyter kernel,
    as in the kernel, where the libraries were imported before (pandas decides at import whether
    it prints to a terminal by ``hasattr(get_ipython(), "kernel")``). Only while importing."""

    kernel = None


_KernelShell.__name__ = _KernelShell.__qualname__ = "ZMQInteractiveShell"


@contextlib.contextmanager
def _as_in_a_kernel():
    """Import as the kernel would: ``get_ipython()`` is a kernel's shell, and matplotlib's
    backend is ipykernel's inline one unless MPLBACKEND says otherwise (ipykernel sets it before
    it loads extensions)."""
    import builtins

    backend = os.environ.get("MPLBACKEND")
    if not backend:
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    builtins.get_ipython = _KernelShell
    try:
        yield
    finally:
        del builtins.get_ipython
        if not backend:
            os.environ.pop("MPLBACKEND", None)


def _become_kernel(control: socket.socket, arguments: list[str], env: dict, cwd: str,
                   printed: dict[str, str]) -> None:
    """In the forked child: become ``python -m ipykernel_launcher <arguments>`` (never returns)."""
    code = 1
    try:
        # Only stdin, stdout and stderr stay open, as in a process jupyter_client starts
        # (close_fds); the socket object lets go of its descriptor so that it never closes it.
        control.detach()
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.setsid()  # as jupyter_client's launcher does: the kernel leads its own session
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if "numpy.random" in sys.modules:  # its global state, seeded at import, as in a process
            sys.modules["numpy.random"].seed()  # (the random module reseeds itself after fork)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env, JPY_PARENT_PID=str(os.getppid()))  # exit when the zygote does
        warm = [printed[name] for name in env.get("BURNOUT_WARM_IMPORTS", "").split()
                if printed.get(name)]
        if warm and env.get("BURNOUT_WARM_LOG"):
            with open(env["BURNOUT_WARM_LOG"], "w", encoding="utf-8") as log:
                log.write("".join(warm))
        import ipykernel_launcher
        from ipykernel import kernelapp

        sys.argv = [ipykernel_launcher.__file__, *arguments]
        # ipykernel read JPY_PARENT_PID when the zygote imported it: the parent is the zygote.
        kernelapp.launch_new_instance(argv=[*arguments,
                                            f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _serve(control: socket.socket) -> None:
    """Import the modules the client sends, then fork one kernel per request until EOF."""
    reader = control.makefile("r", encoding="utf-8")
    # The script's folder must not shadow a library: as ipykernel_launcher does with the cwd,
    # the kernel starts without it (IPython then adds the cwd).
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    printed = {name: _import_quietly(name) for name in _KERNEL_MODULES}
    modules = json.loads(reader.readline() or "[]")
    with _as_in_a_kernel():
        printed.update((name, _import_quietly(name)) for name in modules)

    # A library that started a thread makes forking unsafe; one that loaded the inline backend
    # registered it with no shell (in the kernel, loading it enables the inline figures).
    if threading.active_count() != 1 or "matplotlib_inline.backend_inline" in sys.modules:
        control.sendall(b'{"ready": false}\n')
        return
    control.sendall(b'{"ready": true}\n')
    for line in reader:
        request = json.loads(line)
        if "status" in request:
            _, status = os.waitpid(request["status"], 0)
            reply = {"status": os.waitstatus_to_exitcode(status)}
            control.sendall((json.dumps(reply) + "\n").encode())
            continue
        try:
            pid = os.fork()
        except OSError as error:  # the client then starts the kernel as a process
            control.sendall((json.dumps({"error": str(error)}) + "\n").encode())
            continue
        if pid == 0:
            _become_kernel(control, request["fork"], request["env"], request["cwd"], printed)
        pidfd = os.pidfd_open(pid)
        socket.send_fds(control, [(json.dumps({"pid": pid}) + "\n").encode()], [pidfd])
        os.close(pidfd)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the batch; the socket ends us
    _serve(socket.socket(fileno=int(sys.argv[1])))
    # The zygote wrote no file and holds nothing to flush but stdout and stderr: it exits at
    # once, without the interpreter's teardown of every library imported for the kernels
    # (about 0.45 s, which the batch's Zygote.close waits for at the end of each make all).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
