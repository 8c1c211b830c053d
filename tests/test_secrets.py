"""The API key goes into the Authorization header and nowhere else: not in output, answers,
feedback, eval reports or the store, even when the endpoint echoes it back in its error body."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import OpenRuntime
from llm_support import Misbehaving, misbehaving_server

from assistant.feedback import record_feedback
from assistant.service import ask
from assistant.settings import PROJECT_ROOT, Settings, load_settings

KEY = f"sk-test-FAKE-{uuid.uuid4().hex}"
QUESTION = "When was PP DATA officially launched?"


@pytest.fixture
def leaky() -> Iterator[Misbehaving]:
    """An endpoint that answers 500 with the request's bearer token in the error message."""
    with misbehaving_server("500") as server:
        yield server


def _run(
    args: list[str], settings: Settings, url: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": url,
        "OPENAI_MODEL": "any",
        "PP_STORE_DIR": str(settings.store_dir),
        "PP_CORPUS_DIR": str(settings.corpus_dir),
        "PP_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
        "PP_AUDIT_PATH": str(tmp_path / "audit" / "audit.jsonl"),
        "PP_LLM_TIMEOUT_S": "2",
    }
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _files_with_key(*roots: Path) -> list[Path]:
    return [
        p
        for root in roots
        for p in root.rglob("*")
        if p.is_file() and KEY.encode() in p.read_bytes()
    ]


def test_settings_never_show_the_key() -> None:
    settings = load_settings(env={"OPENAI_API_KEY": KEY})
    assert settings.llm_api_key == KEY
    assert KEY not in repr(settings) and KEY not in str(settings) and KEY not in f"{settings!r}"


@pytest.mark.parametrize(
    "key", [KEY, f"local-{uuid.uuid4().hex}"]
)  # the second has no 'sk-' to pattern-match
def test_echoed_key_is_hidden_in_the_fallback_notice(
    indexed: Settings, leaky: Misbehaving, key: str, open_runtime: OpenRuntime
) -> None:
    settings = replace(
        indexed,
        answerer="openai-compatible",
        llm_base_url=leaky.url,
        llm_api_key=key,
        llm_timeout_s=2.0,
    )
    answer = ask(QUESTION, runtime=open_runtime(settings))
    assert answer.notice.startswith("The language model failed") and "***" in answer.notice, (
        answer.notice
    )
    assert key not in json.dumps(answer.to_json()) and f"Bearer {key}" in {
        r["authorization"] for r in leaky.requests
    }


@pytest.mark.slow
def test_key_is_sent_but_never_written(
    indexed: Settings, leaky: Misbehaving, tmp_path: Path, open_runtime: OpenRuntime
) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(json.dumps({"id": "q1", "question": QUESTION}) + "\n", encoding="utf-8")
    no_gate = (
        tmp_path / "no-gate.toml"
    )  # two cases cannot pass the product gate; the run itself must succeed
    no_gate.write_text("[min]\n[max]\n", encoding="utf-8")
    runs = [
        _run(["-m", "assistant", "ask", QUESTION, "--json"], indexed, leaky.url, tmp_path),
        _run(
            ["-m", "assistant", "batch", str(batch), "--out", str(tmp_path / "out.jsonl")],
            indexed,
            leaky.url,
            tmp_path,
        ),
        _run(
            [
                "-m",
                "evals",
                "run",
                "--backend",
                "openai-compatible",
                "--limit",
                "2",
                "--judge",
                "--thresholds",
                str(no_gate),
                "--out",
                str(tmp_path / "eval"),
            ],
            indexed,
            leaky.url,
            tmp_path,
        ),
    ]
    pasted = _run(  # a user pastes the key into a question: the audit trail masks it
        ["-m", "assistant", "ask", f"Is {KEY} the key for the PP DATA project?"],
        indexed,
        leaky.url,
        tmp_path,
    )
    assert pasted.returncode == 0, pasted.stderr[-2000:]
    assert [r.returncode for r in runs] == [0, 0, 0], [r.stderr[-2000:] for r in runs]
    assert f"Bearer {KEY}" in {
        r["authorization"] for r in leaky.requests
    }  # the key really was used
    answer = json.loads(runs[0].stdout)
    assert answer["backend"] == "extractive" and "The language model failed" in answer["notice"], (
        answer
    )

    settings = replace(
        indexed,
        answerer="openai-compatible",
        llm_base_url=leaky.url,
        llm_api_key=KEY,
        llm_timeout_s=2.0,
        feedback_path=tmp_path / "feedback.jsonl",
    )
    in_process = ask(QUESTION, runtime=open_runtime(settings))
    record_feedback(settings.feedback_path, in_process, -1, "the model failed")
    assert KEY not in json.dumps(in_process.to_json()) and KEY not in repr(in_process)

    for r in runs:
        assert KEY not in r.stdout and KEY not in r.stderr
    assert (tmp_path / "out.jsonl").stat().st_size and (tmp_path / "eval" / "report.json").is_file()
    assert _files_with_key(tmp_path, indexed.store_dir) == []
    audit = (tmp_path / "audit" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(audit) == 3 and "[secret removed] the key" in audit[-1]  # ask, batch, pasted
