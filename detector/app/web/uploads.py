"""Request bodies of the web API: the size cap, raw or multipart images, and each refusal's status.

Everything stays in memory: a body is at most ``MAX_BODY`` bytes, and multipart forms are
split here rather than by a parser that spools large parts to temporary files, so the
server writes nothing but an explicit Save.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

MAX_BODY = 20 * 1024 * 1024  # 20 MB: a 12 MP phone JPEG is 3-8 MB
TOO_LARGE = "the upload is over the 20 MB limit; send a smaller or downscaled picture"
NO_FILE = "the form holds no file; send the picture as a file field (curl -F file=@photo.jpg)"
BAD_FORM = "the form could not be read (damaged multipart data); send the picture again"
FILE_FIELDS = (b"file", b"image", b"photo", b"drawing")


class UploadError(Exception):
    """A request the API refuses: an HTTP status and a one-line message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_body(headers, stream: AsyncIterator[bytes], limit: int = MAX_BODY) -> bytes:
    """Read a request body, refusing more than ``limit`` bytes without reading them all.

    Args:
        headers: The request headers (``Content-Length`` is checked first).
        stream: The body's chunks; counted as they come, for bodies sent without a length.
        limit: Largest body accepted.

    Raises:
        UploadError: 413 when the body is too large, 400 for a malformed length.
    """
    length = headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise UploadError(400, "the Content-Length header is not a number; send the request again")
        if int(length) > limit:
            raise UploadError(413, TOO_LARGE)
    chunks, total = [], 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise UploadError(413, TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def image_part(body: bytes, content_type: str) -> tuple[bytes, str]:
    """Return (image bytes, name to report) from a raw body or a multipart form.

    A raw body is the picture itself and is called "upload"; a form's first file field
    (or its field "file", "image", "photo" or "drawing") is the picture, called by the
    base name of the file name the client gave, never a path.

    Raises:
        UploadError: 400 for a form without a file or one that cannot be parsed.
    """
    from python_multipart.multipart import parse_options_header

    mime, params = parse_options_header(content_type or "")
    if mime != b"multipart/form-data":
        return body, "upload"
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadError(400, "the form has no boundary; send it as multipart/form-data (curl -F file=@photo.jpg)")
    for disposition, data in _parts(body, boundary):
        _kind, fields = parse_options_header(disposition)
        if b"filename" in fields or fields.get(b"name") in FILE_FIELDS:
            return data, base_name(fields.get(b"filename", b"").decode("utf-8", "replace"))
    raise UploadError(400, NO_FILE)


def base_name(filename: str) -> str:
    """The last part of a client's file name (either slash), printable; "upload" when none."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()[:120]
    return name if name not in ("", ".", "..") else "upload"


def _parts(body: bytes, boundary: bytes) -> list[tuple[bytes, bytes]]:
    """Split a multipart body into (Content-Disposition header, data) pairs, in memory."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser

    parts: list[tuple[bytes, bytes]] = []
    current: dict = {}

    def on_part_begin() -> None:
        current.update(headers={}, field=b"", value=b"", data=[])

    def on_header_end() -> None:
        current["headers"][current["field"].lower()] = current["value"]
        current["field"], current["value"] = b"", b""

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": lambda data, start, end: current.update(field=current["field"] + data[start:end]),
        "on_header_value": lambda data, start, end: current.update(value=current["value"] + data[start:end]),
        "on_header_end": on_header_end,
        "on_part_data": lambda data, start, end: current["data"].append(data[start:end]),
        "on_part_end": lambda: parts.append(
            (current["headers"].get(b"content-disposition", b""), b"".join(current["data"]))
        ),
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except (MultipartParseError, ValueError) as err:
        raise UploadError(400, BAD_FORM) from err
    return parts


def refusal_status(data: bytes, err: Exception) -> int:
    """The HTTP status for an ``InputError`` raised while reading ``data`` as an image.

    400: nothing was sent. 422: an image whose pixels cannot be used (a decompression
    bomb, over 150 MP, no pixels, too big for memory); the reader raises these itself,
    not because a decoder failed. 415: anything a decoder could not read (not an image,
    a damaged or truncated file).
    """
    from PIL import Image

    if not data:
        return 400
    cause = err.__cause__
    if cause is None or isinstance(cause, MemoryError | Image.DecompressionBombError):
        return 422
    return 415
