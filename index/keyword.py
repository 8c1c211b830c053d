"""Keyword leg: a BM25 index (bm25s) over the shared analyser's terms, persisted beside the vector
store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.language import analyze, cognate

Terms = dict[str, dict[str, list[str]]]  # doc_id -> chunk id -> analysed terms
TERMS = "terms.json"


def analysed(ids: list[str], texts: list[str], langs: list[str]) -> dict[str, list[str]]:
    """Chunk id -> the shared analyser's terms of its text (a placeholder for an empty one)."""
    return {cid: analyze(t, lang) or ["<empty>"] for cid, t, lang in zip(ids, texts, langs)}


class KeywordIndex:
    """A BM25 index (bm25s) over chunk ids, saved in a folder of its own."""

    def __init__(self, ids: list[str], model: object | None, terms: Terms | None = None) -> None:
        self.ids = ids
        self.model = model
        self.terms: Terms = terms or {}  # what was indexed, by document: kept for the next build
        self._prefixes: dict[str, list[str]] | None = None
        self._cognates: dict[str, list[str]] | None = None

    @classmethod
    def from_terms(cls, terms: Terms) -> KeywordIndex:
        """BM25 over chunks already analysed: doc_id -> chunk id -> terms."""
        import bm25s

        ids = [cid for chunks in terms.values() for cid in chunks]
        if not ids:
            return cls([], None)
        model = bm25s.BM25()
        model.index([t for chunks in terms.values() for t in chunks.values()], show_progress=False)
        return cls(ids, model, terms)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.save(str(folder), show_progress=False)  # type: ignore[attr-defined]
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        (folder / TERMS).write_text(json.dumps(self.terms, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def saved_terms(folder: Path) -> Terms:
        """The analysed chunks a saved index was built from (none for an older folder)."""
        try:
            return dict(json.loads((folder / TERMS).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        ids_file = folder / "ids.json"
        if not ids_file.exists():
            return cls([], None)
        ids = json.loads(ids_file.read_text(encoding="utf-8"))
        model = bm25s.BM25.load(str(folder), show_progress=False) if ids else None
        return cls(ids, model)

    def sharing_cognate(self, key: str, limit: int = 4) -> list[str]:
        """Index terms with this cognate key (an international word in the corpus's other
        languages)."""
        if self.model is None or not key:
            return []
        if self._cognates is None:
            self._cognates = {}
            for term in self.model.vocab_dict:  # type: ignore[attr-defined]
                mark = cognate(term)
                if mark:
                    self._cognates.setdefault(mark, []).append(term)
        return self._cognates.get(key, [])[:limit]

    def has(self, word: str) -> bool:
        """The corpus has the word (analysed as any of its languages would analyse it)."""
        if self.model is None:
            return False
        vocab = self.model.vocab_dict  # type: ignore[attr-defined]
        return any(t in vocab for lang in ("en", "cs", "ru") for t in analyze(word, lang))

    def starting_with(self, prefix: str, limit: int = 4) -> list[str]:
        """Index terms that start with a prefix of five or more letters (names across spellings)."""
        if self.model is None or len(prefix) < 5:
            return []
        if self._prefixes is None:
            self._prefixes = {}
            for term in self.model.vocab_dict:  # type: ignore[attr-defined]
                self._prefixes.setdefault(term[:5], []).append(term)
        return self._prefixes.get(prefix[:5], [])[:limit]

    def search(
        self, terms: list[str], k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The k best (chunk id, BM25 score) pairs for analyzed terms; `allowed` restricts the
        ids."""
        if self.model is None:
            return []
        vocab = self.model.vocab_dict  # type: ignore[attr-defined]
        terms = [t for t in terms if t in vocab]
        if not terms:
            return []
        scores = np.asarray(self.model.get_scores(terms))  # type: ignore[attr-defined]
        if allowed is not None:
            mask = np.fromiter((i in allowed for i in self.ids), dtype=bool, count=len(self.ids))
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
