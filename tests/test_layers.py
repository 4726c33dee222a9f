"""The scraper's layers (scrapers/__init__.py): imports go downwards only, no import cycle, no
import of a scrapers module hidden inside a function (but the CLI's listed lazy ones), no module
over 450 lines, and every layer listed is a real folder or module."""
from __future__ import annotations

import ast
from pathlib import Path

import scrapers

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scrapers"
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _target(name: str) -> str | None:
    """The scrapers module an import names (`scrapers.store` + `tableset` -> scrapers.store.tableset)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(source: str) -> list[tuple[str, bool]]:
    """(scrapers module imported, inside a function?) for every import in `source`."""
    tree = ast.parse(source)
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                names = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                names = [f"{child.module}.{a.name}" for a in child.names]
            else:
                names = []
            for name in names:
                if name == "scrapers" or name.startswith("scrapers."):
                    target = _target(name)
                    if target and target != "scrapers":
                        found.append((target, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def _layer(module: str) -> int:
    best, rank = -1, -1
    for index, (_name, prefixes) in enumerate(scrapers.LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


GRAPH = {module: _imports(path.read_text(encoding="utf-8")) for module, path in MODULES.items()}


def test_every_listed_layer_module_exists():
    for _name, prefixes in scrapers.LAYERS:
        for prefix in prefixes:
            assert prefix in MODULES, f"scrapers.LAYERS names {prefix}, which is not a module or folder"


def test_imports_go_down_the_layers_only():
    wrong = []
    for module, imports in GRAPH.items():
        for target, _inside in imports:
            if _layer(target) > _layer(module):
                wrong.append(f"{module} ({scrapers.LAYERS[_layer(module)][0]}) imports {target} "
                             f"({scrapers.LAYERS[_layer(target)][0]})")
    assert not wrong, "\n".join(wrong)


def test_no_scrapers_import_hides_inside_a_function():
    hidden = sorted({(module, target) for module, imports in GRAPH.items() for target, inside in imports if inside}
                    - scrapers.LAZY_IMPORTS)
    assert not hidden, f"imports inside functions (move them to the top, or break the cycle they hide): {hidden}"


def test_no_import_cycle():
    edges = {module: {target for target, _ in imports if target != module} for module, imports in GRAPH.items()}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            walk(module, [module])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_module_is_over_450_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them, one job each): {long}"


def test_the_checks_see_what_they_forbid():
    source = ("from scrapers.store import tableset\nimport scrapers.web.http\n"
              "def f():\n    from scrapers.countries import get_country\n    return get_country\n")
    assert _imports(source) == [("scrapers.store.tableset", False), ("scrapers.web.http", False),
                                ("scrapers.countries", True)]
    assert _layer("scrapers.parse.page") < _layer("scrapers.web.discover") < _layer("scrapers.store.cache")
    assert _layer("scrapers.parse.text") < _layer("scrapers.countries") < _layer("scrapers.parse.tiers")
    assert _layer("scrapers.cli") == len(scrapers.LAYERS) - 1
