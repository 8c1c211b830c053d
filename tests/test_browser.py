"""End to end in a real browser: streamlit run + Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def _saved_report(indexed: Settings) -> Path:
    """An evaluation folder holding one real report (four gold questions) for the page to load."""
    from evals.run import run_eval

    folder = indexed.store_dir.parent / "eval-reports"
    if not (folder / "four" / "report.json").is_file():
        run_eval(indexed, out_dir=folder / "four", limit=4)
    json.loads((folder / "four" / "report.json").read_text(encoding="utf-8"))
    return folder


@pytest.fixture(scope="module")
def server(indexed: Settings) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PP_STORE_DIR": str(indexed.store_dir),
        "PP_CORPUS_DIR": str(indexed.corpus_dir),
        "PP_EVAL_DIR": str(_saved_report(indexed)),
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


@contextmanager
def _chat(server: str) -> Iterator[tuple[Any, Any]]:
    """The app open in Debian's Chromium: the page and its chat input, once it is usable."""
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
        yield page, box
        browser.close()


def test_ask_and_open_the_highlighted_source(server: str) -> None:
    with _chat(server) as (page, box):
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


# raw tag text a page must never show (a tag that was escaped instead of rendered or removed)
RAW_TAG = re.compile(r"</?(?:small|sup|sub|b|i|em|strong|span|div|br|p|a|mark|h\d)\b[^>]{0,80}>")


def _clean_page(page: Any, name: str) -> None:
    """The page as a reader sees it: no raw HTML tag text, no exception box, no mailto: link
    (Markdown turns 'hit@5.en' into one); a screenshot is written for the record."""
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
    text = page.inner_text("body")
    assert not RAW_TAG.findall(text), (name, RAW_TAG.findall(text)[:5])
    assert page.get_by_test_id("stException").count() == 0, name
    assert page.locator("a[href^='mailto:']").count() == 0, name


def test_every_page_is_clean(server: str) -> None:
    with _chat(server) as (page, box):
        _clean_page(page, "chat")
        box.fill("What are the thematic areas of the Prague Process?")
        box.press("Enter")
        page.get_by_test_id("stChatMessage").filter(has_text="Asylum").last.wait_for(
            timeout=120_000
        )
        page.locator("[data-testid='stExpander'] summary:visible").first.click()
        _clean_page(page, "chat-answer")
        page.get_by_text("Onboarding", exact=True).first.click()
        page.get_by_text("Glossary", exact=True).first.wait_for(timeout=120_000)
        _clean_page(page, "onboarding-overview")
        for tab in ("Glossary", "Timeline"):
            page.get_by_text(tab, exact=True).first.click()
            page.locator("[data-testid='stExpander'] summary:visible").first.click()
            _clean_page(page, f"onboarding-{tab.lower()}")
        page.get_by_text("Corpus", exact=True).first.click()
        page.get_by_text("Open a document").first.wait_for(timeout=60_000)
        _clean_page(page, "corpus")
        page.get_by_text("Evaluation", exact=True).first.click()
        # The saved-report box by its own label: an index would pick the Corpus page's box while
        # that page is still on screen, and its options vanish when the Evaluation page replaces it.
        saved = page.get_by_test_id("stSelectbox").filter(has_text="load a saved report")
        saved.wait_for(timeout=60_000)
        saved.click()
        page.get_by_role("option", name="four").click()
        page.get_by_text("Facts stated").first.wait_for(timeout=60_000)
        _clean_page(page, "evaluation")
