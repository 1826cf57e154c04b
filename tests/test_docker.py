"""The Docker image, tested without a Docker engine (``make test-docker`` builds and runs it for real).

The Dockerfile is parsed (dockerfile-parse) and checked for what the README promises; the
container's commands then run here as plain processes with the container's environment:
the Dockerfile's ENV, no display, a temporary HOME, no terminal, a read-only menu_data.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from detector.paths import MENU_DATA_DIR, PROJECT_ROOT
from tests.helpers import snapshot

README_LINES = (
    "docker build -t number-detector .",
    'docker run -it --rm -v "$PWD/menu_data:/app/menu_data" -v "$PWD/outputs:/app/outputs" '
    '--user "$(id -u):$(id -g)" number-detector',
    'docker run --rm -v "$PWD/menu_data:/app/menu_data:ro" number-detector predict --json menu_data',
)


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(str(PROJECT_ROOT / "Dockerfile"))


def instructions(parser: DockerfileParser, name: str) -> list[str]:
    return [s["value"] for s in parser.structure if s["instruction"] == name]


def pins(text: str) -> dict[str, str]:
    """Return {package: version} for every ``name==version`` in ``text``."""
    return {name.lower(): version for name, version in re.findall(r"([A-Za-z0-9_.\-]+)==([0-9][^\s;#]*)", text)}


def ignore_entries() -> set[str]:
    """The patterns of .dockerignore (comments and blank lines dropped)."""
    lines = (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.strip().startswith("#")}


def container_env(parser: DockerfileParser, home: Path) -> dict[str, str]:
    """The Dockerfile's ENV on top of a bare PATH, HOME in tmp, and no DISPLAY."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **parser.envs}


def entrypoint(parser: DockerfileParser) -> list[str]:
    return json.loads(next(s["value"] for s in parser.structure if s["instruction"] == "ENTRYPOINT"))


def container_command(parser: DockerfileParser, *args: str) -> list[str]:
    """The image's ENTRYPOINT (``python number_detector.py``) with this interpreter, plus ``args``."""
    cmd = entrypoint(parser) + json.loads(parser.cmd)
    assert cmd[0] == "python"
    return [sys.executable, *cmd[1:], *args]


def test_base_image_is_slim_python_311_unless_a_base_is_given(dockerfile):
    assert instructions(dockerfile, "ARG") == ["BASE=python:3.11-slim"]
    assert instructions(dockerfile, "FROM") == ["${BASE}"] and dockerfile.baseimage == "python:3.11-slim"
    assert not dockerfile.is_multistage


def test_only_the_runtime_set_is_installed_at_its_own_pins(dockerfile):
    """requirements.txt is the one source of versions, and it holds no torch."""
    runs = " ".join(instructions(dockerfile, "RUN"))
    assert "pip install -r requirements.txt" in runs
    assert not pins(runs) and "torch" not in runs and "requirements-train" not in runs
    required = pins((PROJECT_ROOT / "requirements.txt").read_text())
    assert "onnxruntime" in required and not {"torch", "torchvision", "onnx"} & set(required)
    copied = " ".join(instructions(dockerfile, "COPY"))
    assert "models/number_detector.onnx" in copied and ".pt" not in copied


def test_runs_as_non_root_without_windows_with_volumes_and_menu_cmd(dockerfile):
    users = instructions(dockerfile, "USER")
    assert users and users[-1] not in ("root", "0")
    runs = " ".join(instructions(dockerfile, "RUN"))
    assert "pip uninstall -y -q matplotlib" in runs  # a container has no display: no window library
    assert dockerfile.envs["PYTHONUNBUFFERED"] == "1"
    assert instructions(dockerfile, "WORKDIR") == ["/app"]
    volumes = [v for value in instructions(dockerfile, "VOLUME") for v in json.loads(value)]
    assert set(volumes) == {"/app/menu_data", "/app/outputs"}
    assert entrypoint(dockerfile) == ["python", "number_detector.py"] and json.loads(dockerfile.cmd) == []
    assert dockerfile.envs["XDG_CACHE_HOME"].startswith("/tmp")  # any --user can write it


def test_copied_paths_exist_and_are_not_ignored(dockerfile):
    ignored = ignore_entries()
    for value in instructions(dockerfile, "COPY"):
        for source in value.split()[:-1]:
            if source.startswith("--"):
                continue
            name = source.rstrip("/")
            assert (PROJECT_ROOT / name).exists(), f"COPY {source}: not in the repository"
            assert name not in ignored


def test_dockerignore_keeps_local_state_out():
    entries = ignore_entries()
    for needed in (".venv", ".cache", "data", "outputs", ".git", "**/__pycache__", ".pytest_cache", ".hypothesis"):
        assert needed in entries, needed


def test_default_command_without_tty_points_to_predict(dockerfile, tmp_path):
    proc = subprocess.run(
        container_command(dockerfile),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=container_env(dockerfile, tmp_path),
        timeout=60,
    )
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 2
    assert len(lines) == 1 and "predict" in lines[0]


def test_predict_json_over_read_only_menu_data(dockerfile, tmp_path, menu_dir, tiny_model):
    data = tmp_path / "ro_menu_data"
    shutil.copytree(menu_dir, data)
    for shipped in MENU_DATA_DIR.iterdir() if MENU_DATA_DIR.is_dir() else ():
        if shipped.is_file():
            shutil.copy2(shipped, data / shipped.name)
    for f in data.iterdir():
        f.chmod(0o444)
    data.chmod(0o555)
    before = snapshot(data)
    try:
        proc = subprocess.run(
            container_command(dockerfile, "predict", "--json", "--model", str(tiny_model), str(data)),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env=container_env(dockerfile, tmp_path / "home"),
            timeout=120,
        )
        after = snapshot(data)
    finally:
        data.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {Path(r["source"]).name for r in results} == set(before)
    assert all(r["error"] is None for r in results)
    assert after == before


def test_readme_docker_commands_match_the_image(dockerfile):
    readme = PROJECT_ROOT / "README.md"
    text = readme.read_text() if readme.exists() else ""
    missing = [line for line in README_LINES if line not in text]
    if missing:
        pytest.skip("README.md lacks the line(s): " + "  |  ".join(missing))
    volumes = {v for value in instructions(dockerfile, "VOLUME") for v in json.loads(value)}
    for line in (x for x in text.splitlines() if x.strip().startswith("docker run")):
        for mount in re.findall(r'-v "?[^:"]+:([^:"\s]+)', line):
            assert mount in volumes, f"{line}: {mount} is not a VOLUME of the image"
        assert "number-detector" in line.split()
