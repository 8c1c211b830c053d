"""Which files an ingest must (re)index: content hashes against the manifest, duplicates skipped."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from index.access import AccessError, folder_rule
from index.config import IndexConfig
from index.errors import UserError
from index.load import META_SUFFIX, LoadError, doc_id_for, iter_corpus
from index.store import Manifest


@dataclass
class Plan:
    """The files to (re)index by doc_id, every current document's hash, and what was skipped."""

    todo: dict[str, Path] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def fingerprint(path: Path, root: Path) -> tuple[str, str]:
    """(doc_id, sha256 of the file and its sidecar) without parsing the document."""
    sidecar = path.with_name(path.stem + META_SUFFIX)
    sidecar_bytes = sidecar.read_bytes() if sidecar.exists() else b""
    doc_id = doc_id_for(path, root)
    if sidecar_bytes:
        try:
            doc_id = str(json.loads(sidecar_bytes).get("doc_id") or doc_id)
        except (json.JSONDecodeError, AttributeError):
            pass
    try:
        rule = folder_rule(path, root)[0]  # a changed folder rule re-indexes its documents
    except AccessError as exc:
        raise LoadError(str(exc)) from None
    extra = b"\0" + rule if rule else b""
    return doc_id, hashlib.sha256(path.read_bytes() + b"\0" + sidecar_bytes + extra).hexdigest()


def _ordered(root: Path, manifest: Manifest) -> list[Path]:
    """Of duplicate files, the one with metadata comes first, then the one already indexed."""
    known = {d["path"] for d in manifest.documents.values()}

    def key(path: Path) -> tuple[bool, bool, str]:
        rel = str(path.relative_to(root))
        return (not path.with_name(path.stem + META_SUFFIX).exists(), rel not in known, rel)

    return sorted(iter_corpus(root), key=key)


def plan(config: IndexConfig, manifest: Manifest, rebuild: bool) -> Plan:
    """Compare the corpus folder with the manifest."""
    root = config.corpus_dir
    if not root.is_dir():
        raise UserError(f"No corpus folder at {root}: create it or pass --corpus DIR")
    out = Plan()
    seen: dict[str, str] = {}  # content hash -> doc_id
    for path in _ordered(root, manifest):
        rel = path.relative_to(root)
        try:
            size = path.stat().st_size
            if size > config.max_file_mb * 1e6:
                raise LoadError(
                    f"{path.name}: {size / 1e6:.1f} MB is over the {config.max_file_mb:g} MB limit"
                )
            doc_id, digest = fingerprint(path, root)
            content = hashlib.sha256(path.read_bytes()).hexdigest()
        except (OSError, LoadError) as exc:
            out.warnings.append(f"skipped {rel}: {exc}")
            continue
        if doc_id in out.hashes:
            out.warnings.append(f"skipped {rel}: doc_id {doc_id!r} is already used by another file")
        elif content in seen:
            out.warnings.append(f"skipped {rel}: same content as {seen[content]!r}")
        else:
            seen[content] = doc_id
            out.hashes[doc_id] = digest
            known = manifest.documents.get(doc_id)
            if rebuild or not known or known["sha256"] != digest:
                out.todo[doc_id] = path
            else:
                out.unchanged.append(doc_id)
    return out
