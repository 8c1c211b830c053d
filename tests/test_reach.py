"""Reach, with real clients: the official `openai` client (plain and streaming) against the running
HTTP API, and the `mcp` SDK's own client over stdio against `python -m assistant mcp`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import anyio
import openai
import pytest
import uvicorn
from llm_support import free_port
from mcp import Client, StdioServerParameters

from assistant.reach.openai_api import MODEL_ID, create_app
from assistant.runtime import Runtime
from assistant.settings import PROJECT_ROOT, Settings

KEY = "test-key-5b1f"
LAUNCH = "When was PP DATA officially launched?"


@pytest.fixture(scope="module")
def api(runtime: Runtime) -> Iterator[str]:
    """The API over the session's runtime, in a real uvicorn server on a free port."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(runtime, KEY), port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(10)


def client(api: str, key: str = KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{api}/v1", api_key=key, max_retries=0)


def assert_spans(runtime: Runtime, citations: list[dict[str, object]]) -> None:
    assert citations
    for c in citations:
        text = runtime.document_text(str(c["doc_id"]))
        assert text[int(str(c["start"])) : int(str(c["end"]))] == c["quote"]
        assert {"title", "date", "language"} <= set(c)


def test_a_plain_completion_answers_with_markers_and_citations(api: str, runtime: Runtime) -> None:
    reply = client(api).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": LAUNCH}], temperature=0.2
    )
    content = reply.choices[0].message.content or ""
    assert "1 January 2018" in content and "[1]" in content
    assert "\n---\n[1] " in content  # the sources under the answer, for any chat client
    extra = reply.model_extra or {}
    assert_spans(runtime, extra["citations"])
    assert extra["assistant"]["abstained"] is False


def test_a_stream_sends_checked_sentences_and_the_citations_last(
    api: str, runtime: Runtime
) -> None:
    messages = [{"role": "user", "content": LAUNCH}]
    chunks = list(
        client(api).chat.completions.create(model=MODEL_ID, messages=messages, stream=True)
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    plain = client(api).chat.completions.create(model=MODEL_ID, messages=messages)
    assert text == plain.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert_spans(runtime, (chunks[-1].model_extra or {})["citations"])
    assert all("citations" not in (c.model_extra or {}) for c in chunks[:-1])


def test_history_comes_from_the_messages(api: str) -> None:
    first = client(api).chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": LAUNCH}]
    )
    reply = client(api).chat.completions.create(
        model=MODEL_ID,
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": LAUNCH},
            {"role": "assistant", "content": first.choices[0].message.content},
            {"role": "user", "content": [{"type": "text", "text": "Who funds it?"}]},
        ],
    )
    standalone = (reply.model_extra or {})["assistant"]["standalone_question"]
    assert "PP DATA" in standalone and "---" not in standalone


def test_bad_requests_get_openai_style_errors(api: str) -> None:
    with pytest.raises(openai.AuthenticationError) as denied:
        client(api, "wrong").chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": LAUNCH}]
        )
    assert "API key" in denied.value.message and "wrong" not in denied.value.message
    for messages, says in [
        ([], "last message"),
        ([{"role": "assistant", "content": "Hi"}], "last message"),
        ([{"role": "user", "content": "   "}], "Empty question"),
        ([{"role": "robot", "content": "Hi"}], "Invalid request"),
    ]:
        with pytest.raises(openai.BadRequestError) as bad:
            client(api).chat.completions.create(model=MODEL_ID, messages=messages)  # type: ignore[arg-type]
        assert says in bad.value.message, bad.value.message
        assert bad.value.body and "message" in bad.value.body  # type: ignore[operator]


def test_models_and_health(api: str) -> None:
    assert [m.id for m in client(api).models.list()] == [MODEL_ID]
    with pytest.raises(urllib.error.HTTPError) as missing:  # no Authorization header at all
        urllib.request.urlopen(f"{api}/v1/models")
    assert missing.value.code == 401
    assert json.load(missing.value)["error"]["type"] == "authentication_error"
    with urllib.request.urlopen(f"{api}/health") as r:  # open: says nothing about the documents
        health = json.load(r)
    assert health["status"] == "ok" and health["documents"] >= 5


# --- MCP over stdio, with the SDK's own client


def test_mcp_over_stdio_searches_answers_and_serves_documents(
    indexed: Settings, runtime: Runtime
) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "assistant",
            "mcp",
            "--store",
            str(indexed.store_dir),
            "--corpus",
            str(indexed.corpus_dir),
        ],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        cwd=str(PROJECT_ROOT),
    )

    async def session() -> None:
        async with Client(params, read_timeout_seconds=120) as mcp:
            tools = {t.name for t in (await mcp.list_tools()).tools}
            assert {"search", "ask"} <= tools
            found = await mcp.call_tool("search", {"query": LAUNCH, "k": 3})
            passages = (found.structured_content or {})["passages"]
            assert len(passages) == 3 and passages[0]["doc_id"]
            answered = await mcp.call_tool("ask", {"question": LAUNCH})
            answer = answered.structured_content or {}
            assert "1 January 2018" in answer["answer"] and not answer["abstained"]
            assert_spans(runtime, answer["citations"])
            refused = await mcp.call_tool("search", {"query": LAUNCH, "k": 0})
            assert refused.is_error
            resources = (await mcp.list_resources()).resources
            uris = {str(r.uri) for r in resources}
            assert "doc://pp-data-project-en" in uris
            doc = await mcp.read_resource("doc://pp-data-project-en")
            text = getattr(doc.contents[0], "text", "")
            assert text == runtime.document_text("pp-data-project-en")

    anyio.run(session)


def _assistant(indexed: Settings, *verb: str, output: int = subprocess.DEVNULL) -> Any:
    """`python -m assistant VERB …` as a user starts it, on the session's index, with PP_API_KEY."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            *verb,
            "--store",
            str(indexed.store_dir),
            "--corpus",
            str(indexed.corpus_dir),
        ],
        env={**os.environ, "PP_API_KEY": KEY, "HF_HUB_OFFLINE": "1"},
        cwd=str(PROJECT_ROOT),
        stdout=output,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_serve_command_requires_the_key_and_never_prints_it(indexed: Settings) -> None:
    """`python -m assistant serve` as a user starts it, with PP_API_KEY set."""
    port = free_port()
    proc = _assistant(indexed, "serve", "--port", str(port), output=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/health")
                break
            except OSError:
                time.sleep(0.5)
        reply = client(url).chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": LAUNCH}]
        )
        assert "1 January 2018" in (reply.choices[0].message.content or "")
        with pytest.raises(openai.AuthenticationError):
            client(url, KEY[:-1]).models.list()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert b"API key required" in out and KEY.encode() not in out


@pytest.mark.slow
def test_mcp_over_http_needs_the_key(indexed: Settings) -> None:
    """`python -m assistant mcp --http` behind PP_API_KEY: refused without it, served with it."""
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    proc = _assistant(indexed, "mcp", "--http", "--port", str(port))
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(urllib.request.Request(url, data=b"{}"), timeout=2)
            except urllib.error.HTTPError as refused:  # listening: answers, and refuses
                assert refused.code == 401
                break
            except OSError:
                time.sleep(0.5)

        async def session() -> None:
            headers = {"Authorization": f"Bearer {KEY}"}
            async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
                async with Client(streamable_http_client(url, http_client=http)) as mcp:
                    found = await mcp.call_tool("search", {"query": LAUNCH, "k": 2})
                    assert len((found.structured_content or {})["passages"]) == 2

        anyio.run(session)
    finally:
        proc.terminate()
        proc.wait(30)
