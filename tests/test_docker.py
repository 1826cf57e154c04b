"""The Docker image, tested without a Docker engine.

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
from tests.conftest import snapshot

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
README_LINES = (
    "docker build -t number-detector .",
    'docker run -it --rm -v "$PWD/menu_data:/app/menu_data" -v "$PWD/outputs:/app/outputs" number-detector',
    'docker run --rm -v "$PWD/menu_data:/app/menu_data:ro" number-detector '
    "python number_detector.py predict --json menu_data",
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


def container_command(parser: DockerfileParser, *args: str) -> list[str]:
    """The image's CMD (``python number_detector.py``) with this interpreter, plus ``args``."""
    cmd = json.loads(parser.cmd)
    assert cmd[0] == "python"
    return [sys.executable, *cmd[1:], *args]


def test_base_image_is_slim_python_311(dockerfile):
    assert dockerfile.baseimage == "python:3.11-slim"
    assert not dockerfile.is_multistage


def test_torch_comes_from_the_cpu_index_at_the_required_pins(dockerfile):
    required = pins((PROJECT_ROOT / "requirements.txt").read_text())
    torch_run = next(r for r in instructions(dockerfile, "RUN") if "torch==" in r)
    assert f"--index-url {CPU_INDEX}" in torch_run
    installed = pins(torch_run)
    assert installed["torch"] == required["torch"] and installed["torchvision"] == required["torchvision"]


def test_other_requirements_installed_without_the_cuda_torch(dockerfile):
    torch_run = next(r for r in instructions(dockerfile, "RUN") if "torch==" in r)
    # The rest comes from requirements.txt itself (its pins rule), filtered by grep -vE.
    match = re.search(r"grep -vE '([^']+)' requirements.txt > (\S+)", torch_run)
    assert match and f"pip install -r {match.group(2)}" in torch_run
    assert "pip install -r requirements.txt" not in torch_run
    lines = (PROJECT_ROOT / "requirements.txt").read_text().splitlines()
    kept = pins("\n".join(line for line in lines if not re.search(match.group(1), line)))
    required = pins("\n".join(lines))
    assert kept == {name: v for name, v in required.items() if name not in ("torch", "torchvision")}


def test_runs_as_non_root_with_agg_volumes_and_menu_cmd(dockerfile):
    users = instructions(dockerfile, "USER")
    assert users and users[-1] not in ("root", "0")
    assert dockerfile.envs["MPLBACKEND"] == "Agg"
    assert dockerfile.envs["PYTHONUNBUFFERED"] == "1"
    assert instructions(dockerfile, "WORKDIR") == ["/app"]
    volumes = [v for value in instructions(dockerfile, "VOLUME") for v in json.loads(value)]
    assert set(volumes) == {"/app/menu_data", "/app/outputs"}
    assert json.loads(dockerfile.cmd) == ["python", "number_detector.py"]


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
