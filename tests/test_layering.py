"""The import graph keeps the house's rules: the library never reaches into the app or training.

Read from the source with ``ast`` (nothing is imported), counting imports inside functions too:

- ``detector/`` outside ``detector/app/`` never imports ``detector.app``; outside ``detector/``
  only the entry point, the tests and the benchmarks (which time the app) may;
- nothing in ``detector/`` imports ``training``;
- ``detector/`` outside ``app/`` imports no terminal library (questionary, rich, prompt_toolkit)
  when it is imported: the library returns values and the app prints them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from detector.paths import PROJECT_ROOT

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
