# Number Detector: the menu (default) or `predict`, on onnxruntime (no torch in the image).
#   docker build -t number-detector .
#   docker run -it --rm -v "$PWD/menu_data:/app/menu_data" -v "$PWD/outputs:/app/outputs" --user "$(id -u):$(id -g)" number-detector
#   docker run --rm -v "$PWD/menu_data:/app/menu_data:ro" number-detector predict --json menu_data
#   docker run --rm -p 8000:8000 number-detector serve --host 0.0.0.0   # the browser page
# BASE: any image with Python 3.11 and pip (the tests build one with debootstrap).
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/tmp/cache

WORKDIR /app

# The runtime set only, at its requirements.txt pins: the one place versions are written.
# Left out of the image, in the same layer: the packages' own test suites (about 100 MB),
# onnxruntime's model-building tools (9 MB; running a model needs only its capi/), and
# matplotlib with what only it needs (about 65 MB: it draws windows, and a container has
# no display; the menu then saves and previews pictures instead).
COPY requirements.txt ./
RUN pip install -r requirements.txt \
 && site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
 && find "$site" -mindepth 2 -maxdepth 3 -type d -name tests -prune -exec rm -rf {} + \
 && rm -rf "$site"/onnxruntime/transformers "$site"/onnxruntime/tools "$site"/onnxruntime/quantization \
 && pip uninstall -y -q matplotlib fonttools contourpy kiwisolver cycler pyparsing

# The code and the model belong to root (read-only for the app user); the two mount
# points are the app user's, so a named volume or an empty folder works as it is.
COPY number_detector.py pyproject.toml ./
COPY detector/ detector/
COPY models/number_detector.onnx models/
COPY menu_data/ menu_data/
RUN python -m compileall -q detector number_detector.py \
 && useradd --create-home --uid 1000 app \
 && mkdir -p outputs \
 && chown app:app menu_data outputs

USER app
VOLUME ["/app/menu_data", "/app/outputs"]
EXPOSE 8000
ENTRYPOINT ["python", "number_detector.py"]
CMD []
