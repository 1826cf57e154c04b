#!/usr/bin/env bash
# make test-docker: build the real Dockerfile and run it, with no registry to pull from.
#
# 1. A Docker engine: docker.io (and debootstrap) installed when missing, dockerd started
#    when it is not running.
# 2. A base image built here: Debian bookworm by debootstrap (minbase + python3 and venv, whose ensurepip brings pip),
#    imported with `docker import`. What differs from python:3.11-slim is handled in this
#    base, never in the user's Dockerfile: Debian's Python refuses global pip installs
#    (PEP 668), so a venv comes first on PATH; and the host's package index (a local
#    mirror, PyPI behind the host's CA bundle) is not visible in a container, so the
#    runtime wheels are downloaded here by the host's own pip and served to the build
#    over the host network (the base's PIP_FIND_LINKS / PIP_NO_INDEX point pip at them).
# 3. The Dockerfile built on it (--build-arg BASE=...), then: predict --json over a
#    read-only menu_data, the menu in a pseudo-terminal to its first screen and Exit, a
#    result written into an outputs/ mount owned by the host user, and the image size.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${ND_DOCKER_WORK:-/tmp/nd-docker-test}
BASE_TAG=nd-test-base:bookworm
IMAGE=number-detector:test
PORT=${ND_WHEEL_PORT:-8765}
PY=${PY:-$ROOT/.venv/bin/python}
export DOCKER_BUILDKIT=0  # the classic builder: no buildx plugin needed
mkdir -p "$WORK"
say() { printf '\n== %s\n' "$*"; }

if ! command -v docker >/dev/null || ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  say "installing docker.io and debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: $WORK/dockerd.log)"
  (dockerd >"$WORK/dockerd.log" 2>&1 &)
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null
fi

say "wheels for requirements.txt, by the host's pip (its index and CA bundle)"
"$PY" -m pip download -q --disable-pip-version-check --only-binary=:all: -r requirements.txt -d "$WORK/wheels" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
"$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/wheels" >"$WORK/http.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT

if ! docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  rootfs="$WORK/rootfs"
  if [ ! -x "$rootfs/usr/bin/python3" ]; then
    say "debootstrap bookworm into $rootfs (a few minutes, once)"
    debootstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates \
      bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log"
  fi
  say "docker import $BASE_TAG"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/{doc,man,locale}/*
  tar -C "$rootfs" -c . | docker import --change 'ENV LANG=C.UTF-8' - nd-test-rootfs:bookworm >/dev/null
  docker build -q -t "$BASE_TAG" - >/dev/null <<EOF
FROM nd-test-rootfs:bookworm
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PIP_NO_INDEX=1 PIP_FIND_LINKS=http://127.0.0.1:$PORT/
EOF
fi

say "docker build --build-arg BASE=$BASE_TAG -t $IMAGE ."
docker build --network host --build-arg BASE="$BASE_TAG" -t "$IMAGE" . >"$WORK/build.log" \
  || { tail -30 "$WORK/build.log"; exit 1; }

say "the image holds no torch, and its outputs/ is the app user's"
docker run --rm --network none --entrypoint python "$IMAGE" -c \
  "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is not None or u.find_spec('onnx') is not None)"
[ "$(docker run --rm --entrypoint stat "$IMAGE" -c %U /app/outputs)" = app ]

say "predict --json menu_data over a read-only mount"
docker run --rm --network none -v "$ROOT/menu_data:/app/menu_data:ro" "$IMAGE" predict --json menu_data \
  >"$WORK/predict.jsonl"
"$PY" - "$WORK/predict.jsonl" "$ROOT/menu_data" <<'EOF'
import json, pathlib, sys
results = [json.loads(line) for line in open(sys.argv[1])]
files = {p.name for p in pathlib.Path(sys.argv[2]).iterdir() if p.is_file()}
assert {pathlib.Path(r["source"]).name for r in results} == files, "not every file was read"
assert all(r["error"] is None for r in results), [r for r in results if r["error"]]
wrong = [r for r in results if r["row"] is None and r["number"] != pathlib.Path(r["source"]).stem.rsplit("_", 1)[-1]]
assert not wrong, wrong  # each sample's name ends with the number it holds
print(f"{len(results)} readings, no errors, every picture's number right")
EOF

say "the menu in a pseudo-terminal: first screen, then Exit"
"$PY" tests/docker/menu_pty.py "$IMAGE"

say "a result written into an outputs/ mount owned by the host user"
uid=$(id -u); gid=$(id -g)
if [ "$uid" = 0 ]; then uid=4321; gid=4321; fi  # root on the host: stand in for a normal user
out="$WORK/outputs"; rm -rf "$out"; mkdir -p "$out"; chown "$uid:$gid" "$out"
docker run --rm --network none --user "$uid:$gid" -v "$out:/app/outputs" "$IMAGE" \
  predict --annotate outputs/annotated menu_data/house_sign_7971.jpg
written=$(find "$out" -type f -name '*.png' | head -1)
[ -n "$written" ] && [ "$(stat -c %u "$written")" = "$uid" ] || { echo "nothing written by uid $uid in $out"; exit 1; }
echo "wrote ${written#"$out"/} as uid $uid"

say "serve --host 0.0.0.0 with -p: the page and the API from the host"
hostport=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cid=$(docker run -d --rm -p "127.0.0.1:$hostport:8000" "$IMAGE" serve --host 0.0.0.0)
trap 'docker rm -f "$cid" >/dev/null 2>&1' EXIT
"$PY" - "$hostport" "$ROOT/menu_data/house_sign_7971.jpg" <<'EOF'
import json, sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(150):  # the container starts and loads the model
    try:
        health = json.load(urllib.request.urlopen(f"{base}/api/health", timeout=2))
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the server in the container never answered")
page = urllib.request.urlopen(f"{base}/", timeout=5).read().decode()
body = open(sys.argv[2], "rb").read()
req = urllib.request.Request(f"{base}/api/predict", data=body, headers={"Content-Type": "image/jpeg"})
reading = json.load(urllib.request.urlopen(req, timeout=30))
assert "<canvas" in page and health["file"] == "number_detector.onnx", (health, page[:200])
assert reading["number"] == "7971", reading
print(f"page served, health {health['model']} v{health['version']}, the sign read {reading['number']}")
EOF
docker rm -f "$cid" >/dev/null
trap - EXIT

size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
say "image size: $((size / 1000000)) MB ($IMAGE, base $BASE_TAG: $(($(docker image inspect -f '{{.Size}}' "$BASE_TAG") / 1000000)) MB)"
echo "make test-docker: passed"
