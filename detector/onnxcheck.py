"""Looking inside an ONNX file before anything runs it: does it reference external data?

onnxruntime resolves external tensor files itself (relative to the working directory when
a model is loaded from bytes), so a model file could make it read any file on the disk.
This walks the protobuf wire format (no ``onnx`` package needed at runtime) and finds every
tensor that keeps its data elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator

# Field numbers from onnx.proto3 (stable since ONNX 1.0).
_MODEL_GRAPH, _MODEL_FUNCTIONS = 7, 25
_GRAPH_NODE, _GRAPH_INITIALIZER, _GRAPH_SPARSE = 1, 5, 15
_FUNCTION_NODE = 7
_NODE_ATTRIBUTE = 5
_ATTR_TENSOR, _ATTR_GRAPH, _ATTR_TENSORS, _ATTR_GRAPHS, _ATTR_SPARSE, _ATTR_SPARSES = 5, 6, 10, 11, 22, 23
_SPARSE_VALUES, _SPARSE_INDICES = 1, 2
_TENSOR_EXTERNAL_DATA, _TENSOR_DATA_LOCATION = 13, 14
_EXTERNAL = 1  # TensorProto.DataLocation.EXTERNAL
_MAX_DEPTH = 64  # subgraphs nested deeper than this are not a model anyone exported


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


def uses_external_data(data: bytes) -> bool:
    """Return True when any tensor of the ONNX model in ``data`` keeps its values in another file.

    Raises:
        WireError: ``data`` is not a well-formed protobuf message (a damaged file).
    """
    view = memoryview(data)
    for field, value in _fields(view):
        if field == _MODEL_GRAPH and _graph_external(value, 0):
            return True
        if field == _MODEL_FUNCTIONS and any(_node_external(v, 0) for f, v in _fields(value) if f == _FUNCTION_NODE):
            return True
    return False


def _graph_external(graph: memoryview, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        raise WireError("subgraphs nested too deep")
    for field, value in _fields(graph):
        if field == _GRAPH_INITIALIZER and _tensor_external(value):
            return True
        if field == _GRAPH_SPARSE and _sparse_external(value):
            return True
        if field == _GRAPH_NODE and _node_external(value, depth):
            return True
    return False


def _node_external(node: memoryview, depth: int) -> bool:
    for field, attribute in _fields(node):
        if field != _NODE_ATTRIBUTE:
            continue
        for f, value in _fields(attribute):
            if f in (_ATTR_TENSOR, _ATTR_TENSORS) and _tensor_external(value):
                return True
            if f in (_ATTR_SPARSE, _ATTR_SPARSES) and _sparse_external(value):
                return True
            if f in (_ATTR_GRAPH, _ATTR_GRAPHS) and _graph_external(value, depth + 1):
                return True
    return False


def _sparse_external(sparse: memoryview) -> bool:
    return any(_tensor_external(v) for f, v in _fields(sparse) if f in (_SPARSE_VALUES, _SPARSE_INDICES))


def _tensor_external(tensor: memoryview) -> bool:
    for field, value in _fields(tensor, keep_varints=True):
        if field == _TENSOR_EXTERNAL_DATA or (field == _TENSOR_DATA_LOCATION and value == _EXTERNAL):
            return True
    return False


def _fields(buf: memoryview, keep_varints: bool = False) -> Iterator[tuple[int, int | memoryview]]:
    """Yield (field number, value) of a message: sub-messages as memoryviews, varints as ints
    when ``keep_varints``; fixed-size values are skipped."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            if keep_varints:
                yield field, value
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > end:
                raise WireError("a field runs past the end of the data")
            yield field, buf[pos : pos + size]
            pos += size
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise WireError(f"unknown wire type {wire}")
    if pos != end:
        raise WireError("the data ends inside a field")


def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise WireError("a number runs past the end of the data")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
