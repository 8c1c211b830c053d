"""What an ingest did: the summary line the CLI and the app print, and the lists tests check."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    """What an ingest did, for the summary line and for tests."""

    documents: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0  # chunks embedded (each counted once, whatever the number of dense legs)
    vectors: int = 0  # vectors computed: chunks times legs, plus sentences
    seconds: float = 0.0

    def summary(self) -> str:
        if not (self.added or self.updated or self.removed):
            return (
                f"Nothing to do: {self.documents} documents unchanged, {self.chunks} chunks, "
                f"0 embeddings computed ({self.seconds:.2f} s)"
            )
        rate = self.embedded / self.seconds if self.seconds else 0.0
        return (
            f"Indexed {self.documents} documents ({len(self.added)} new, {len(self.updated)} "
            f"changed, {len(self.removed)} removed, {len(self.unchanged)} unchanged), "
            f"{self.chunks} chunks; embedded {self.embedded} chunks ({self.vectors} vectors "
            "with "
            f"the sentences) in {self.seconds:.1f} s ({rate:.1f} chunks/s)"
        )
