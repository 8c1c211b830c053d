"""The Streamlit app in a real browser: cold start to an interactive page, and time to the first
answer token."""

from __future__ import annotations

import os
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

from bench.plan import REAL_CORPUS, Plan
from bench.report import Row, median

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHAT_INPUT = '[data-testid="stChatInput"]'
ANSWER_SHOWN = """(n) => [...document.querySelectorAll('[data-testid="stChatMessage"]')].filter(m =>
    m.querySelector('[data-testid="stChatMessageAvatarAssistant"]') &&
    ((m.querySelector('[data-testid="stChatMessageContent"]') || {}).innerText || '')
        .trim().length > 0).length >= n"""
ANSWER_DONE = """(n) => [...document.querySelectorAll('[data-testid="stChatMessage"]')].filter(m =>
    m.querySelector('[data-testid="stChatMessageAvatarAssistant"]')
    && m.querySelector('[data-testid="stDownloadButton"]')).length >= n"""


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable() -> str:
    """Why the browser measurement cannot run here, or '' when it can."""
    if not (ROOT / "streamlit_app.py").exists():
        return "no streamlit_app.py"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    return ""


def wait_health(url: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    """Poll /_stcore/health until it answers ok; fail fast if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("streamlit did not become healthy")


def streamlit_env(store_dir: Path, corpus_dir: Path) -> dict[str, str]:
    """The environment for the app: this store and corpus, the extractive answerer, no API keys."""
    env = {
        **os.environ,
        "PP_STORE_DIR": str(store_dir),
        "PP_CORPUS_DIR": str(corpus_dir),
        "PP_ANSWERER": "extractive",
    }
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    return env


def streamlit_command(port: int) -> list[str]:
    """`streamlit run streamlit_app.py`, headless on 127.0.0.1:port, without usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]


@contextmanager
def streamlit(
    store_dir: Path, corpus_dir: Path, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A fresh `streamlit run` on the given store, offline and without API keys."""
    port = free_port()
    env = streamlit_env(store_dir, corpus_dir)
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            streamlit_command(port), env=env, cwd=ROOT, stdout=sink, stderr=sink
        )
        try:
            yield f"http://127.0.0.1:{port}", proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def ask_in_page(page: Any, question: str, n: int) -> tuple[float, float]:
    """Seconds from pressing Enter to the n-th answer's first text, and to its finished
    rendering."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    started = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(ANSWER_SHOWN, arg=n, timeout=180_000, polling=25)
    first = time.perf_counter() - started
    page.wait_for_function(ANSWER_DONE, arg=n, timeout=180_000, polling=50)
    return first, time.perf_counter() - started


def one_run(store_dir: Path, corpus_dir: Path, log: Path, questions: list[str]) -> dict[str, Any]:
    """Launch the browser first (not the app's cost), then time the app from `streamlit run` on."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        started = time.perf_counter()
        with streamlit(store_dir, corpus_dir, log) as (url, proc):
            wait_health(url, proc)
            health = time.perf_counter() - started
            page.goto(url)
            page.wait_for_selector(CHAT_INPUT, timeout=180_000)
            ready = time.perf_counter() - started
            answers = [ask_in_page(page, q, i + 1) for i, q in enumerate(questions)]
        browser.close()
    return {
        "health_s": health,
        "ready_s": ready,
        "first_token_s": [a[0] for a in answers],
        "answer_done_s": [a[1] for a in answers],
    }


def app_rows(plan: Plan) -> list[Row]:
    """Cold start and time to first token on the real-corpus store of the 'vs plain' section;
    skipped with a reason."""
    reason = unavailable()
    store = plan.work / f"real-store-{plan.repeats - 1}"
    if not reason and not (store / "manifest.json").exists():
        reason = "no store (the 'vs plain' section failed)"
    if reason:
        return [Row("6 app", "cold start / first token", f"skipped: {reason}")]
    questions = ["When was PP DATA officially launched?", "What is the Prague Process?"]
    runs = [
        one_run(store, REAL_CORPUS, plan.work / f"streamlit-{i}.log", questions)
        for i in range(1 if plan.quick else 2)
    ]
    first = [r["first_token_s"] for r in runs]
    return [
        Row(
            "6 app",
            "cold start: `streamlit run` → health OK",
            f"{median([r['health_s'] for r in runs]):.1f} s",
            "—",
            None,
        ),
        Row(
            "6 app",
            "cold start: `streamlit run` → chat input shown",
            f"{median([r['ready_s'] for r in runs]):.1f} s",
            "—",
            None,
            {"runs": runs},
        ),
        Row(
            "6 app",
            "time to first token, 1st / 2nd question",
            f"{median([f[0] for f in first]):.2f} / {median([f[1] for f in first]):.2f} s "
            f"(full answer {median([r['answer_done_s'][0] for r in runs]):.2f} s)",
            "—",
            None,
        ),
    ]
