"""Dependency direction: app.py → qa → vectorstore → chromadb / sentence-transformers, never back."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Top-level module names imported anywhere in ``path`` (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def package_imports(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): imported_modules(p) for p in (ROOT / package).rglob("*.py")}


def test_vectorstore_never_imports_qa_app_gradio_or_langchain():
    bad = {f: mods & {"qa", "app", "gradio", "langchain", "langchain_core", "langchain_classic"}
           for f, mods in package_imports("vectorstore").items()}
    assert not {f: m for f, m in bad.items() if m}


def test_qa_never_imports_the_ui_or_chromadb():
    bad = {f: mods & {"app", "gradio", "chromadb"} for f, mods in package_imports("qa").items()}
    assert not {f: m for f, m in bad.items() if m}


def test_chromadb_is_imported_only_by_the_store():
    users = {f for pkg in ("qa", "vectorstore") for f, mods in package_imports(pkg).items()
             if "chromadb" in mods}
    assert users == {"vectorstore/store.py"}


def test_gradio_lives_only_in_app():
    users = {f for pkg in ("qa", "vectorstore") for f, mods in package_imports(pkg).items()
             if "gradio" in mods}
    assert users == set()
    assert "gradio" in imported_modules(ROOT / "app.py")


def test_the_checker_sees_lazy_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def f():\n    import chromadb\n    from qa.desk import NewsDesk\n")
    assert {"chromadb", "qa"} <= imported_modules(f)
