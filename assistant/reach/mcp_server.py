"""An MCP server (the official `mcp` SDK) for other assistants and tools: the tools `search` and
`ask`, whose results carry exact citations, and every indexed document as a resource
(`doc://<doc_id>`, the text citation offsets refer to). Over stdio, or streamable HTTP (with an
API key required when one is set)."""

from __future__ import annotations

import json
import threading
from functools import partial
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.resources import FunctionResource

from assistant.audit import Asker
from assistant.filters import Filters
from assistant.readers import REFUSED, Readers
from assistant.runtime import Runtime
from assistant.service import ask, clean_question
from assistant.types import Answer, Passage, is_history
from index.access import may_read

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
ASK_HELP = (
    "Answer a question from the documents, every sentence checked and cited ([n] markers point "
    "at `citations`: exact quotes with doc_id, start, end). `history`: earlier turns as {role, "
    "content} for a follow-up; `answer_language`: en, cs, ru or auto."
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


def create_server(
    runtime: Runtime, filters: Filters | None = None, readers: Readers | None = None
) -> MCPServer[Any]:
    """The MCP server over one runtime; one question at a time (shared models and store). Over
    stdio it reads as one reader (`filters`: their access groups); over HTTP with `readers` (an
    access file) each request reads with its bearer token's groups, and documents are not listed
    as resources (the list would show every reader every title)."""
    server: MCPServer[Any] = MCPServer(
        "prague-process-assistant", instructions=INSTRUCTIONS, version="1"
    )
    lock = threading.Lock()
    who = _Who(filters, readers)

    @server.tool(description=SEARCH_HELP)
    def search(query: str, ctx: Context, k: int = 5) -> dict[str, Any]:
        if not 1 <= k <= 50:
            raise ValueError(f"k must be between 1 and 50 (got {k})")
        text, _ = clean_question(query, runtime.settings.max_question_chars)
        reading, _ = who.of(ctx)
        with lock:
            runtime.refresh()
            passages = runtime.search(text, k=k, filters=reading)
        return {"passages": [passage_json(i, p) for i, p in enumerate(passages, 1)]}

    @server.tool(name="ask", description=ASK_HELP)
    def ask_documents(
        question: str,
        ctx: Context,
        history: list[dict[str, str]] | None = None,
        answer_language: str = "auto",
    ) -> dict[str, Any]:
        turns = [t for t in history or [] if is_history([t])]
        reading, asker = who.of(ctx)
        with lock:
            answer = ask(question, turns, None, reading, answer_language, "", runtime, asker)
        return answer_json(answer)

    if readers is None:
        _add_documents(server, runtime, filters)
    return server


class _Who:
    """Who a tool call reads as: the server's one reader, or the bearer token's."""

    def __init__(self, filters: Filters | None, readers: Readers | None) -> None:
        self.filters, self.readers = filters, readers
        groups = ",".join(filters.groups or ()) if filters else ""
        self.asker = Asker("operator" if filters is None else f"mcp:{groups}", "mcp")

    def of(self, ctx: Context) -> tuple[Filters | None, Asker]:
        if self.readers is None:
            return self.filters, self.asker
        request = ctx.request_context.request
        given = request.headers.get("authorization", "") if request is not None else ""
        reader = self.readers.by_header(given)
        if reader is None:
            raise PermissionError(REFUSED)
        return reader.filters(), Asker(reader.user, "mcp")


def _add_documents(server: MCPServer[Any], runtime: Runtime, filters: Filters | None) -> None:
    """Every indexed document the reader may read as a resource doc://<doc_id>, read when asked
    for."""
    for doc_id, info in sorted(runtime.manifest.documents.items()):
        meta = info.get("meta", {})
        if not may_read(meta, filters.groups if filters else None):
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


def bearer_guard(app: Any, readers: Readers) -> Any:
    """An ASGI wrapper that refuses HTTP requests whose bearer token no reader holds (PP_API_KEY,
    or a token of the access file); an open server (neither) is not wrapped."""
    if readers.open:
        return app

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"").decode("latin-1")
            if readers.by_header(given) is None:
                body = json.dumps({"error": REFUSED}).encode()
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
