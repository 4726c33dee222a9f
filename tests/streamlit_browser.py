"""Driving the real dashboard in a real browser, shared by the Chromium tests: `streamlit run` on a
free port of 127.0.0.1 with a given data directory, Debian's Chromium (never `playwright install`),
and helpers that wait for Streamlit's run to finish, read error boxes and take whole-app screenshots
(into tests/artifacts/, gitignored)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# pytestmark of every browser test module
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (install Debian's chromium; never `playwright install`)"),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc: subprocess.Popen, base: str, timeout: float = 60) -> None:
    """Poll the port and /_stcore/health until the server answers 'ok' (or fail with its output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = Path(proc.log_path).read_text("utf-8", "replace") if hasattr(proc, "log_path") else ""
            pytest.fail(f"streamlit exited with {proc.returncode} before serving:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not become healthy at {base} within {timeout:.0f} s")


def serve(data_dir: Path, **env_extra: str):
    """Start `streamlit run dashboard/app.py` on a free port with TIPDASH_DATA_DIR=data_dir."""
    port = free_port()
    env = {**os.environ, "TIPDASH_DATA_DIR": str(data_dir), **env_extra}
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.showErrorDetails", "full"]
    log = open(Path(data_dir).parent / f"streamlit-{port}.log", "wb")  # a file: a full pipe would block the server
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, base)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def settle(page, title: str) -> None:
    """Wait for the page's title, then until Streamlit has stopped running the script."""
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-stale=\"true\"]').length === 0",
        timeout=30_000,
    )
    page.wait_for_timeout(600)  # plotly draws after the script finished


def errors(page) -> list[str]:
    """The text of every error box on the page (empty when none)."""
    boxes = page.locator('[data-testid="stException"]')
    return [boxes.nth(i).inner_text()[:2000] for i in range(boxes.count())]


def shot(page, name: str) -> None:
    """Screenshot the whole app: Streamlit scrolls inside its main block, so grow the viewport to fit."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stMainBlockContainer\"]')]"
        ".map(e => e.scrollHeight), 800)")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 12000)})
    page.wait_for_timeout(700)  # charts re-layout to the new size
    page.screenshot(path=str(ARTIFACTS / f"browser_{name}.png"))
    page.set_viewport_size(size)
