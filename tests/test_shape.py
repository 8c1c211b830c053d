"""The code's shape, checked: the floors import only downward, modules and functions stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

PACKAGES = ("assistant", "index", "evals", "bench", "app")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40
# (package, packages it must never import): index/ is the ground floor; assistant/ sits below evals/
# and the UI.
FORBIDDEN = {
    "index": ("assistant", "evals", "app", "bench", "streamlit_app"),
    "assistant": ("evals", "app", "bench", "streamlit_app"),
}
LONG_OK = "# long:"  # a comment that says why a function or module may be longer


def _modules() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((PROJECT_ROOT / pkg).rglob("*.py"))]
    return [*files, PROJECT_ROOT / "streamlit_app.py"]


def _imports(tree: ast.AST) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_run_downward_only(package: str) -> None:
    wrong = [
        f"{path.relative_to(PROJECT_ROOT)} imports {name}"
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        for name in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if name in FORBIDDEN[package]
    ]
    assert not wrong, wrong


def test_modules_and_functions_are_small() -> None:
    too_long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        rel = path.relative_to(PROJECT_ROOT)
        if len(lines) > MAX_MODULE_LINES and LONG_OK not in "\n".join(lines[:15]):
            too_long.append(f"{rel}: {len(lines)} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                head = "\n".join(lines[max(0, node.lineno - 2) : node.lineno + 2])
                if size > MAX_FUNCTION_LINES and LONG_OK not in head:
                    too_long.append(f"{rel}:{node.lineno} {node.name}() {size} lines")
    assert not too_long, "\n".join(too_long)


def test_no_module_reads_the_environment_but_settings_and_offline_set_up() -> None:
    """bench/ is left out: it starts servers and workers and hands them a changed copy of the
    environment."""
    allowed = {PROJECT_ROOT / "assistant" / "settings.py", PROJECT_ROOT / "index" / "offline.py"}
    readers = [
        str(p.relative_to(PROJECT_ROOT))
        for p in _modules()
        if p not in allowed
        and p.parts[-2] != "bench"
        and "os.environ" in p.read_text(encoding="utf-8")
    ]
    assert not readers, readers
