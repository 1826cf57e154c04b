# Number Detector: the menu (default) or `predict`, on CPU-only PyTorch.
#   docker build -t number-detector .
#   docker run -it --rm -v "$PWD/menu_data:/app/menu_data" -v "$PWD/outputs:/app/outputs" number-detector
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg

WORKDIR /app

# torch and torchvision come from PyTorch's CPU-only index (no CUDA libraries: about 1 GB
# instead of several); every other package at its requirements.txt pin, with the torch
# lines filtered out so that pip cannot replace the CPU builds with the CUDA ones.
COPY requirements.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.14.1 torchvision==0.29.1 \
 && grep -vE '^(torch|torchvision)==' requirements.txt > /tmp/requirements-cpu.txt \
 && pip install -r /tmp/requirements-cpu.txt \
 && rm /tmp/requirements-cpu.txt

# The code and the model belong to root (read-only for the app user); only the two
# mount points are the app user's.
COPY number_detector.py pyproject.toml ./
COPY detector/ detector/
COPY models/ models/
COPY menu_data/ menu_data/
RUN python -m compileall -q detector number_detector.py \
 && useradd --create-home --uid 1000 app \
 && mkdir -p outputs \
 && chown app:app menu_data outputs

USER app
VOLUME ["/app/menu_data", "/app/outputs"]
CMD ["python", "number_detector.py"]
