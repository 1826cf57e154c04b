"""The web app: the page's static files and the JSON API, on Starlette.

``create_app`` loads the model once and shares it between requests. Decoding runs in
Starlette's thread pool, in parallel; the model itself runs one request at a time behind
a lock (it is a few milliseconds a digit; the lock keeps a backend's per-call settings,
such as torch's thread count, from being changed by two requests at once).
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from detector.app.web.uploads import MAX_BODY, UploadError, image_part, read_body, refusal_status
from detector.errors import InputError, OutputError

STATIC = Path(__file__).resolve().parent / "static"
# The page loads nothing from elsewhere; pictures are shown from blob: URLs of local files.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
OTHER_SITE = "requests from other web sites are refused; use the page this server serves"
log = logging.getLogger(__name__)


class WebApi:
    """The API's state (the shared predictor, its lock, the Save folder) and its handlers."""

    def __init__(self, predictor, menu_dir: Path, model_path: Path | None = None) -> None:
        self.predictor = predictor
        self.menu_dir = Path(menu_dir)
        self.model_path = model_path
        self.lock = threading.Lock()

    async def predict(self, request: Request) -> Response:
        """POST /api/predict: an image (raw body or multipart) -> the ``predict --json`` object."""
        data, name = await self._upload(request)
        reading = await run_in_threadpool(self.read, data, name)
        return JSONResponse(reading.to_dict())

    def read(self, data: bytes, name: str):
        """Decode an upload like a file and read it with the shared model; returns a Reading."""
        loaded = _load(data, name)
        with self.lock:
            return self.predictor.read_loaded(loaded, name)

    async def save(self, request: Request) -> Response:
        """POST /api/save: store the picture in menu_data/ under a new name (never overwriting)."""
        data, name = await self._upload(request)
        path = await run_in_threadpool(self.store, data, name)
        return JSONResponse({"saved": str(path), "name": path.name, "folder": str(path.parent)}, status_code=201)

    def store(self, data: bytes, name: str) -> Path:
        """Check the picture with the file reader, then write it as a grey PNG ``drawing-NNN.png``."""
        import numpy as np
        from PIL import Image

        from detector.files import save_new

        pixels = (np.clip(_load(data, name).pixels, 0, 1) * 255).round().astype(np.uint8)
        image = Image.fromarray(pixels)
        try:
            return save_new(self.menu_dir, "drawing", ".png", lambda fh: image.save(fh, format="PNG"), numbered=True)
        except OutputError as err:  # a read-only or full menu_data/: the server's side, not the request's
            raise UploadError(500, str(err)) from err

    async def health(self, _request: Request) -> Response:
        """GET /api/health: the model's name, version and measured accuracy."""
        return JSONResponse(model_facts(self.predictor, self.model_path))

    async def _upload(self, request: Request) -> tuple[bytes, str]:
        if not same_site(request):
            raise UploadError(403, OTHER_SITE)
        body = await read_body(request.headers, request.stream())
        return image_part(body, request.headers.get("content-type", ""))


def _load(data: bytes, name: str):
    """``read_image_bytes`` with its refusals turned into statuses (same one-line messages)."""
    from detector.io import read_image_bytes

    try:
        return read_image_bytes(data, name)
    except InputError as err:
        raise UploadError(refusal_status(data, err), str(err)) from err


def same_site(request: Request) -> bool:
    """False for a browser request sent by a page of another origin (a form posted from elsewhere)."""
    from urllib.parse import urlsplit

    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host", "")


def model_facts(predictor, model_path: Path | None) -> dict:
    """The health answer: model name and version from its config, test accuracy from metrics.json."""
    from detector import __version__
    from detector.paths import DEFAULT_MODEL
    from detector.results import LOW_CONFIDENCE

    config = getattr(predictor, "config", None)
    path = Path(model_path or DEFAULT_MODEL)
    metrics = _metrics(path.parent / "metrics.json", config)
    return {
        "status": "ok",
        "model": getattr(config, "arch", None),
        "version": getattr(config, "version", None),
        "file": path.name,
        "threshold": getattr(predictor, "threshold", LOW_CONFIDENCE),
        "max_upload_bytes": MAX_BODY,
        "accuracy": metrics.get("test_accuracy"),
        "accuracy_on": f"MNIST test set ({metrics['test_images']:,} images)" if "test_images" in metrics else None,
        "program_version": __version__,
    }


def _metrics(path: Path, config) -> dict:
    """metrics.json beside the model, when it describes this model's config (else {})."""
    try:
        metrics = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    described = metrics.get("model_config") if isinstance(metrics, dict) else None
    to_dict = getattr(config, "to_dict", None)
    if not isinstance(described, dict) or (to_dict is not None and not _same_config(described, to_dict())):
        return {}
    return metrics


def _same_config(described: dict, actual: dict) -> bool:
    """The same settings, numbers equal to float32 rounding (a model file may store them as float32)."""
    import math

    def same(a, b) -> bool:
        if isinstance(a, int | float) and isinstance(b, int | float):
            return math.isclose(a, b, rel_tol=1e-6)
        if isinstance(a, list | tuple) and isinstance(b, list | tuple):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
        return a == b

    from detector.config import ModelConfig

    try:  # metrics written before a field existed describe it by its default, as the checkpoint does
        described = ModelConfig.from_dict(described).to_dict()
    except (TypeError, ValueError):
        return False
    return described.keys() == actual.keys() and all(same(described[k], actual[k]) for k in actual)


async def index(_request: Request) -> Response:
    """GET /: the page."""
    return FileResponse(STATIC / "index.html", headers=SECURITY_HEADERS)


async def refused(_request: Request, err: UploadError) -> Response:
    return JSONResponse({"error": str(err)}, status_code=err.status)


async def http_error(_request: Request, err: HTTPException) -> Response:
    return JSONResponse({"error": f"{err.detail.lower()}; see the API in the README"}, status_code=err.status_code)


async def unexpected(_request: Request, err: Exception) -> Response:
    log.exception("request failed")
    return JSONResponse({"error": f"unexpected {type(err).__name__} on the server: {err}"}, status_code=500)


def create_app(predictor=None, model_path: Path | None = None, menu_dir: Path | None = None) -> Starlette:
    """Build the web app around one predictor (loaded here from ``model_path`` when not given).

    Args:
        predictor: A ``Predictor`` to share; None loads ``model_path``.
        model_path: The checkpoint (default: the shipped model); also where metrics.json is looked for.
        menu_dir: Where Save stores drawings (default: menu_data/).

    Raises:
        ModelError: The checkpoint is missing or unusable.
    """
    from detector.paths import MENU_DATA_DIR
    from detector.predict import Predictor

    api = WebApi(predictor or Predictor.load(model_path), Path(menu_dir or MENU_DATA_DIR), model_path)
    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/api/predict", api.predict, methods=["POST"]),
        Route("/api/save", api.save, methods=["POST"]),
        Route("/api/health", api.health, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {UploadError: refused, HTTPException: http_error, Exception: unexpected}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.api = api
    return app
