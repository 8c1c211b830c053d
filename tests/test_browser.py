"""End to end in a real browser: streamlit run + Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT, Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
pytestmark = pytest.mark.slow


def _require(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("PP_REQUIRE_ALL") == "1":
            pytest.fail(why)
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(indexed: Settings) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PP_STORE_DIR": str(indexed.store_dir),
        "PP_CORPUS_DIR": str(indexed.corpus_dir),
    }
    env.pop("OPENAI_API_KEY", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT_ROOT / "streamlit_app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ask_and_open_the_highlighted_source(server: str) -> None:
    _require(
        Path(CHROMIUM).exists(),
        "Debian chromium is not installed (apt install chromium chromium-driver)",
    )
    playwright = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(server)
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=120_000)
        box.fill("When was PP DATA officially launched?")
        box.press("Enter")
        answer = page.get_by_test_id("stChatMessage").filter(has_text="1 January 2018")
        answer.last.wait_for(timeout=120_000)
        source = page.get_by_text("[1] Enhancing cooperation", exact=False).first
        source.click()
        mark = page.locator("mark").first
        mark.wait_for(state="visible", timeout=30_000)
        assert "1 January 2018" in mark.inner_text()
        page.screenshot(path=str(ARTIFACTS / "chat-answer-with-source.png"), full_page=True)
        assert page.locator("script:text('alert')").count() == 0
        browser.close()
