"""An MCP server (the official `mcp` SDK) for other assistants and tools: the tools `search` and
`ask`, whose results carry exact citations, and every indexed document as a resource
(`doc://<doc_id>`, the text citation offsets refer to). Over stdio, or streamable HTTP (with an
API key required when one is set)."""

from __future__ import annotations

import hmac
import threading
from functools import partial
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources import FunctionResource

from assistant.audit import Asker
from assistant.retrieve import Filters
from assistant.runtime import Runtime
from assistant.service import ask, clean_question
from assistant.types import Answer, Passage, is_history
from index.access import flags

INSTRUCTIONS = (
    "Answers questions about migration and asylum cooperation (the Prague Process, EU and Czech "
    "migration policy) from the indexed documents only. `ask` returns an answer whose every "
    "sentence is checked against its cited source spans, or says the documents do not cover it; "
    "`search` returns the passages themselves. Quote the citations when you pass an answer on."
)


SEARCH_HELP = (
    "Hybrid search of the documents: the k best passages, each with its exact source span "
    "(doc_id, start, end) and the document's title, date, language."
)


def passage_json(rank: int, p: Passage) -> dict[str, Any]:
    return {
        "rank": rank,
        "doc_id": p.doc_id,
        "title": p.title,
        "chunk_id": p.chunk_id,
        "text": p.raw,
        "start": p.start,
        "end": p.end,
        "date": p.date,
        "language": p.language,
        "score": round(p.score, 4),
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    data = answer.to_json()
    keep = (
        "answer",
        "abstained",
        "language",
        "backend",
        "notice",
        "citations",
        "standalone_question",
        "closest_documents",
    )
    return {k: data[k] for k in keep}


def create_server(runtime: Runtime, filters: Filters | None = None) -> MCPServer[Any]:
    """The MCP server over one runtime; one question at a time (shared models and store). It
    reads as one reader: `filters` (access groups) restrict search, ask and the documents."""
    server: MCPServer[Any] = MCPServer(
        "prague-process-assistant", instructions=INSTRUCTIONS, version="1"
    )
    lock = threading.Lock()
    asker = Asker("operator" if filters is None else f"mcp:{','.join(filters.groups or ())}", "mcp")

    @server.tool(description=SEARCH_HELP)
    def search(query: str, k: int = 5) -> dict[str, Any]:
        if not 1 <= k <= 50:
            raise ValueError(f"k must be between 1 and 50 (got {k})")
        text, _ = clean_question(query, runtime.settings.max_question_chars)
        with lock:
            runtime.refresh()
            passages = runtime.search(text, k=k, filters=filters)
        return {"passages": [passage_json(i, p) for i, p in enumerate(passages, 1)]}

    @server.tool(
        name="ask",
        description="Answer a question from the documents, every sentence checked and "
        "cited ([n] markers point at `citations`: exact quotes with doc_id, start, end). "
        "`history`: earlier turns as {role, content} for a follow-up; `answer_language`: "
        "en, cs, ru or auto.",
    )
    def ask_documents(
        question: str, history: list[dict[str, str]] | None = None, answer_language: str = "auto"
    ) -> dict[str, Any]:
        turns = [t for t in history or [] if is_history([t])]
        with lock:
            answer = ask(question, turns, None, filters, answer_language, "", runtime, asker)
        return answer_json(answer)

    _add_documents(server, runtime, filters)
    return server


def _add_documents(server: MCPServer[Any], runtime: Runtime, filters: Filters | None) -> None:
    """Every indexed document the reader may read as a resource doc://<doc_id>, read when asked
    for."""
    for doc_id, info in sorted(runtime.manifest.documents.items()):
        meta = info.get("meta", {})
        if filters is not None and not filters.allows(flags(meta.get("groups") or ())):
            continue
        server.add_resource(
            FunctionResource(
                uri=f"doc://{doc_id}",
                name=doc_id,
                title=str(meta.get("title") or doc_id),
                description=" · ".join(
                    str(meta[k]) for k in ("language", "date", "publisher") if meta.get(k)
                ),
                mime_type="text/plain",
                fn=partial(runtime.document_text, doc_id),
            )
        )


def bearer_guard(app: Any, api_key: str) -> Any:
    """An ASGI wrapper that refuses HTTP requests without `Authorization: Bearer <api_key>`."""
    if not api_key:
        return app

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"")
            token = given[7:] if given[:7].lower() == b"bearer " else b""
            if not hmac.compare_digest(token, api_key.encode()):
                body = b'{"error": "Invalid or missing API key: send Authorization: Bearer <key>"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return guarded
