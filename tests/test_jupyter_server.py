"""A real Jupyter server opens a py:percent chapter as a notebook (jupytext contents manager)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from prkanalysis import config


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, token: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_jupytext_server_extension_is_enabled() -> None:
    pytest.importorskip("jupytext")
    confd = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d"
    cfgs = [json.loads(p.read_text()) for p in confd.glob("*.json")] if confd.is_dir() else []
    enabled = any(
        c.get("ServerApp", {}).get("jpserver_extensions", {}).get("jupyterlab_jupytext")
        for c in cfgs
    )
    assert enabled, f"jupytext server extension not enabled in {confd}"


@pytest.mark.slow
def test_server_serves_chapter_as_notebook(tmp_path: Path) -> None:
    pytest.importorskip("jupyter_server")
    pytest.importorskip("jupytext")
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
        "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={config.PROJ_ROOT}", "--ServerApp.open_browser=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail("jupyter server exited: " + (tmp_path / "server.log").read_text())
            try:
                status, _ = _get(f"{base}/api/status", token)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log_text = (tmp_path / "server.log").read_text()
                pytest.fail("jupyter server did not start: " + log_text)
            time.sleep(0.5)
        url = f"{base}/api/contents/notebooks/01-five-year-history.py?type=notebook&content=1"
        status, body = _get(url, token)
        assert status == 200, body[:500]
        model = json.loads(body)
        assert model["type"] == "notebook"
        nb = model["content"]
        assert nb["nbformat"] == 4
        tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"]]
        assert any("parameters" in t for t in tags)
        assert any("findings" in t for t in tags)
        # without a token the contents API refuses
        status_anon, _ = _get(url, "wrong-token")
        assert status_anon in (401, 403)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
