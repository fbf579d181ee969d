"""The house's shape: web/UI → qa → vectorstore → libraries, never back, and no import circles.

Also: chromadb only in ``vectorstore/store/``, SQLAlchemy/Alembic/psycopg only in
``vectorstore/catalog/``, gradio only in the web wing, LangChain only in
``qa/``. Lazy imports inside functions count like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("qa", "vectorstore", "web")
LANGCHAIN = {"langchain", "langchain_core", "langchain_classic", "langchain_openai",
             "langchain_ollama"}


def module_name(path: Path, root: Path = ROOT) -> str:
    """``qa/text/dates.py`` → ``qa.text.dates``; a package's ``__init__.py`` → the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Full dotted names of the modules ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # ``from pkg import module``
    return names


def imported_modules(path: Path) -> set[str]:
    """Top-level names of everything ``path`` imports."""
    return {n.split(".")[0] for n in imports_of(path)}


def sources(package: str, root: Path = ROOT) -> list[Path]:
    return sorted((root / package).rglob("*.py"))


def package_imports(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): imported_modules(p) for p in sources(package)}


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module → the project modules it imports (``import a.b`` also imports package ``a``)."""
    files = [p for pkg in packages for p in sources(pkg, root)]
    if (root / "app.py").exists():
        files.append(root / "app.py")
    mods = {module_name(p, root): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        deps = {d for d in imports_of(path, root) if d in mods and d != name}
        graph[name] = deps
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles_anywhere():
    assert find_cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_planted_circle(tmp_path):
    pkg = tmp_path / "qa"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from qa.b import x\n")
    (pkg / "b.py").write_text("def f():\n    from qa import c\n")
    (pkg / "c.py").write_text("import qa.a\n")
    (pkg / "d.py").write_text("import qa.a\n")
    graph = import_graph(tmp_path, ("qa",))
    assert find_cycles(graph) == [["qa.a", "qa.b", "qa.c"]]


def test_vectorstore_never_imports_qa_web_app_gradio_or_langchain():
    banned = {"qa", "web", "app", "gradio"} | LANGCHAIN
    bad = {f: mods & banned for f, mods in package_imports("vectorstore").items()}
    assert not {f: m for f, m in bad.items() if m}


def test_qa_never_imports_the_web_wing_or_chromadb():
    bad = {f: mods & {"web", "app", "gradio", "chromadb"}
           for f, mods in package_imports("qa").items()}
    assert not {f: m for f, m in bad.items() if m}


def test_the_web_wing_goes_through_qa_only():
    banned = {"vectorstore", "chromadb", "app"} | LANGCHAIN
    files = {**package_imports("web"), "app.py": imported_modules(ROOT / "app.py")}
    bad = {f: mods & banned for f, mods in files.items()}
    assert not {f: m for f, m in bad.items() if m}
    assert package_imports("web"), "the web wing is missing"


def test_chromadb_is_imported_only_by_the_store_package():
    users = {f for pkg in PACKAGES for f, mods in package_imports(pkg).items()
             if "chromadb" in mods}
    assert users and all(f.startswith("vectorstore/store/") for f in users), users


def test_sql_libraries_are_imported_only_by_the_catalog_package():
    sql = {"sqlalchemy", "alembic", "psycopg"}
    users = {f for pkg in PACKAGES for f, mods in package_imports(pkg).items() if mods & sql}
    assert users and all(f.startswith("vectorstore/catalog/") for f in users), users


def test_gradio_lives_only_in_the_web_wing():
    users = {f for pkg in PACKAGES for f, mods in package_imports(pkg).items() if "gradio" in mods}
    assert users and all(f.startswith("web/") for f in users), users


def test_langchain_lives_only_in_qa():
    users = {f for pkg in PACKAGES for f, mods in package_imports(pkg).items() if mods & LANGCHAIN}
    users |= {"app.py"} if imported_modules(ROOT / "app.py") & LANGCHAIN else set()
    assert users and all(f.startswith("qa/") for f in users), users


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    pkg = tmp_path / "qa" / "text"
    pkg.mkdir(parents=True)
    f = pkg / "m.py"
    f.write_text("def f():\n    import chromadb\n    from qa.desk import NewsDesk\n"
                 "from . import dates\nfrom ..types import Answer\n")
    names = imports_of(f, tmp_path)
    assert {"chromadb", "qa.desk", "qa.text.dates", "qa.types", "qa.types.Answer"} <= names
