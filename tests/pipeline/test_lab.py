"""`make lab` serves the notebooks: start JupyterLab on localhost, list them over REST, stop it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from burnout.core.paths import NOTEBOOKS_DIR, ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_jupyterlab_serves_the_notebooks_with_the_project_kernel(tmp_path):
    port, token = _free_port(), "compendium-test"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={NOTEBOOKS_DIR}",
            "--ServerApp.open_browser=False",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={
            "JUPYTER_RUNTIME_DIR": str(tmp_path),
            "HOME": str(tmp_path),
            "PATH": os.environ["PATH"],
        },
    )

    def get(path):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"token {token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                contents = get("/api/contents")
                break
            except OSError:
                assert server.poll() is None, "JupyterLab exited before serving"
                assert time.monotonic() < deadline, "JupyterLab did not answer within 60 s"
                time.sleep(0.5)
        served = sorted(item["name"] for item in contents["content"] if item["type"] == "notebook")
        assert served == sorted(path.name for path in NOTEBOOKS_DIR.glob("*.ipynb"))
        assert served, "no notebook served"
        kernels = get("/api/kernelspecs")["kernelspecs"]
        assert "burnout" in kernels
        assert kernels["burnout"]["spec"]["argv"][0].startswith(str(ROOT / ".venv"))
    finally:
        server.terminate()
        server.wait(timeout=30)
