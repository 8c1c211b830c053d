"""The CLI: the JSON contract, one-line errors with the fix, non-zero exits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.settings import PROJECT_ROOT, Settings

CONTRACT = {
    "id",
    "question",
    "answer",
    "abstained",
    "language",
    "backend",
    "citations",
    "timings_ms",
}
CITATION = {"n", "doc_id", "title", "chunk_id", "quote", "start", "end", "score"}


def _args(settings: Settings) -> list[str]:
    return ["--store", str(settings.store_dir), "--corpus", str(settings.corpus_dir)]


def test_ask_json_matches_the_contract(
    indexed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "When was PP DATA officially launched?", "--json", *_args(indexed)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert CONTRACT <= set(data)
    assert (
        data["abstained"] is False and data["language"] == "en" and data["backend"] == "extractive"
    )
    assert set(data["timings_ms"]) >= {"retrieve", "answer", "total"}
    for c in data["citations"]:
        assert CITATION <= set(c)
        source = (indexed.corpus_dir / "pp-data-project-en.txt").read_text(encoding="utf-8")
        if c["doc_id"] == "pp-data-project-en":
            assert source[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in data["answer"]


def test_batch_with_history(
    indexed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "q1", "question": "What is the Migration Observatory?"},
                {
                    "id": "q2",
                    "question": "Who hosts it?",
                    "history": [{"role": "user", "content": "What is the Migration Observatory?"}],
                },
                {"id": "q3", "question": "What is the asylum recognition rate in Germany in 2023?"},
            ]
        ),
        encoding="utf-8",
    )
    assert main(["batch", str(batch), *_args(indexed)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3"]
    assert all(CONTRACT <= set(r) for r in rows)
    assert "ICMPD" in rows[1]["answer"] and rows[2]["abstained"] is True


def test_a_bad_batch_line_gets_its_error_and_loses_no_other_answer(
    indexed: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "q1", "question": "When was PP DATA officially launched?"}),
        "{not json",
        json.dumps({"id": "q3", "question": "and when?", "history": "oops"}),
        json.dumps({"id": "q4", "question": "   "}),
    ]
    batch.write_text("\n".join(lines), encoding="utf-8")
    assert main(["batch", str(batch), *_args(indexed)]) == 1
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["id"] for r in rows] == ["q1", "line 2", "q3", "q4"]
    assert "2018" in rows[0]["answer"] and "error" not in rows[0]
    assert "in.jsonl:2: not a JSON object" in rows[1]["error"]
    assert '"history" is not a list' in rows[2]["error"] and rows[2]["question"] == "and when?"
    assert "Empty question" in rows[3]["error"]
    assert "3 of 4 lines not answered" in captured.err


def test_search_json(indexed: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["search", "European Migration Network outputs", "-k", "3", "--json", *_args(indexed)])
        == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3 and hits[0]["doc_id"] == "mvcr-european-migration-network-en"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "What is PP DATA?"], "No index at"),
        (["ask", "   "], "Empty question"),
        (["batch", "/nonexistent/file.jsonl"], "Cannot read"),
        (["search", "?!"], "no words"),
        (["search", "PP DATA", "-k", "0"], "-k must be 1 or more"),
    ],
)
def test_errors_are_one_line_with_the_fix(
    tmp_path: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "empty-store"
    code = main([*argv, "--store", str(store)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and message in err and err.count("\n") == 0 and "Traceback" not in err


def test_module_entry_point_and_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert out.returncode == 0
    for verb in ("ingest", "search", "ask", "batch", "chat", "eval"):
        assert verb in out.stdout


def test_chat_prints_the_checked_answer_then_its_sources_and_keeps_the_conversation(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = iter(["When was PP DATA officially launched?", "", "/clear", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", *_args(indexed)]) == 0
    out = capsys.readouterr().out
    answer = out.split("conversation.\n", 1)[1]  # after the greeting
    assert "1 January 2018" in answer and "\n[1] " in answer  # text, then its sources
    assert "---" not in answer  # the offline answer streams exactly what it finally says
    assert "(conversation cleared)" in out


def test_the_default_configuration_answers_without_torch(indexed: Settings) -> None:
    """The shipped dense leg (multilingual e5, numpy only) answers with no torch, sentence-
    transformers or transformers imported: the default install does not need them."""
    probe = (
        "import sys; from assistant.cli import main; "
        "code = main(['ask', 'When was PP DATA officially launched?', *sys.argv[1:]]); "
        "heavy = sorted({'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)); "
        "print('HEAVY', heavy); sys.exit(code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *_args(indexed)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "1 January 2018" in out.stdout and "HEAVY []" in out.stdout
