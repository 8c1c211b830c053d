"""An OpenAI-compatible HTTP API over the same ask_stream() path as the app and the CLI:
POST /v1/chat/completions (plain, or streamed as server-sent events of checked sentences only),
GET /v1/models, GET /health. The answer text carries the [n] markers; the citations come in an
extra `citations` field (in the last chunk of a stream), and, unless the request says
`"sources_in_content": false`, also as a Sources list under the answer so any chat client shows the
proof. Errors are OpenAI-style error objects; with an API key set, every /v1 route needs it as a
bearer token (compared in constant time, never logged)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from assistant.audit import Asker
from assistant.errors import AssistantError, UserError
from assistant.reach.turns import answer_content, conversation, sources_block
from assistant.readers import REFUSED, Reader, Readers
from assistant.runtime import Runtime
from assistant.service import ask_stream
from assistant.types import Answer

MODEL_ID = "prague-process-assistant"


class Message(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """OpenAI's chat request; sampling options (temperature, max_tokens, …) are accepted and
    ignored: the answer is composed from the documents and checked, not sampled."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[Message]
    stream: bool = False
    answer_language: str = "auto"  # en | cs | ru | auto (the question's language)
    sources_in_content: bool = True


def error(status: int, message: str, kind: str = "invalid_request_error", code: str = "") -> Any:
    body = {"error": {"message": message, "type": kind, "param": None, "code": code or None}}
    return JSONResponse(body, status_code=status)


def create_app(runtime: Runtime, api_key: str = "", readers: Readers | None = None) -> FastAPI:
    """The API over one runtime; one question is answered at a time (the models and the store
    are shared, and a 2-core machine gains nothing from two at once). Each request reads with
    the access groups of its bearer token (`readers`; `api_key` alone: the operator's key)."""
    app = FastAPI(title="Prague Process assistant API", docs_url=None, redoc_url=None)
    lock = threading.Lock()
    authorised = _key_check(readers or Readers({}, api_key))
    _openai_errors(app)

    @app.get("/health")
    def health() -> dict[str, Any]:
        runtime.refresh()
        docs = runtime.manifest.documents
        return {"status": "ok", "documents": len(docs), "backend": runtime.answerer.name}

    @app.get("/v1/models", dependencies=[Depends(authorised)])
    def models() -> dict[str, Any]:
        card = {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "prague-process"}
        return {"object": "list", "data": [card]}

    @app.post("/v1/chat/completions")
    def chat(body: ChatRequest, reader: Reader = Depends(authorised)) -> Any:  # noqa: B008
        try:
            question, history = conversation([m.model_dump() for m in body.messages])
        except AssistantError as exc:
            return error(400, str(exc))
        chunks = _answer(runtime, lock, (question, history, reader), body)
        if body.stream:
            return StreamingResponse(_sse(chunks, body), media_type="text/event-stream")
        try:
            final = _last(chunks)
        except UserError as exc:
            return error(400 if isinstance(exc, AssistantError) else 503, str(exc), "server_error")
        return _completion(final, body)

    return app


def _key_check(readers: Readers) -> Any:
    """A dependency that finds the reader of `Authorization: Bearer <token>` and refuses a
    request whose token is missing or unknown (unless the API is open)."""

    def authorised(request: Request) -> Reader:
        reader = readers.by_header(request.headers.get("authorization", ""))
        if reader is None:
            raise HTTPException(401, REFUSED)
        return reader

    return authorised


def _openai_errors(app: FastAPI) -> None:
    """Every error as an OpenAI error object, a validation error as a 400 that names the field."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        kinds = {401: "authentication_error", 404: "not_found_error"}
        return error(
            exc.status_code, str(exc.detail), kinds.get(exc.status_code, "invalid_request")
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error(400, f"Invalid request: {where or 'body'}: {first.get('msg', 'not valid')}")


def _answer(
    runtime: Runtime,
    lock: threading.Lock,
    asked: tuple[str, list[Any], Reader],
    body: ChatRequest,
) -> Iterator[str | Answer]:
    question, history, reader = asked
    with lock:
        yield from ask_stream(
            question,
            history,
            filters=reader.filters(),
            answer_language=body.answer_language,
            runtime=runtime,
            asker=Asker(reader.user, "api"),
        )


def _last(chunks: Iterator[str | Answer]) -> Answer:
    *_, final = chunks
    assert isinstance(final, Answer)
    return final


def _extra(answer: Answer) -> dict[str, Any]:
    """The fields an OpenAI client ignores and ours reads: citations and how the answer came."""
    data = answer.to_json()
    return {
        "citations": data["citations"],
        "assistant": {
            k: data[k]
            for k in (
                "abstained",
                "language",
                "backend",
                "notice",
                "standalone_question",
                "closest_documents",
                "timings_ms",
                "checks",
            )
        },
    }


def _completion(answer: Answer, body: ChatRequest) -> dict[str, Any]:
    message = {"role": "assistant", "content": answer_content(answer, body.sources_in_content)}
    return {
        "id": f"chatcmpl-{answer.id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model or MODEL_ID,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        **_extra(answer),
    }


def _sse(chunks: Iterator[str | Answer], body: ChatRequest) -> Iterator[str]:
    """OpenAI's chunk stream: the role, each checked sentence as it is ready, the notice and the
    sources, then a last chunk with finish_reason and the citations, then [DONE]. An error after
    the stream began comes as an error event (the status line is already sent)."""
    head = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.model or MODEL_ID,
    }

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> str:
        data = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    shown: list[str] = []
    try:
        for item in chunks:
            if isinstance(item, Answer):
                tail = "" if "".join(shown) == item.text else f"\n\n---\n{item.text}"
                tail += answer_content(item, body.sources_in_content)[len(item.text) :]
                if tail:
                    yield chunk({"content": tail})
                yield chunk({}, "stop", **_extra(item))
            else:
                shown.append(item)
                yield chunk({"content": item})
    except UserError as exc:
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'server_error'}})}\n\n"
    yield "data: [DONE]\n\n"


__all__ = ["MODEL_ID", "create_app", "sources_block"]
