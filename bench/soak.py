"""Soak test: many sequential questions through the library and concurrent chat sessions against a
running Streamlit server; reports errors (must be 0) and memory growth (must stay within 10%).

    python -m bench.soak [--asks 2000] [--sessions 8] [--per-session 5] [--minutes 20]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

from assistant.settings import PROJECT_ROOT, load_settings
from index.offline import configure_offline

GOLD = PROJECT_ROOT / "evals" / "datasets" / "gold.jsonl"


def questions() -> list[str]:
    rows = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [r["question"] for r in rows if not r.get("history")]


def library_soak(n: int, deadline: float) -> dict[str, Any]:
    """n sequential ask() calls; RSS after a warm-up versus at the end."""
    from assistant.runtime import Runtime
    from assistant.service import ask

    runtime = Runtime(load_settings())
    qs = questions()
    proc = psutil.Process()
    errors: list[str] = []
    warm = min(100, n // 10 or 1)
    rss_warm = 0
    done = 0
    for i in range(n):
        if time.monotonic() > deadline:
            break
        try:
            ask(qs[i % len(qs)], runtime=runtime)
        except Exception as exc:  # counted, not hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        done += 1
        if i + 1 == warm:
            rss_warm = proc.memory_info().rss
    rss_end = proc.memory_info().rss
    growth = (rss_end - rss_warm) / rss_warm if rss_warm else 0.0
    return {
        "asks": done,
        "errors": len(errors),
        "first_errors": errors[:3],
        "rss_after_warmup_mb": rss_warm / 2**20,
        "rss_end_mb": rss_end / 2**20,
        "growth": growth,
        "ok": not errors and growth <= 0.10,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _session(url: str, qs: list[str], errors: list[str], done: list[int]) -> None:
    """One chat session in its own browser (Playwright's sync API is bound to one thread)."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url, timeout=120_000)
            box = page.get_by_test_id("stChatInputTextArea")
            box.wait_for(timeout=300_000)
            for i, q in enumerate(qs, 1):
                box.fill(q)
                box.press("Enter")
                page.locator('[data-testid="stChatMessage"]').nth(2 * i - 1).wait_for(
                    timeout=300_000
                )
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                    timeout=300_000,
                )
            if page.get_by_test_id("stException").count():
                errors.append("exception shown in the page")
            browser.close()
        done.append(len(qs))
    except BaseException as exc:  # noqa: BLE001  (greenlet errors are not Exceptions)
        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")


def _start_server(port: int) -> subprocess.Popen[bytes]:
    """`streamlit run` headless on 127.0.0.1:port, its output discarded."""
    return subprocess.Popen(
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
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )


def _wait_healthy(url: str) -> None:
    """Poll /_stcore/health until it answers ok, giving up quietly after 240 tries."""
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)


def _rounds(
    url: str,
    qs: list[str],
    sessions: int,
    per_session: int,
    errors: list[str],
    done: list[int],
    pid: int,
) -> tuple[list[float], list[int]]:
    """Three rounds of concurrent sessions: each round's seconds and the server's RSS after it."""
    rounds, rss = [], []
    for r in range(3):
        threads = [
            threading.Thread(
                target=_session,
                args=(url, qs[(s * per_session + r) % len(qs) :][:per_session], errors, done),
            )
            for s in range(sessions)
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rounds.append(time.perf_counter() - t0)
        rss.append(psutil.Process(pid).memory_info().rss)
    return rounds, rss


def server_soak(sessions: int, per_session: int) -> dict[str, Any]:
    """Concurrent browser sessions against `streamlit run`; server RSS after the first round versus
    the end."""
    port = _free_port()
    server = _start_server(port)
    url = f"http://127.0.0.1:{port}"
    errors: list[str] = []
    try:
        _wait_healthy(url)
        qs = questions()
        done: list[int] = []
        _session(url, qs[:1], errors, done)  # warm-up: models load in the server
        rounds, rss = _rounds(url, qs, sessions, per_session, errors, done, server.pid)
    finally:
        server.terminate()
        server.wait(30)
    rss_warm, rss_end = rss[0], rss[-1]  # after the first round of sessions vs after the last
    growth = (rss_end - rss_warm) / rss_warm
    return {
        "sessions": sessions,
        "questions_per_session": per_session,
        "rounds_s": rounds,
        "questions_answered": sum(done),
        "errors": len(errors),
        "first_errors": errors[:3],
        "rss_after_warmup_mb": rss_warm / 2**20,
        "rss_end_mb": rss_end / 2**20,
        "growth": growth,
        "ok": not errors and growth <= 0.10 and sum(done) == 1 + 3 * sessions * per_session,
    }


def main() -> None:
    configure_offline()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--asks", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--per-session", type=int, default=5)
    parser.add_argument(
        "--minutes", type=float, default=20.0, help="time bound for the library part"
    )
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args()
    result = {"library": library_soak(args.asks, time.monotonic() + args.minutes * 60)}
    print(json.dumps(result, indent=1), flush=True)
    if not args.skip_server and Path("/usr/bin/chromium").exists():
        result["server"] = server_soak(args.sessions, args.per_session)
        print(json.dumps(result["server"], indent=1))
    sys.exit(0 if all(r["ok"] for r in result.values()) else 1)


if __name__ == "__main__":
    main()
