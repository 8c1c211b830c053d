"""Is a question file well formed, and does every evidence quote stand in its document?

`python -m evals validate FILE…` (or `--set NAME`) checks each case against the schema in
`datasets/SCHEMA.md` and looks every evidence quote up in the text the index cites (extracted text
for HTML, PDF and .docx, PDFs reflowed as the index reads them; whitespace collapsed). A
problem is one line naming the case; nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.types import is_history
from evals.data import read_jsonl
from index.load import LoadError, iter_corpus, read_text

LANGUAGES = {"en", "cs", "ru"}
VERDICTS = {None, "yes", "no", "not stated"}
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "question": str,
    "language": str,
    "history": list,
    "expected_facts": list,
    "expected_sources": list,
    "evidence": list,
    "answerable": bool,
}


@dataclass(frozen=True)
class Problem:
    file: str
    case: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.case}: {self.message}"


def _normal(text: str) -> str:
    return " ".join(text.split())


class CorpusTexts:
    """doc_id → the document's text as the index cites it (PDFs reflowed by `read_text`),
    whitespace collapsed, read once on demand."""

    def __init__(self, corpus_dir: Path) -> None:
        self.paths = {path.stem: path for path in iter_corpus(Path(corpus_dir))}
        self._texts: dict[str, str | None] = {}

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.paths

    def contains(self, doc_id: str, quote: str) -> bool:
        if doc_id not in self._texts:
            try:
                self._texts[doc_id] = _normal(read_text(self.paths[doc_id]))
            except LoadError:
                self._texts[doc_id] = None
        text = self._texts[doc_id]
        return text is not None and _normal(quote) in text


def case_problems(case: dict[str, Any], corpus: CorpusTexts) -> Iterable[str]:
    """What is wrong with one case, one message each."""
    for key, kind in _REQUIRED.items():
        if not isinstance(case.get(key), kind):
            yield f"'{key}' missing or not a {getattr(kind, '__name__', kind)}"
    if case.get("language") not in LANGUAGES:
        yield f"language {case.get('language')!r} is not one of {sorted(LANGUAGES)}"
    if case.get("expected_verdict") not in VERDICTS:
        verdict = case.get("expected_verdict")
        yield f"expected_verdict {verdict!r} is not yes, no, not stated or null"
    if not is_history(case.get("history") or []):
        yield 'history is not a list of {"role": "user"|"assistant", "content"}'
    yield from _fact_problems(case)
    yield from _source_problems(case, corpus)


def _fact_problems(case: dict[str, Any]) -> Iterable[str]:
    facts = case.get("expected_facts") or []
    if case.get("answerable") and not facts and not case.get("expected_verdict"):
        yield "an answerable case states no expected fact"
    for fact in facts:
        forms = fact.get("forms") if isinstance(fact, dict) else None
        if not forms or not all(isinstance(f, str) and f.strip() for f in forms):
            yield "an expected fact has no forms"
        elif not isinstance(fact.get("critical"), bool):
            yield f"fact {forms[0]!r}: 'critical' is not true or false"


def _source_problems(case: dict[str, Any], corpus: CorpusTexts) -> Iterable[str]:
    sources = case.get("expected_sources") or []
    if case.get("answerable") and not sources:
        yield "an answerable case names no expected source"
    for doc_id in sources:
        if doc_id not in corpus:
            yield f"expected source {doc_id!r} is not in the corpus"
    for item in case.get("evidence") or []:
        doc_id, quote = item.get("doc_id", ""), item.get("quote", "")
        if doc_id not in corpus:
            yield f"evidence names {doc_id!r}, which is not in the corpus"
        elif not quote.strip() or not corpus.contains(doc_id, quote):
            yield f"evidence quote not found in {doc_id}: {quote[:80]!r}"


def validate(paths: Iterable[Path], corpus_dir: Path) -> list[Problem]:
    """Every problem in the files; ids must be unique across them."""
    corpus, seen, problems = CorpusTexts(corpus_dir), set[str](), []
    for path in paths:
        for no, case in enumerate(read_jsonl(Path(path)), 1):
            name = str(case.get("id") or f"line {no}")
            if name in seen:
                problems.append(Problem(Path(path).name, name, "duplicate id"))
            seen.add(name)
            problems += [Problem(Path(path).name, name, m) for m in case_problems(case, corpus)]
    return problems
