"""The import graph keeps the house's rules: the library never reaches into the app or training.

Read from the source with ``ast`` (nothing is imported), counting imports inside functions too:

- ``detector/`` outside ``detector/app/`` never imports ``detector.app``; outside ``detector/``
  only the entry point, the tests and the benchmarks (which time the app) may;
- nothing in ``detector/`` imports ``training``;
- ``detector/`` outside ``app/`` imports no terminal library (questionary, rich, prompt_toolkit)
  when it is imported: the library returns values and the app prints them.

And at run time, in a fresh interpreter: the menu, the draw pad and a full ``predict`` run on
onnxruntime and never import torch.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from detector.paths import PROJECT_ROOT
from tests.helpers import blobs_picture, digit_picture, pixel_csv

TERMINAL = ("questionary", "rich", "prompt_toolkit")
MAY_IMPORT_APP = ("number_detector", "tests.", "training.bench.")  # the entry point, tests, benchmarks


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    """``detector/segment/__init__.py`` -> ``detector.segment``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool = False) -> Iterator[tuple[str, bool]]:
    """Yield (imported module, at module top) for every import in ``source``.

    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a submodule); relative imports
    are resolved against ``module``. Imports in class bodies run on import, so they count as
    top level; imports in functions do not.
    """
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, top: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.Import):
            yield from ((alias.name, top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base, top
            yield from ((f"{base}.{alias.name}", top) for alias in node.names)
        inner = top and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, inner)

    yield from visit(ast.parse(source), True)


def project_imports() -> list[tuple[str, str, bool]]:
    """(importing module, imported module, at top) for every .py file of the project."""
    found = []
    for path in sorted(PROJECT_ROOT.rglob("*.py")):
        rel = path.relative_to(PROJECT_ROOT).parts
        if rel[0].startswith(".") or rel[0] in ("outputs", "build"):
            continue
        name = module_name(path)
        for target, top in imports(path.read_text(encoding="utf-8"), name, path.name == "__init__.py"):
            found.append((name, target, top))
    return found


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.fixture(scope="module")
def graph() -> list[tuple[str, str, bool]]:
    edges = project_imports()
    assert any(src == "detector.segment" for src, _, _ in edges)  # the walk reached the packages
    return edges


def test_only_the_app_its_entry_point_tests_and_benchmarks_import_the_app(graph):
    bad = [
        (src, dst)
        for src, dst, _ in graph
        if within(dst, "detector.app") and not within(src, "detector.app") and not src.startswith(MAY_IMPORT_APP)
    ]
    assert bad == []


def test_the_library_never_imports_training(graph):
    assert [(src, dst) for src, dst, _ in graph if within(src, "detector") and within(dst, "training")] == []


def test_the_library_imports_no_terminal_library_on_import(graph):
    bad = [
        (src, dst)
        for src, dst, top in graph
        if top and within(src, "detector") and not within(src, "detector.app") and dst.startswith(TERMINAL)
    ]
    assert bad == []


def test_imports_are_found_in_functions_and_relative_forms():
    source = (
        "import rich.console\n"
        "from . import blobs\n"
        "from ..app import cli\n"
        "class A:\n    import questionary\n"
        "def f():\n    from training.train import run\n"
    )
    got = set(imports(source, "detector.segment", is_package=True))
    assert ("rich.console", True) in got and ("detector.segment.blobs", True) in got
    assert ("detector.app.cli", True) in got and ("questionary", True) in got
    assert ("training.train", False) in got and ("training.train.run", False) in got
    assert module_name(PROJECT_ROOT / "detector" / "segment" / "__init__.py") == "detector.segment"


def modules_after(code: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return set(proc.stdout.split())


def test_menu_and_cli_imports_leave_torch_out():
    loaded = modules_after("import detector.app.menu, detector.app.cli")
    assert "detector.app.menu" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "torchvision")}


def test_a_full_predict_runs_without_torch(tmp_path, tiny_model):
    """Pictures small and large and a CSV, through the real entry point: torch is never imported."""
    png, photo = tmp_path / "digit.png", tmp_path / "photo.png"
    Image.fromarray(digit_picture()).save(png)
    Image.fromarray(blobs_picture()).save(photo)
    csv = pixel_csv(tmp_path / "rows.csv", np.stack([digit_picture()] * 3), [7, 7, 7])
    loaded = modules_after(
        "from detector.app.cli import main\n"
        f"assert main(['predict', '--json', '--model', {str(tiny_model)!r}, {str(tmp_path)!r}]) == 0"
    )
    assert "onnxruntime" in loaded and "detector.predict" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "torchvision", "onnx", "training")}
    assert csv.exists() and png.exists()


def test_the_menus_recognition_paths_run_without_torch(tmp_path, tiny_model, menu_dir):
    """What the menu, the draw pad and "Recognize everything" call: the loader's Predictor."""
    loaded = modules_after(
        "import numpy as np\n"
        "from detector.app.loader import ModelLoader\n"
        f"p = ModelLoader({str(tiny_model)!r}).get()\n"
        f"assert all(r.error is None for r in p.read_inputs([{str(menu_dir)!r}]))\n"
        "p.read_array(np.zeros((200, 200), np.uint8))"
    )
    assert "onnxruntime" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "torchvision", "onnx")}
