"""Small rooms: no module in qa/, vectorstore/ or web/ over 500 lines, no function over 60.

The one exception is the Gradio layout function (``web/layout.py``), whose nesting of
blocks makes a longer function natural.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("qa", "vectorstore", "web")
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 60
EXEMPT_FUNCTIONS = {("web/layout.py", "build")}


def long_files(root: Path, limit: int = MAX_FILE_LINES) -> dict[str, int]:
    """Python files under ``root`` with more than ``limit`` lines."""
    out: dict[str, int] = {}
    for p in sorted(root.rglob("*.py")):
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out[str(p)] = n
    return out


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> dict[str, int]:
    """Functions (and methods) in ``path`` longer than ``limit`` lines, decorators excluded."""
    out: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = (node.end_lineno or node.lineno) - node.lineno + 1
            if n > limit:
                out[node.name] = n
    return out


def test_no_module_over_500_lines():
    found = {f: n for pkg in PACKAGES for f, n in long_files(ROOT / pkg).items()}
    assert found == {}


def test_no_function_over_60_lines():
    found = {}
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*.py")):
            rel = str(p.relative_to(ROOT))
            for name, n in long_functions(p).items():
                if (rel, name) not in EXEMPT_FUNCTIONS:
                    found[f"{rel}:{name}"] = n
    assert found == {}


def test_the_measures_catch_a_long_file_and_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    f = tmp_path / "m.py"
    f.write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n")
    assert long_functions(f) == {"long": 61}
    assert long_files(tmp_path, limit=60) == {str(f): 65}
    assert long_files(tmp_path) == {}
