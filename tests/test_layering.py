"""The packages are layered: no import cycle, counting imports inside functions and type-only
imports, and nn reaches autograd only through public names."""

from __future__ import annotations

import ast
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import anywhere in the file."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = node.module or ""
            if node.level:
                target = f"{base}.{target}" if target else base
            found.append((target, [alias.name for alias in node.names]))
    return found


def project_graph() -> tuple[dict[str, set[str]], dict[str, list[tuple[str, list[str]]]]]:
    files = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).glob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in files}
    raw: dict[str, list[tuple[str, list[str]]]] = {}
    for name, path in files.items():
        raw[name] = imports_of(path)
        for target, names in raw[name]:
            # `from . import ops` imports the module autograd.ops; `from autograd import Value`
            # the package, whose __init__ imports the rest
            modules = {f"{target}.{n}" for n in names} & files.keys() or {target}
            edges[name] |= (modules & files.keys()) - {name}
    return edges, raw


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        if state.get(start):
            continue
        path = [start]
        stack = [iter(sorted(edges[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges[nxt])))
    return None


def test_no_import_cycles() -> None:
    edges, _ = project_graph()
    cycle = find_cycle(edges)
    assert cycle is None, " → ".join(cycle or [])


def test_the_cycle_finder_finds_cycles() -> None:  # so that the test above can fail
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_nn_uses_only_public_names_of_autograd() -> None:
    _, raw = project_graph()
    for module, found in raw.items():
        if not module.startswith("nn"):
            continue
        for target, names in found:
            if target.startswith("autograd"):
                private = [n for n in [*target.split("."), *names] if n.startswith("_")]
                assert not private, f"{module} imports {private} from {target}"


def test_every_public_name_is_there_and_star_imports_give_exactly_them():
    # __all__ is the public API: `from autograd import *` must give each name it lists, itself
    import importlib

    files = [p for pkg in PACKAGES for p in (ROOT / pkg).glob("*.py") if p.stem != "__main__"]
    for path in files:
        name = module_name(path)
        module = importlib.import_module(name)
        if "__all__" not in vars(module):
            continue  # a module that declares no public API of its own
        public = module.__all__
        assert isinstance(public, list) and len(set(public)) == len(public), name
        space: dict[str, object] = {}
        exec(f"from {name} import *", space)
        space.pop("__builtins__")
        assert sorted(space) == sorted(public), name
        assert all(space[k] is getattr(module, k) for k in public), name
        # a submodule (autograd.value, autograd.compiled) is no public name, its contents are
        assert not [k for k in public if isinstance(space[k], types.ModuleType)], name
