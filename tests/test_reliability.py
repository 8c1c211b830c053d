"""Faults for real: kill -9 mid-ingest, two ingests at once, questions during an ingest, a Chroma
server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import OpenRuntime

from assistant.errors import UserError
from assistant.runtime import Runtime
from assistant.service import ask
from assistant.settings import PROJECT_ROOT, Settings
from index.pipeline import ingest, ingest_lock
from index.store import Manifest


def _cli(
    settings: Settings, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    full_env = {**os.environ, "PP_EMBEDDERS": ",".join(settings.embedders), **(env or {})}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            *args,
            "--store",
            str(settings.store_dir),
            "--corpus",
            str(settings.corpus_dir),
        ],
        cwd=PROJECT_ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _grow(corpus: Path, n: int) -> None:
    """n extra documents recombined from real paragraphs (distinct text, so each is embedded)."""
    paragraphs = [
        p
        for f in sorted(corpus.glob("*.txt"))
        for p in f.read_text(encoding="utf-8").split("\n\n")
        if len(p) > 200
    ]
    for i in range(n):
        body = "\n\n".join(
            f"{paragraphs[(i + j) % len(paragraphs)]} (Note {i}-{j}.)" for j in range(8)
        )
        (corpus / f"extra-{i:03d}.txt").write_text(
            f"Extra report {i}\n\n{body}\n", encoding="utf-8"
        )


@pytest.mark.slow
def test_kill_9_during_ingest_leaves_the_last_index_usable(
    small_corpus: Settings, open_runtime: OpenRuntime
) -> None:
    settings = replace(small_corpus, embedders=("minilm", "e5"))
    ingest(settings.index)
    before = Manifest.load(settings.store_dir)
    assert before is not None
    _grow(settings.corpus_dir, 30)
    proc = _cli(settings, "ingest")
    started = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None
        for line in iter(lambda: proc.stderr.read(40), ""):  # type: ignore[union-attr]
            if "Embedding" in line or "chunk" in line:
                started.set()
                return

    threading.Thread(target=watch, daemon=True).start()
    assert started.wait(180), "ingest never reached the embedding phase"
    # a question during the ingest is answered from the last complete index
    during = ask("When was PP DATA officially launched?", runtime=open_runtime(settings))
    assert "2018" in during.text
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    after_kill = Manifest.load(settings.store_dir)
    assert after_kill is not None and after_kill.generation == before.generation
    assert set(after_kill.documents) == set(before.documents)
    answer = ask("When was PP DATA officially launched?", runtime=open_runtime(settings))
    assert "2018" in answer.text and answer.citations
    report = ingest(settings.index)  # the next ingest finishes the job
    assert len(report.added) == 30 and report.embedded > 0
    final = Manifest.load(settings.store_dir)
    assert final is not None and len(final.documents) == 32
    runtime = open_runtime(settings)
    assert runtime.primary.count() == sum(int(d["chunks"]) for d in final.documents.values())
    assert len(runtime.keyword.ids) == runtime.primary.count()


def test_second_ingest_exits_with_a_clear_message_and_questions_still_work(
    small_corpus: Settings, open_runtime: OpenRuntime
) -> None:
    ingest(small_corpus.index)
    with ingest_lock(small_corpus.store_dir):
        proc = _cli(small_corpus, "ingest")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode != 0
        assert "Another ingest is running" in err and "Traceback" not in err
        assert (
            "2018"
            in ask("When was PP DATA officially launched?", runtime=open_runtime(small_corpus)).text
        )


def test_older_layout_is_refused_with_the_fix(small_corpus: Settings) -> None:
    ingest(small_corpus.index)
    path = small_corpus.store_dir / "manifest.json"
    data = json.loads(path.read_text())
    data["version"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(UserError, match="ingest --rebuild"):
        ingest(small_corpus.index)
    assert ingest(small_corpus.index, rebuild=True).embedded > 0


def test_older_keyword_analyzer_is_refused_by_readers_and_rebuilt_by_ingest(
    small_corpus: Settings,
) -> None:
    ingest(small_corpus.index)
    path = small_corpus.store_dir / "manifest.json"
    data = json.loads(path.read_text())
    del data["chunking"]["analyzer"]  # a store written before the analyzer was versioned
    path.write_text(json.dumps(data))
    with pytest.raises(UserError, match="older analyzer: run 'python -m assistant ingest'"):
        Runtime(small_corpus)
    assert ingest(small_corpus.index).embedded > 0  # a plain ingest rebuilds it
    assert Runtime(small_corpus).search("Prague Process")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [
            str(exe),
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.25)
        yield port
    finally:
        proc.terminate()
        proc.wait(20)


def test_chroma_server_mode_end_to_end(
    small_corpus: Settings, chroma_server: int, open_runtime: OpenRuntime
) -> None:
    settings = replace(small_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    report = ingest(settings.index)
    assert report.embedded > 0 and ingest(settings.index).embedded == 0
    assert not (settings.store_dir / "chroma").exists()  # vectors live on the server
    answer = ask(
        "What are the outputs of the European Migration Network?", runtime=open_runtime(settings)
    )
    assert (
        not answer.abstained and answer.citations[0].doc_id == "mvcr-european-migration-network-en"
    )
    # an added and a removed document are written in place on the server too
    (settings.corpus_dir / "note.txt").write_text(
        "Visa note\n\nThe consulate in Tbilisi opened on 3 May 2021.\n", encoding="utf-8"
    )
    (settings.corpus_dir / "mvcr-european-migration-network-en.txt").unlink()
    report = ingest(settings.index)
    assert report.added == ["note"] and report.removed == ["mvcr-european-migration-network-en"]
    runtime = open_runtime(settings)
    assert runtime.primary.count() == sum(
        int(d["chunks"]) for d in runtime.manifest.documents.values()
    )
    assert "3 May 2021" in ask("When did the consulate in Tbilisi open?", runtime=runtime).text


def test_chroma_server_down_is_one_clear_error(small_corpus: Settings) -> None:
    settings = replace(small_corpus, chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(UserError, match="Cannot reach the Chroma server") as info:
        ingest(settings.index)
    assert "\n" not in str(info.value)


def test_memory_release_calls_work_on_this_platform() -> None:
    import platform

    from assistant import memory

    on_glibc = platform.libc_ver()[0] == "glibc"
    assert memory.limit_arenas() is on_glibc
    garbage = [
        bytes(512) for _ in range(200_000)
    ]  # small blocks: freed into the heap, not unmapped
    del garbage
    assert (
        memory.release() is on_glibc
    )  # glibc hands the freed heap back; elsewhere nothing happens
