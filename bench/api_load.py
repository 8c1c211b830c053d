"""Load test of the OpenAI-compatible API: `python -m assistant serve` started as a user starts it,
then N concurrent clients (the official `openai` client) each ask M gold questions on loopback.
Reports errors (must be 0), p50/p95 per request, the API's overhead over ask() itself (p50 of the
same questions asked in-process: must be within 20 ms), and the server's memory before and after.

    python -m bench.api_load [--clients 8] [--questions 25] [--out bench/out/api_load.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

from assistant.settings import PROJECT_ROOT, load_settings
from bench.report import median, pct
from bench.soak import _free_port as free_port
from bench.soak import questions
from index.offline import configure_offline


def _start(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the API did not start within 5 minutes")


def _clients(url: str, n: int, per: int, qs: list[str]) -> tuple[list[float], list[str]]:
    import openai

    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(c: int) -> None:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="bench", max_retries=0, timeout=300)
        for i in range(per):
            q = qs[(c * per + i) % len(qs)]
            t = time.perf_counter()
            try:
                reply = client.chat.completions.create(
                    model="prague-process-assistant", messages=[{"role": "user", "content": q}]
                )
                assert reply.choices[0].message.content
                with lock:
                    times.append((time.perf_counter() - t) * 1000)
            except Exception as exc:  # counted, reported
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")

    threads = [threading.Thread(target=one, args=(c,)) for c in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times, errors


def _sequential(url: str, qs: list[str]) -> list[float]:
    import openai

    client = openai.OpenAI(base_url=f"{url}/v1", api_key="bench", max_retries=0, timeout=300)
    out = []
    for q in qs:
        t = time.perf_counter()
        client.chat.completions.create(
            model="prague-process-assistant", messages=[{"role": "user", "content": q}]
        )
        out.append((time.perf_counter() - t) * 1000)
    return out


def _in_process(qs: list[str]) -> list[float]:
    from assistant.runtime import Runtime
    from assistant.service import ask

    runtime = Runtime(load_settings())
    ask(qs[0], runtime=runtime)  # warm
    out = []
    for q in qs:
        t = time.perf_counter()
        ask(q, runtime=runtime)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    configure_offline()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--questions", type=int, default=25, help="per client")
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "bench" / "out" / "api_load.json"
    )
    args = parser.parse_args()
    qs = questions()
    port = free_port()
    proc = _start(port)
    url = f"http://127.0.0.1:{port}"
    try:
        server = psutil.Process(proc.pid)
        sample = qs[:25]
        _sequential(url, sample[:3])  # warm
        rss_before = server.memory_info().rss
        alone = _sequential(url, sample)
        times, errors = _clients(url, args.clients, args.questions, qs)
        rss_after = server.memory_info().rss
    finally:
        proc.terminate()
        proc.wait(30)
    result = _summary(args, times, errors, alone, _in_process(sample), (rss_before, rss_after))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))
    ok = not errors and result["api_overhead_p50_ms"] <= 20
    return 0 if ok and rss_after <= rss_before * 1.10 else 1


def _summary(
    args: argparse.Namespace,
    times: list[float],
    errors: list[str],
    alone: list[float],
    direct: list[float],
    rss: tuple[int, int],
) -> dict[str, Any]:
    return {
        "clients": args.clients,
        "requests": args.clients * args.questions,
        "errors": len(errors),
        "error_examples": errors[:5],
        "concurrent_p50_ms": round(median(times), 1),
        "concurrent_p95_ms": round(pct(times, 95), 1),
        "api_p50_ms": round(median(alone), 1),
        "ask_p50_ms": round(median(direct), 1),
        "api_overhead_p50_ms": round(median(alone) - median(direct), 1),
        "server_rss_mb_before": round(rss[0] / 2**20),
        "server_rss_mb_after": round(rss[1] / 2**20),
    }


if __name__ == "__main__":
    sys.exit(main())
