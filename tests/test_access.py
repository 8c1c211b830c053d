"""Access groups enforced inside retrieval: a passage a reader may not read never reaches the
answer, the citations, the closest documents, search, the CLI, the API or MCP. Real store, real
models, the real HTTP API and an MCP client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp import Client

from assistant.audit import AuditLog
from assistant.filters import Filters
from assistant.reach.mcp_server import create_server
from assistant.reach.openai_api import create_app
from assistant.readers import Reader, Readers, digest, load_readers, user_groups
from assistant.runtime import Runtime
from assistant.service import ask
from assistant.settings import PROJECT_ROOT, Settings, load_settings
from index.embed import Embedder
from index.pipeline import ingest
from tests.conftest import OpenRuntime

PUBLIC = "The reception centre in Kostelec is open to visitors on weekdays from 9:00 to 15:00."
ASYLUM = (
    "The asylum unit's internal target for 2027 is to decide 70 per cent of first-instance "
    "applications within 90 days. The target was set by the Regional Asylum Taskforce (RAT). "
    "The Regional Asylum Taskforce meets monthly."
)
LEGAL = "The legal department approved the Brno office lease on 3 March 2026 for nine years."
QUESTION = "What is the asylum unit's internal target for first-instance decisions in 2027?"
SECRET_BITS = ("asylum-targets", "Internal targets of the asylum unit", "70 per cent", "Taskforce")


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory, models: dict[str, Embedder]) -> Settings:
    root = tmp_path_factory.mktemp("access")
    corpus = root / "corpus"
    (corpus / "legal").mkdir(parents=True)
    (corpus / "visiting.txt").write_text(f"Visiting hours\n\n{PUBLIC}\n", encoding="utf-8")
    (corpus / "asylum-targets.txt").write_text(f"Targets\n\n{ASYLUM}\n", encoding="utf-8")
    sidecar = {"title": "Internal targets of the asylum unit", "groups": ["Asylum"]}
    (corpus / "asylum-targets.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    (corpus / "legal" / ".access.json").write_text('{"groups": ["legal"]}', encoding="utf-8")
    (corpus / "legal" / "lease.txt").write_text(f"Office lease\n\n{LEGAL}\n", encoding="utf-8")
    settings = load_settings(
        env={}, corpus_dir=corpus, store_dir=root / "store", audit_path=str(root / "audit.jsonl")
    )
    ingest(settings.index, embedders=models)
    return settings


@pytest.fixture(scope="module")
def grouped_runtime(grouped: Settings, open_runtime: OpenRuntime) -> Runtime:
    return open_runtime(grouped)


def _token_file(folder: Path) -> Path:
    """An access file with two readers' token digests: petr (legal) and jana (asylum)."""
    access = folder / "access.json"
    entries = {digest("tok-legal"): {"user": "petr", "groups": ["legal"]},
               digest("tok-asylum"): {"user": "jana", "groups": ["asylum"]}}  # fmt: skip
    access.write_text(json.dumps({"tokens": entries}), encoding="utf-8")
    return access


def _leaks(payload: object) -> list[str]:
    text = json.dumps(payload, ensure_ascii=False)
    return [bit for bit in SECRET_BITS if bit in text]


def test_groups_come_from_the_sidecar_or_the_folder_rule(grouped_runtime: Runtime) -> None:
    docs = grouped_runtime.manifest.documents
    assert docs["asylum-targets"]["meta"]["groups"] == ["asylum"]
    assert docs["legal/lease"]["meta"]["groups"] == ["legal"]
    assert docs["visiting"]["meta"]["groups"] == []


@pytest.mark.parametrize("groups", [(), ("legal",)])
def test_a_reader_outside_the_group_gets_a_refusal_that_names_nothing_of_it(
    grouped_runtime: Runtime, groups: tuple[str, ...]
) -> None:
    filters = Filters(groups=groups)
    answer = ask(QUESTION, filters=filters, runtime=grouped_runtime)
    assert answer.abstained or "70 per cent" not in answer.text
    assert not _leaks(answer.to_json()), answer.to_json()
    for query in (QUESTION, "Internal targets of the asylum unit", "70 per cent 90 days"):
        found = grouped_runtime.search(query, k=10, filters=filters)
        assert "asylum-targets" not in {p.doc_id for p in found}


def test_what_the_corpus_defines_is_known_per_reader(grouped_runtime: Runtime) -> None:
    """An acronym or name mined from another group's document is never written into a reader's
    question ('Answered as: …') or used to expand it."""
    legal, asylum = (
        grouped_runtime.knowledge_for(("legal",)),
        grouped_runtime.knowledge_for(("asylum",)),
    )
    assert not legal.expansions("RAT") and asylum.expansions("RAT")
    assert "Taskforce" not in grouped_runtime.standalone(
        "what does the rat decide?", None, ("legal",)
    )
    answer = ask(
        "what does the rat decide?", filters=Filters(groups=("legal",)), runtime=grouped_runtime
    )
    assert not _leaks(answer.to_json())


def test_a_reader_in_the_group_is_answered_and_cited(grouped_runtime: Runtime) -> None:
    answer = ask(QUESTION, filters=Filters(groups=("asylum",)), runtime=grouped_runtime)
    assert not answer.abstained and "70 per cent" in answer.text, answer.text
    assert answer.citations[0].doc_id == "asylum-targets"
    legal = ask("When was the Brno office lease approved?", filters=Filters(groups=("asylum",)),
                runtime=grouped_runtime)  # fmt: skip
    shown = json.dumps(legal.to_json())  # another group's document stays unseen
    assert (
        "legal/lease" not in shown and "3 March 2026" not in shown and "Office lease" not in shown
    )


def test_the_cli_reads_with_the_groups_it_is_given(grouped: Settings) -> None:
    def run(*groups: str) -> dict[str, object]:
        out = subprocess.run(
            [sys.executable, "-m", "assistant", "ask", QUESTION, "--json", *groups,
             "--store", str(grouped.store_dir), "--corpus", str(grouped.corpus_dir)],
            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    refused = run("--groups", "legal")
    assert refused["abstained"] and not _leaks(refused)
    assert "70 per cent" in str(run("--groups", "asylum")["answer"])


def test_the_api_reads_with_the_groups_of_each_token(
    grouped_runtime: Runtime, tmp_path: Path
) -> None:
    access = _token_file(tmp_path)
    readers = load_readers(access)
    assert "tok-legal" not in access.read_text(encoding="utf-8")  # only digests are stored
    http = TestClient(create_app(grouped_runtime, readers=readers))
    body = {
        "model": "prague-process-assistant",
        "messages": [{"role": "user", "content": QUESTION}],
    }

    def post(token: str) -> object:
        reply = http.post("/v1/chat/completions", json=body,
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        return reply.status_code, reply.json()

    status, refused = post("tok-legal")
    assert status == 200 and not _leaks(refused), refused
    status, answered = post("tok-asylum")
    assert status == 200 and "70 per cent" in json.dumps(answered)
    assert post("tok-unknown")[0] == 401 and post("")[0] == 401
    streamed = http.post("/v1/chat/completions", json={**body, "stream": True},
                         headers={"Authorization": "Bearer tok-legal"})  # fmt: skip
    assert streamed.status_code == 200 and not _leaks(streamed.text)
    audited = [x for x in AuditLog(Path(grouped_runtime.settings.audit_path)).lines()]
    api = [x for x in audited if x["channel"] == "api"]
    assert {x["user"] for x in api} == {"petr", "jana"}
    assert not _leaks([x for x in api if x["user"] == "petr"])  # not in group A's records either
    assert any(
        s["doc_id"] == "asylum-targets" for x in api if x["user"] == "jana" for s in x["spans"]
    )


def test_an_operator_key_reads_everything_and_a_broken_access_file_is_an_error(
    tmp_path: Path,
) -> None:
    readers = Readers({digest("t"): Reader("u", ("a",))}, operator_key="op")
    assert readers.by_token("op") == Reader("operator", None)
    assert readers.by_token("t") == Reader("u", ("a",)) and readers.by_token("x") is None
    broken = tmp_path / "access.json"
    broken.write_text('{"tokens": {"sha256:1": {"groups": ["a"]}}}', encoding="utf-8")
    with pytest.raises(Exception, match="not valid"):
        load_readers(broken)


def test_mcp_serves_one_reader_its_documents_only(grouped_runtime: Runtime) -> None:
    server = create_server(grouped_runtime, Filters(groups=("legal",)))

    async def session() -> None:
        async with Client(server, read_timeout_seconds=120) as mcp:
            uris = {str(r.uri) for r in (await mcp.list_resources()).resources}
            assert uris == {"doc://visiting", "doc://legal/lease"}
            found = await mcp.call_tool("search", {"query": QUESTION, "k": 5})
            assert not _leaks(found.structured_content)
            answered = await mcp.call_tool("ask", {"question": QUESTION})
            assert not _leaks(answered.structured_content)

    anyio.run(session)


def test_a_changed_folder_rule_reindexes_and_a_bad_group_name_is_never_public(
    tmp_path: Path, models: dict[str, Embedder]
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "team").mkdir(parents=True)
    (corpus / "team" / "memo.txt").write_text("Memo\n\nThe team meets on Mondays.\n", "utf-8")
    (corpus / "team" / ".access.json").write_text('{"groups": ["team"]}', encoding="utf-8")
    (corpus / "bad.txt").write_text("Bad\n\nA document with a bad group.\n", "utf-8")
    (corpus / "bad.meta.json").write_text('{"groups": ["no spaces allowed"]}', "utf-8")
    settings = load_settings(env={}, corpus_dir=corpus, store_dir=tmp_path / "store")
    first = ingest(settings.index, embedders=models)
    assert first.added == ["team/memo"]
    assert any("bad.txt" in w and "invalid group name" in w for w in first.warnings)
    (corpus / "team" / ".access.json").write_text('{"groups": ["team", "board"]}', "utf-8")
    second = ingest(settings.index, embedders=models)
    assert second.updated == ["team/memo"]


@pytest.mark.slow
def test_mcp_over_http_reads_with_each_token_groups(grouped: Settings, tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    import httpx2
    from llm_support import free_port
    from mcp.client.streamable_http import streamable_http_client

    access = _token_file(tmp_path)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "mcp", "--http", "--port", str(port),
         "--store", str(grouped.store_dir), "--corpus", str(grouped.corpus_dir)],
        env={**os.environ, "PP_ACCESS_FILE": str(access), "HF_HUB_OFFLINE": "1"},
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(urllib.request.Request(url, data=b"{}"), timeout=2)
            except urllib.error.HTTPError as refused:  # listening, and refusing a stranger
                assert refused.code == 401
                break
            except OSError:
                time.sleep(0.5)

        async def as_reader(token: str) -> tuple[object, object, list[str]]:
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
                async with Client(streamable_http_client(url, http_client=http)) as mcp:
                    found = await mcp.call_tool("search", {"query": QUESTION, "k": 5})
                    answered = await mcp.call_tool("ask", {"question": QUESTION})
                    listed = [str(r.uri) for r in (await mcp.list_resources()).resources]
                    return found.structured_content, answered.structured_content, listed

        found, answered, listed = anyio.run(as_reader, "tok-legal")
        assert not _leaks([found, answered, listed]) and listed == []
        _, answered, _ = anyio.run(as_reader, "tok-asylum")
        assert "70 per cent" in json.dumps(answered)
    finally:
        proc.terminate()
        proc.wait(30)


def test_a_signed_in_users_groups_come_from_the_claim_and_the_access_file(tmp_path: Path) -> None:
    access = tmp_path / "access.json"
    access.write_text('{"users": {"Olga@Example.org": ["legal"]}}', encoding="utf-8")
    readers = load_readers(access)
    olga = {"email": "olga@example.org", "sub": "olga"}
    assert user_groups(olga, "groups", readers) == ("legal",)
    jana = {"email": "jana@example.org", "groups": ["Asylum", "legal"]}
    assert user_groups(jana, "groups", readers) == ("asylum", "legal")
    assert user_groups({"groups": "bad name!"}, "groups", None) == ()  # public documents only
    assert user_groups({"roles": "a,b"}, "roles", None) == ("a", "b")
