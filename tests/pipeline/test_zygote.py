"""Tests of burnout.pipeline.zygote: a kernel forked from the zygote is the kernel a process of
its own would be (same interpreter state as far as a notebook can see), is watched, signalled
and stopped as one, and fails a stage as one; without forking, kernels start as processes."""

from __future__ import annotations

import json
import os
import signal

import nbformat
import pytest
from jupyter_client.blocking import BlockingKernelClient

from burnout.pipeline import batch, zygote
from burnout.pipeline.dependencies import library_imports
from burnout.pipeline.kernel import StageKernel

# What a notebook can see of its interpreter: the same in a forked kernel as in a process.
PROBE = r"""
import json as _j, os as _o, sys as _s, signal as _sg, threading as _t
import pandas as _pd, matplotlib as _m
_h = _sg.getsignal(_sg.SIGINT)
print(_j.dumps({
    "path": _s.path, "cwd": _o.getcwd(), "argv": [_o.path.basename(_s.argv[0]), *_s.argv[3:]],
    "max_columns": _pd.get_option("display.max_columns"), "backend": _m.get_backend(),
    "threads": sorted(thread.name for thread in _t.enumerate()),
    "sigint": getattr(_h, "__qualname__", str(_h)), "session leader": _o.getsid(0) == _o.getpid(),
    "burnout modules": sorted(name for name in _s.modules if name.startswith("burnout")),
    "modules": len(_s.modules), "open files": len(_o.listdir("/proc/self/fd")),
    "names": sorted(name for name in globals() if not name.startswith("_")),
    "environment": sorted(_o.environ), "audit": _o.environ["BURNOUT_AUDIT_LOG"][-9:]}))
"""
needs_fork = pytest.mark.skipif(not zygote.forking_available(), reason="forking needs Linux")


def _command() -> list[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager().get_kernel_spec("burnout").argv


def _start(notebook, modules=None) -> zygote.Zygote:
    command = _command()
    started = zygote.start_zygote(command[:command.index("-m")],
                                  lambda: library_imports(notebook) if modules is None else modules,
                                  dict(os.environ))
    assert started is not None and started.ready()
    return started


def _probe(kernel: StageKernel, code: str = PROBE) -> str:
    printed: list[str] = []
    client = BlockingKernelClient(**kernel.manager.get_connection_info(session=True))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        client.execute_interactive(code, timeout=60, output_hook=lambda message: printed.append(
            message["content"].get("text", "")))
    finally:
        client.stop_channels()
    return "".join(printed)


@needs_fork
@pytest.mark.slow
def test_a_forked_kernel_sees_what_a_kernel_process_sees(tmp_path):
    notebook = tmp_path / "n.ipynb"
    cell = nbformat.v4.new_code_cell("import pandas\nimport matplotlib.pyplot\nimport scipy.stats")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), notebook)
    with StageKernel(notebook) as alone:
        expected = json.loads(_probe(alone))
    with _start(notebook) as started, StageKernel(notebook, started) as forked:
        assert isinstance(forked.manager.provisioner.process, zygote.ForkedProcess)
        seen = json.loads(_probe(forked))
    assert seen == expected
    assert expected["max_columns"] == 20  # a kernel's default, not a terminal's
    assert not {"pandas", "matplotlib", "scipy"} & set(expected["names"])  # nothing bound


@needs_fork
@pytest.mark.slow
def test_a_forked_kernel_is_polled_signalled_and_stopped_like_a_process(tmp_path):
    notebook = tmp_path / "n.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with _start(notebook, []) as started:
        kernel = StageKernel(notebook, started)
        process = kernel.manager.provisioner.process
        assert process.poll() is None and kernel.manager.is_alive()
        assert kernel.manager.provisioner.pgid == os.getpgid(process.pid) == process.pid
        assert "ok" in _probe(kernel, "print('ok')")
        kernel.close()
        assert process.poll() == -signal.SIGKILL  # shutdown(now=True) kills it
        assert not kernel.scratch.exists()
        with pytest.raises(ProcessLookupError):
            os.kill(process.pid, 0)  # reaped by the zygote, not left a zombie
    assert started.process.returncode == 0  # closing the socket ends the zygote


@needs_fork
@pytest.mark.slow
def test_a_stage_on_forked_kernels_fails_and_rebuilds_as_before(tiny_project, notebook_of):
    root, run = tiny_project
    built = run("run", "tiny")  # run_study: the batch, on the zygote's kernels
    assert built.returncode == 0, built.stderr
    executed = root / "reports" / "tiny" / "01_clean.ipynb"
    first = executed.read_bytes()
    assert run("run", "tiny").returncode == 0 and executed.read_bytes() == first
    (root / "loud_module_for_test.py").write_text("import warnings\nwarnings.warn('loud')\n")
    clean = root / "notebooks" / "01_clean.ipynb"
    nbformat.write(notebook_of("import loud_module_for_test"), clean)
    loud = run("run", "tiny")
    assert loud.returncode == 1
    assert "importing the notebook's modules" in loud.stderr and "loud" in loud.stderr
    nbformat.write(notebook_of("1 / 0"), clean)
    failed = run("run", "tiny")
    assert failed.returncode == 1
    assert "ZeroDivisionError: division by zero" in failed.stderr
    assert (root / "reports" / "tiny" / "failed" / "01_clean.ipynb").is_file()


def test_without_forking_each_kernel_is_a_process_of_its_own(monkeypatch):
    monkeypatch.setattr(zygote, "forking_available", lambda: False)
    assert zygote.start_zygote(["python"], list, {}) is None
    assert batch._zygote([("mentorship", "clean")]) is None


def test_a_zygote_launches_only_the_kernel_command_it_was_started_with():
    class Started(zygote.Zygote):
        def __init__(self) -> None:
            self.prefix, self._ready = ["/venv/python", "-Xfrozen_modules=off"], True
            self.process = type("Running", (), {"poll": lambda self: None})()

    started = Started()
    assert started.can_launch(["/venv/python", "-Xfrozen_modules=off", "-m",
                               "ipykernel_launcher", "-f", "k.json"])
    assert not started.can_launch(["/other/python", "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not started.can_launch(["/venv/python", "-Xfrozen_modules=off", "-m", "other"])
