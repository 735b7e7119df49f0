"""Layers point one way: a module imports only from the layers below its own.

The imports are read from the source (every `import`, including those inside functions and
under TYPE_CHECKING), so a lazy import cannot hide a dependency that points up.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xlcompare"

# Lowest first. A module may import its own package and any package of a lower rank; packages
# of one rank do not import each other.
RANKS = {
    # Leaves that lang uses: settings reads environment variables (lang keeps its name tables
    # in the cache folder it names), whole_file writes one file whole.
    "settings": -1, "whole_file": -1,
    "version": 0, "errors": 0, "views": 0, "lang": 0, "locks": 0, "allocator": 0,
    "batching": 1, "ct2": 1,
    "article": 2,
    "segments": 3,
    # Above segments: a signature names the splitter that made the segments.
    "signature": 3.5,
    "translation": 4, "alignment": 4,
    "evaluation": 5, "comparison": 5,
    "report": 6,
    "notebook": 7,
    "corpus": 8,
    "api": 9,
    "cli": 10, "__init__": 10, "launch": 10.5, "__main__": 11,
}
# Data models: plain dataclasses that every layer passes around. They import other models and
# the neutral base, never the code that computes, renders or tabulates them.
MODELS = {
    "xlcompare.article.model", "xlcompare.segments.model", "xlcompare.translation.model",
    "xlcompare.alignment.model", "xlcompare.comparison.model",
}
MODEL_MAY_IMPORT = MODELS | {"xlcompare.lang.languages", "xlcompare.views", "xlcompare.version",
                             "xlcompare.errors"}


def _exists(module: str) -> bool:
    base = PACKAGE.parent / module.replace(".", "/")
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def imports_of(source: str) -> set[str]:
    """The xlcompare modules `source` imports, anywhere in it; a name imported from a package
    counts as its module when it is one (`from xlcompare import api` is xlcompare.api)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "xlcompare"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "xlcompare":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if _exists(sub) else node.module)
    return found


@cache
def import_graph() -> dict[str, set[str]]:
    """xlcompare module -> the xlcompare modules it imports (a package means its __init__)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[name] = imports_of(path.read_text(encoding="utf-8")) - {name}
    return graph


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if layer(target) != layer(module)
        and RANKS.get(layer(target), 99) >= RANKS.get(layer(module), -1)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules (packages' __init__ re-exports left out: an edge into a
    package is an edge to its public face, not to the module that re-exports)."""
    modules = {m for m in graph if (PACKAGE.parent / m.replace(".", "/")).with_suffix(".py").exists()}
    edges = {m: graph[m] & modules for m in modules}
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    return found


def test_every_package_has_a_layer() -> None:
    missing = sorted({layer(m) for m in import_graph()} - set(RANKS))
    assert not missing, f"add {missing} to RANKS in tests/test_layers.py, where they belong"


def test_imports_point_down() -> None:
    assert not upward_imports(import_graph()), "\n".join(upward_imports(import_graph()))


@pytest.mark.parametrize("model", sorted(MODELS))
def test_data_models_import_no_code_above_them(model: str) -> None:
    assert import_graph()[model] <= MODEL_MAY_IMPORT, import_graph()[model] - MODEL_MAY_IMPORT


def test_translation_engines_do_not_import_each_other() -> None:
    engines = {m for m in import_graph() if m.endswith("_engine")}
    assert len(engines) >= 2
    for engine in engines:
        assert not import_graph()[engine] & engines, engine


def test_no_import_cycles() -> None:
    """article.boilerplate and article.metadata imported each other once."""
    assert not cycles(import_graph()), "\n".join(" -> ".join(c) for c in cycles(import_graph()))


def test_the_checks_see_lazy_and_type_only_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from xlcompare import api\n"
        "if TYPE_CHECKING:\n    import xlcompare.report.html_common\n"
        "def f():\n    from xlcompare.notebook.dataframes import segments_dataframe\n"
    )
    assert imports_of(source) == {
        "xlcompare.api", "xlcompare.report.html_common", "xlcompare.notebook.dataframes"
    }
    graph = {
        "xlcompare.translation.model": {"xlcompare.notebook.dataframes", "xlcompare.article.model"},
        "xlcompare.article.boilerplate": {"xlcompare.article.metadata"},
        "xlcompare.article.metadata": {"xlcompare.article.boilerplate"},
    }
    assert upward_imports(graph) == [
        "xlcompare.translation.model imports xlcompare.notebook.dataframes"
    ]
    assert cycles(graph) == [
        ["xlcompare.article.boilerplate", "xlcompare.article.metadata", "xlcompare.article.boilerplate"]
    ]
