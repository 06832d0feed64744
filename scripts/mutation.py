"""`make mutation`: mutation testing of autograd/ and nn/ against the fast tests (tests/).

Every mutant is made by mutmut's own mutation operators (flipped operators and comparisons,
changed numbers and strings, dropped arguments, lambdas returning None, ...), and is either
killed by the tests or listed here as a survivor. Three passes:

1. ``mutmut run``: the mutants inside functions and methods. mutmut copies the code to
   ``mutants/`` with every function behind a trampoline, and runs each mutant, with only the
   tests that were seen calling its function, in a process forked from a server that has
   collected the tests and run none (so no cache holds what the unmutated code computed).
2. Each survivor of mutmut runs again as a plain edit of a copy of the code, in a fresh
   process, against its module's test file and then all of tests/. mutmut's trampolines
   let some mutants pass that a plain edit does not: the code that runs while the packages
   are imported (Value's operator factories, the primitive declarations) ran in mutmut's
   server before any mutant was on, and a trampoline adds a frame (a warning's stacklevel).
3. A fresh process per mutant of the code mutmut 3 does not mutate: statements outside any
   function, that is module level and class bodies (the op table's rules, which are lambdas
   at module level; the class attributes that make Value's operators; constants), and the
   bodies of decorated functions (properties and their setters, context managers), which
   its trampolines cannot wrap. They are made by the same operators from the same parse and
   run against all of tests/. Type aliases and TypeVars that only annotations use, and
   overload stubs, are left out, as mutmut leaves annotations out.

A mutant whose only change is the wording of an error or warning message (a string literal in
the message of an exception or warning class's constructor, or of ``warnings.warn``) is counted
apart: the tests check messages by key words, so wording can change freely. Mutants listed in
``tests/mutation-equivalents.txt`` (each with the reason it cannot change behaviour) are counted
apart too. The score is killed / the rest, per file and per package; the exit status is 1 when
a package is below its target.

A run goes on where the last one stopped (Ctrl-C loses nothing): a kill stands while the code
it was made from is unchanged (for mutmut, the mutated function; for passes 2 and 3, which keep
their verdicts in mutants/fresh-verdicts.json, the mutated file); a survival stands while the
code and tests/ are unchanged. Within a mutant's tests, those of its own module's test file run
first (scripts/mutmut_run.py). After weakening or removing tests, --fresh starts over.

Usage: python scripts/mutation.py [--jobs 2] [--fresh] [--only FILE ...]
       python scripts/mutation.py --report [--only FILE ...]   (runs nothing)
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider
from mutmut.mutation.file_mutation import MutationVisitor, deep_replace
from mutmut.mutation.mutators import mutation_operators
from mutmut.mutation.pragma_handling import get_ignored_lines
from mutmut.mutation.trampoline_templates import mangle_function_name
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"autograd": 0.98, "nn": 0.95}  # package → the share of mutants to kill
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.txt"
COPIED = ["autograd", "nn", "tests", "notebooks", "scripts", "docs", "README.md", "pyproject.toml"]
PYTEST = ["-x", "-q", "--tb=no", "-p", "no:cacheprovider", "-o", "addopts=-q"]
MESSAGE_CALLS = ("Error", "Exception", "Warning")  # names of the classes whose first argument
# is a message; and warnings.warn (below)


@dataclass
class Mutant:
    """One mutation of one source file."""

    name: str  # mutmut's name (pass 1, 2), or path:line:k (pass 3)
    path: str  # e.g. autograd/ops.py
    line: int
    before: str  # the first line the mutation changes, as it was
    after: str  # and as it is in the mutant
    in_function: bool  # mutmut mutates it (else pass 3 does)
    message: bool  # only the wording of an error or warning message changes
    source: str = ""  # passes 2 and 3: the whole mutated file
    status: str = "not checked"
    checked_by: str = ""
    equivalent: str = ""  # why, from the equivalents file
    public_names: bool = False  # a change of __all__

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.before, self.after)


# -- making the mutants (mutmut's operators, mutmut's names) -------------------------------------


def module_name(path: str) -> str:
    name = path[: -len(".py")].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def type_only_names(paths: list[str]) -> set[str]:
    """Names of module-level type aliases and TypeVars (``Number = int | float``) that the code
    uses only in annotations: no run of the code reads them, as no run reads an annotation
    (which mutmut never mutates either), so pass 3 makes no mutant of their statements."""
    trees = [ast.parse((ROOT / p).read_text(encoding="utf-8")) for p in paths]
    candidates: dict[str, list[ast.Assign]] = {}
    for tree in trees:
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and _is_type_expression(node.value)
            ):
                candidates.setdefault(node.targets[0].id, []).append(node)
    used: set[str] = set()
    for tree in trees:
        skip = {id(node) for nodes in candidates.values() for node in nodes}
        for node in _runtime_nodes(tree, skip):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in candidates
            ):
                used.add(node.id)
    return set(candidates) - used


def _is_type_expression(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "TypeVar"
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.BitOr) and all(
            _is_type_expression(n) for n in (node.left, node.right)
        )
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name)


def _runtime_nodes(tree: ast.AST, skip: set[int]) -> Iterator[ast.AST]:
    """Every node that a run evaluates: not annotations, not the type aliases' own values."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if id(node) in skip:
            continue
        yield node
        for name, child in ast.iter_fields(node):
            if name in ("annotation", "returns"):
                continue
            children = child if isinstance(child, list) else [child]
            stack.extend(c for c in children if isinstance(c, ast.AST))


TYPE_ONLY: set[str] = set()


class _Visitor(MutationVisitor):
    """mutmut's visitor, but entering decorated functions (properties, setters, context
    managers), which mutmut skips because its trampolines cannot wrap them; pass 3 mutates
    them in place. Overload stubs stay out: only the type checker reads them."""

    def _skip_node_and_children(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.FunctionDef) and _decorated(node):
            if "overload" in _decorator_names(node):
                return True
            position = self.get_metadata(PositionProvider, node, None)
            return bool(position and position.start.line in self._ignored_node_lines)
        return bool(super()._skip_node_and_children(node))


def _decorator_names(node: cst.FunctionDef) -> list[str]:
    names = []
    for decorator in node.decorators:
        d = decorator.decorator
        d = d.func if isinstance(d, cst.Call) else d
        names.append(d.attr.value if isinstance(d, cst.Attribute) else getattr(d, "value", ""))
    return names


def _decorated(node: cst.FunctionDef) -> bool:
    """Decorated as mutmut will not mutate: anything but a lone staticmethod or classmethod."""
    names = _decorator_names(node)
    return bool(names) and names not in (["staticmethod"], ["classmethod"])


def mutants_of(path: str, sources: Container[str] = ()) -> Iterator[Mutant]:
    """Every mutant mutmut's operators make of ``path``, named as mutmut names them; each
    outside functions, and each named in ``sources``, with the whole mutated file."""
    code = (ROOT / path).read_text(encoding="utf-8")
    wrapper = MetadataWrapper(cst.parse_module(code))
    visitor = _Visitor(mutation_operators, get_ignored_lines(path, code, wrapper, None))
    wrapper.visit(visitor)
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)
    module = wrapper.module
    counts: dict[str, int] = {}
    outside = 0
    for mutation in visitor.mutations:
        node, new = mutation.original_node, mutation.mutated_node
        line = positions[node].start.line
        container = mutation.contained_by_top_level_function
        statement = _statement(node, parents)
        before, after = _changed_line(module, statement, node, new)
        if len(before) < SHORT:  # "continue": say where, so that the line names one mutant
            header = _header(module, statement, parents)
            before, after = f"{header} {before}".strip(), f"{header} {after}".strip()
        message = _is_message(node, new, parents)
        if isinstance(container, cst.FunctionDef) and not _decorated(container):
            block = parents[container]
            owner = parents.get(block)
            cls = owner.name.value if isinstance(owner, cst.ClassDef) else None
            mangled = mangle_function_name(name=container.name.value, class_name=cls)
            counts[mangled] = counts.get(mangled, 0) + 1
            name = f"{module_name(path)}.{mangled}__mutmut_{counts[mangled]}"
            source = _mutated(module, node, new) if name in sources else ""
            yield Mutant(name, path, line, before, after, True, message, source)
        else:
            target = _assigned_name(_top_statement(statement, parents))
            if target in TYPE_ONLY:
                continue
            outside += 1
            name = f"{path}:{line}:{outside}"
            mutant = Mutant(name, path, line, before, after, False, message)
            mutant.source = _mutated(module, node, new)
            mutant.public_names = target == "__all__"
            yield mutant


def _mutated(module: cst.Module, node: cst.CSTNode, new: cst.CSTNode) -> str:
    mutated = deep_replace(module, node, new)
    assert isinstance(mutated, cst.Module)
    return mutated.code


def with_sources(mutants: list[Mutant]) -> None:
    """Give mutants inside functions their whole mutated file (made again, for these only)."""
    names = {m.name for m in mutants}
    made = {
        m.name: m for path in sorted({m.path for m in mutants}) for m in mutants_of(path, names)
    }
    for m in mutants:
        m.source = made[m.name].source


def _top_statement(statement: cst.CSTNode, parents: dict[cst.CSTNode, cst.CSTNode]) -> cst.CSTNode:
    """The outermost statement around ``statement`` below the module or a class body."""
    node = statement
    while True:
        parent = parents.get(node)
        if parent is None or isinstance(parent, cst.Module):
            return node
        if isinstance(parent, cst.IndentedBlock) and isinstance(parents.get(parent), cst.ClassDef):
            return node
        node = parent


def _assigned_name(statement: cst.CSTNode) -> str:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        assign = statement.body[0]
        if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
            target = assign.targets[0].target
            if isinstance(target, cst.Name):
                return target.value
    return ""


def _statement(node: cst.CSTNode, parents: dict[cst.CSTNode, cst.CSTNode]) -> cst.CSTNode:
    while not isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        if node not in parents:
            raise ValueError(f"not in a statement: {type(node).__name__}")
        node = parents[node]
    return node


SHORT = 16  # a changed line shorter than this is shown after the line that opens its block


def _header(
    module: cst.Module, statement: cst.CSTNode, parents: dict[cst.CSTNode, cst.CSTNode]
) -> str:
    """The first line of the compound statement (if, for, def, ...) around ``statement``."""
    node = parents.get(statement)
    while node is not None and not isinstance(node, cst.BaseCompoundStatement):
        node = parents.get(node)
    if node is None:
        return ""
    return module.code_for_node(node).strip().splitlines()[0].strip()


def _changed_line(
    module: cst.Module, statement: cst.CSTNode, node: cst.CSTNode, new: cst.CSTNode
) -> tuple[str, str]:
    old_text = module.code_for_node(statement).splitlines()
    new_statement = deep_replace(statement, node, new)
    assert isinstance(new_statement, cst.CSTNode)
    new_text = module.code_for_node(new_statement).splitlines()
    matcher = difflib.SequenceMatcher(a=old_text, b=new_text, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before = " ".join(s.strip() for s in old_text[i1:i2]) or "(nothing)"
            after = " ".join(s.strip() for s in new_text[j1:j2]) or "(deleted)"
            return before, after
    return old_text[0].strip(), new_text[0].strip()


def _is_message(
    node: cst.CSTNode, new: cst.CSTNode, parents: dict[cst.CSTNode, cst.CSTNode]
) -> bool:
    """Whether the mutation only rewords a message: a string literal changed into another,
    inside a positional argument of ``SomethingError(...)``, ``SomethingWarning(...)`` or
    ``warnings.warn(...)``, reached through nothing but string-building (f-strings,
    concatenation, ``a if c else b``)."""
    if not (isinstance(node, cst.SimpleString) and isinstance(new, cst.SimpleString)):
        return False
    through = (
        cst.ConcatenatedString,
        cst.FormattedString,
        cst.FormattedStringExpression,
        cst.IfExp,
        cst.BinaryOperation,
    )
    child: cst.CSTNode = node
    parent = parents[child]
    while isinstance(parent, through):
        if isinstance(parent, cst.IfExp) and child is parent.test:
            return False
        child, parent = parent, parents[parent]
    if not isinstance(parent, cst.Arg) or parent.keyword is not None:
        return False
    call = parents[parent]
    if not isinstance(call, cst.Call):
        return False
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
    return isinstance(name, str) and (name.endswith(MESSAGE_CALLS) or name == "warn")


def number_repeats(mutants: list[Mutant]) -> None:
    """A change that reads the same at several places of a file gets ``[1]``, ``[2]``, … in
    file order, so that each line of the equivalents file names one mutant."""
    seen: dict[tuple[str, str, str], list[Mutant]] = {}
    for m in mutants:
        seen.setdefault(m.key, []).append(m)
    for same in seen.values():
        if len(same) > 1:
            for k, m in enumerate(same, 1):
                m.before, m.after = f"{m.before} [{k}]", f"{m.after} [{k}]"


# -- the equivalents file -------------------------------------------------------------------------


def read_equivalents() -> dict[tuple[str, str, str], str]:
    """``path: before  =>  after`` then an indented line saying why; # starts a comment."""
    entries: dict[tuple[str, str, str], str] = {}
    key: tuple[str, str, str] | None = None
    for number, raw in enumerate(EQUIVALENTS.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0].isspace():
            if key is None or entries.get(key):
                sys.exit(f"{EQUIVALENTS.name}:{number}: a reason must follow its mutant, once")
            entries[key] = raw.strip()
            continue
        path, sep, rest = raw.partition(": ")
        before, sep2, after = rest.partition("  =>  ")
        if not (sep and sep2):
            sys.exit(f"{EQUIVALENTS.name}:{number}: expected 'path: before  =>  after'")
        key = (path.strip(), before.strip(), after.strip())
        entries[key] = ""
    missing = [k for k, why in entries.items() if not why]
    if missing:
        sys.exit(f"{EQUIVALENTS.name}: no reason given for {missing[0]}")
    return entries


# -- running the tests ----------------------------------------------------------------------------


PUBLIC_NAMES_TEST = (
    "tests/test_layering.py::test_every_public_name_is_there_and_star_imports_give_exactly_them"
)


def own_tests(name: str) -> list[str]:
    """The test files named after the module of ``name`` (a module, or a mutant as mutmut
    names it: autograd.compiled.x_f__mutmut_3), its likely killers: for nn.losses
    tests/test_losses.py, tests/test_losses_*.py and tests/test_nn_losses.py."""
    if "." not in name:
        return []  # a package's __init__: nn would take every test_nn_*.py
    stem = name.split(".")[1]
    files = (f"test_{stem}.py", f"test_nn_{stem}.py")
    return sorted(
        f"tests/{p.name}"
        for p in (ROOT / "tests").glob("test_*.py")
        if p.name in files or p.name.startswith(f"test_{stem}_")
    )


def tests_first(m: Mutant) -> list[str]:
    """The tests that usually kill ``m`` soonest, run first and alone (pytest then collects
    only them): for a change of __all__ the test of the public names, else the mutated
    module's own test files (none for some). Only a mutant they miss gets all of tests/."""
    return [PUBLIC_NAMES_TEST] if m.public_names else own_tests(module_name(m.path))


ALL_TESTS = ["tests/"]


def warm_up() -> None:
    """Import pytest, its plugins and what the tests import from outside the project, once,
    here: every run forks from this process and imports only autograd, nn and the tests."""
    import pytest

    for name in ("numpy", "hypothesis", "graphviz", "tqdm", "xml.etree.ElementTree"):
        __import__(name)
    with tempfile.TemporaryDirectory() as empty, open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:  # loads every plugin, collects nothing
            pytest.main(
                ["--collect-only", "-q", "-p", "no:cacheprovider", "-o", "addopts=-q", empty]
            )
        finally:
            sys.stdout = stdout
    assert not any(m.split(".")[0] in PACKAGES for m in sys.modules), "imported too early"


@dataclass
class Job:
    """One run of the tests: in ``tree`` (on sys.path first), with ``source`` written to
    ``path`` in it."""

    tree: Path
    tests: list[str]
    source: str = ""  # written to tree/path for the run, then put back
    path: str = ""
    then: list[str] | None = None  # the tests to run next if these all pass


def _child(job: Job) -> None:
    """In the forked process: run the tests and exit with pytest's status."""
    import pytest

    try:
        # no .pyc, here or in the tests' subprocesses: a mutant of the same size written and
        # restored within one second would pass Python's (size, mtime) check, and a later job
        # would run its bytecode
        sys.dont_write_bytecode = True
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        os.chdir(job.tree)
        sys.path.insert(0, str(job.tree))
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        code = pytest.main([*PYTEST, "--rootdir=.", *job.tests])
        os._exit(int(code))
    except BaseException:
        os._exit(99)


def run_jobs(
    jobs: list[Job],
    workers: int,
    timeout: float,
    what: str,
    on_done: Callable[[int, str], None] | None = None,
) -> list[str]:
    """'killed', 'survived' or 'timeout' for each job, ``workers`` processes at a time, each
    forked from this one (which never imports autograd or nn, so each run imports them anew,
    mutated as the job says)."""
    results = [""] * len(jobs)
    waiting = list(range(len(jobs)))[::-1]
    running: dict[int, tuple[int, float, str]] = {}  # pid → (job, start, original source)
    busy: set[Path] = set()  # trees with a mutated file written in: one job each
    done = 0
    while waiting or running:
        while len(running) < workers:
            free = [k for k in waiting if jobs[k].tree not in busy]
            if not free:
                break
            k = free[-1]
            waiting.remove(k)
            job = jobs[k]
            original = ""
            if job.source:
                target = job.tree / job.path
                original = target.read_text(encoding="utf-8")
                target.write_text(job.source, encoding="utf-8")
            pid = os.fork()
            if pid == 0:
                _child(job)
            running[pid] = (k, time.monotonic(), original)
            if job.source:
                busy.add(job.tree)
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            for child, (_, started, _) in running.items():
                if time.monotonic() - started > timeout:
                    os.kill(child, signal.SIGKILL)
            time.sleep(0.02)
            continue
        k, started, original = running.pop(pid)
        job = jobs[k]
        busy.discard(job.tree)
        if job.source:
            (job.tree / job.path).write_text(original, encoding="utf-8")
        code = os.waitstatus_to_exitcode(status)
        if time.monotonic() - started > timeout:
            results[k] = "timeout"
        else:  # a failing test, an error importing or collecting, a crash: all noticed
            results[k] = "survived" if code == 0 else "killed"
        if results[k] == "survived" and job.then:  # passed the first tests: now all of them
            jobs[k] = replace(job, tests=job.then, then=None)
            waiting.append(k)
            continue
        done += 1
        if on_done is not None:
            on_done(k, results[k])
        if done % 25 == 0 or done == len(jobs):
            print(f"  {what}: {done}/{len(jobs)}", flush=True)
    return results


def copy_tree(into: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, into / name)


def run_edits(
    mutants: list[Mutant],
    workers: int,
    timeout: float,
    what: str,
    on_done: Callable[[Mutant], None],
) -> None:
    """Passes 2 and 3: each mutant written into a copy of the code of its own, its tests run
    in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        trees = []
        for k in range(workers):
            tree = Path(tmp) / f"tree{k}"
            tree.mkdir()
            copy_tree(tree)
            trees.append(tree)
        jobs = []
        for i, m in enumerate(mutants):
            first = tests_first(m)
            then = ALL_TESTS if first else None
            jobs.append(Job(trees[i % workers], first or ALL_TESTS, m.source, m.path, then))

        def done(k: int, status: str) -> None:
            mutants[k].status, mutants[k].checked_by = status, "fresh process"
            on_done(mutants[k])

        run_jobs(jobs, workers, timeout, what, done)


def report(mutants: list[Mutant], started: float) -> bool:
    files = sorted({m.path for m in mutants})
    width = max(len(f) for f in files) + 2
    header = (
        f"{'file':<{width}}{'mutants':>8}{'message':>9}{'equiv.':>8}{'behaviour':>11}"
        f"{'not run':>9}{'killed':>8}{'score':>9}"
    )
    print("\n" + header)
    ok = True
    for package, target in PACKAGES.items():
        rows = [f for f in files if f.startswith(package + "/")]
        for f in [*rows, None]:
            ms = [m for m in mutants if (m.path == f if f else m.path in rows)]
            message = [m for m in ms if m.message]
            equivalent = [m for m in ms if m.equivalent and not m.message]
            behaviour = [m for m in ms if not m.message and not m.equivalent]
            killed = [m for m in behaviour if m.status in KILLED]
            unrun = [m for m in behaviour if m.status in NOT_RUN]
            run = len(behaviour) - len(unrun)
            score = len(killed) / run if run else 1.0
            label = f if f else f"{package}/ (all)"
            line = (
                f"{label:<{width}}{len(ms):>8}{len(message):>9}{len(equivalent):>8}"
                f"{len(behaviour):>11}{len(unrun):>9}{len(killed):>8}{score:>9.1%}"
            )
            if f is None:
                verdict = "ok" if score >= target else "BELOW TARGET"
                if unrun:
                    verdict = f"INCOMPLETE ({len(unrun)} not run), {verdict} on the rest"
                line += f"   target {target:.0%}: {verdict}"
                ok = ok and score >= target and not unrun
                print("-" * len(header))
            print(line)
        print()
    message = [m for m in mutants if m.message]
    print(
        f"message wording (not scored): {len(message)} mutants change only the words of an "
        f"error or warning message; {sum(m.status == 'killed' for m in message)} killed, "
        f"{sum(m.status != 'killed' for m in message)} not (as mutmut ran them)"
    )
    equivalent = [m for m in mutants if m.equivalent and not m.message]
    print(f"equivalent (not scored, {EQUIVALENTS.relative_to(ROOT)}): {len(equivalent)}")
    for m in equivalent:
        print(f"  {m.path}:{m.line}: {m.before}  =>  {m.after}\n      {m.equivalent}")
    survivors = [
        m
        for m in mutants
        if not m.message and not m.equivalent and m.status not in (*KILLED, *NOT_RUN)
    ]
    print(f"\nsurvivors ({len(survivors)}):")
    for m in survivors:
        print(f"  {m.path}:{m.line}: {m.before}  =>  {m.after}   [{m.name}, {m.status}]")
    timeouts = sum(m.status == "timeout" for m in mutants)
    print(
        f"\n{len(mutants)} mutants, {sum(m.in_function for m in mutants)} inside functions "
        f"(mutmut), {sum(not m.in_function for m in mutants)} outside them; {timeouts} counted "
        f"as killed because the tests did not finish in time; "
        f"{time.monotonic() - started:.0f} s in all"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="processes at once (default 2)")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="judge every mutant afresh (needed after weakening or removing tests: a kill "
        "otherwise stands while the mutated code is unchanged)",
    )
    parser.add_argument(
        "--only", nargs="*", default=[], help="report (and run passes 2 and 3) for these files only"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="run nothing: print the table and the survivors from the verdicts in mutants/",
    )
    args = parser.parse_args()
    started = time.monotonic()
    os.chdir(ROOT)
    equivalents = read_equivalents()
    paths = sorted(
        str(p.relative_to(ROOT)) for package in PACKAGES for p in (ROOT / package).glob("*.py")
    )
    TYPE_ONLY.update(type_only_names(paths))
    mutants = [m for path in paths for m in mutants_of(path)]
    number_repeats(mutants)
    for m in mutants:
        m.equivalent = equivalents.get(m.key, "")
    unused = set(equivalents) - {m.key for m in mutants}
    for key in sorted(unused):
        print(f"note: {EQUIVALENTS.name} lists a mutant that no longer exists: {key}")

    if args.report:
        if not (ROOT / "mutants").exists():
            sys.exit("no run to report: mutants/ does not exist (make mutation makes it)")
        mutmut_statuses(mutants)
        verdicts = FreshVerdicts()
        for m in mutants:
            if not m.in_function:
                m.status = "not run"
            if not m.message and m.status not in KILLED:
                m.status = verdicts.last(m) or m.status
        mutants = [m for m in mutants if not args.only or m.path in args.only]
        return 0 if report(mutants, started) else 1
    if args.fresh:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    seen = SEEN.read_text(encoding="utf-8").split() if SEEN.exists() else ["", ""]
    now = [folder_hash(*PACKAGES), folder_hash("tests")]
    if seen == now:
        print("resuming the last run (--fresh starts over); the code and tests are as they were")
    elif (ROOT / "mutants").exists():
        # mutmut adds to its map of which tests call which function only for new tests, so a
        # function added or renamed would be run with too few tests: the map is made afresh.
        # (A test changed to call other functions is mapped as it was; pass 2 runs all tests.)
        if seen[0] != now[0]:
            (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
        cleared = forget_survivors(mutants) + FreshVerdicts().forget_survivors()
        print(
            f"resuming the last run (--fresh starts over): its kills stand where the code is "
            f"unchanged; the code or tests changed, so its {cleared} survivors are judged again"
        )
    (ROOT / "mutants").mkdir(exist_ok=True)
    write_atomically(SEEN, "\n".join(now) + "\n")
    jobs = str(args.jobs)
    print(f"pass 1: mutmut run --max-children {jobs} (its output: mutants/mutmut.log)")
    with open(ROOT / "mutants-mutmut.log", "w", encoding="utf-8") as log:
        subprocess.run(
            [sys.executable, ROOT / "scripts" / "mutmut_run.py", "run", "--max-children", jobs],
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    shutil.move(ROOT / "mutants-mutmut.log", ROOT / "mutants" / "mutmut.log")
    mutmut_statuses(mutants)
    print(f"  mutmut: {sum(m.status == 'killed' for m in mutants)} killed")

    if args.only:
        mutants = [m for m in mutants if m.path in args.only]
    warm_up()
    baseline = time.monotonic()
    if run_jobs([Job(ROOT, ALL_TESTS)], 1, 600, "the tests, no mutant") != ["survived"]:
        sys.exit("the tests fail without any mutant: fix them first")
    timeout = max(60.0, 5 * (time.monotonic() - baseline))
    # A kill stands while the mutated file is unchanged; a survival only while the tests are too
    # (forget_survivors above has dropped the others).
    verdicts = FreshVerdicts()
    judged = set()
    for m in mutants:
        if m.status not in KILLED and not m.message:
            last = verdicts.last(m)
            if last:
                m.status = last
                judged.add(m.name)

    scored = [m for m in mutants if not m.message and not m.equivalent]
    again = [
        m
        for m in scored
        if m.in_function and m.status not in (*KILLED, *NOT_RUN) and m.name not in judged
    ]
    print(f"pass 2: {len(again)} survivors of mutmut, as plain edits, in fresh processes")
    with_sources(again)
    run_edits(again, args.jobs, timeout, "survivors of mutmut", verdicts.add)
    outside = [m for m in scored if not m.in_function]
    todo = [m for m in outside if m.status not in KILLED and m.name not in judged]
    print(
        f"pass 3: {len(outside)} mutants outside functions, {len(outside) - len(todo)} judged "
        f"in earlier runs; the other {len(todo)} in fresh processes"
    )
    run_edits(todo, args.jobs, timeout, "mutants outside functions", verdicts.add)
    for m in mutants:
        if not m.in_function and m.message:
            m.status = "not run"
    return 0 if report(mutants, started) else 1


KILLED = ("killed", "timeout")
NOT_RUN = ("not checked", "not run")


def mutmut_statuses(mutants: list[Mutant]) -> None:
    """Each mutant inside a function gets mutmut's verdict from mutants/."""
    exit_codes = mutmut_exit_codes()
    for m in mutants:
        if m.in_function:
            if m.name not in exit_codes:
                sys.exit(f"mutmut made no mutant {m.name}: is mutants/ from this code?")
            m.status = status_by_exit_code[exit_codes[m.name]]
            m.checked_by = "mutmut"


def mutmut_exit_codes() -> dict[str, int | None]:
    """mutmut's verdict on each of its mutants, as the exit code of its tests (None: not run),
    from the .meta files it keeps beside its copy of the code in mutants/."""
    codes: dict[str, int | None] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


SEEN = ROOT / "mutants" / "judged-by.sha256"  # the code, then the tests, the survivors survived


def folder_hash(*folders: str) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path != EQUIVALENTS:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def forget_survivors(mutants: list[Mutant]) -> int:
    """Clear mutmut's verdict on each scored survivor of the last run, so that it runs again:
    tests may have been added since. The number cleared."""
    scored = {m.name for m in mutants if m.in_function and not m.message and not m.equivalent}
    cleared = 0
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        again = [
            name
            for name, code in codes.items()
            if name in scored and code is not None and status_by_exit_code[code] not in KILLED
        ]
        for name in again:
            codes[name] = None
        if again:
            write_atomically(meta, json.dumps(data, indent=4))
        cleared += len(again)
    return cleared


class FreshVerdicts:
    """The verdicts of passes 2 and 3 (which mutmut does not keep), saved as they come in
    mutants/fresh-verdicts.json with a hash of the mutated file: a kill stands while that file
    is unchanged, a survival while the code and the tests are (judged-by.sha256)."""

    PATH = ROOT / "mutants" / "fresh-verdicts.json"

    def __init__(self) -> None:
        self.sha = {
            str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for package in PACKAGES
            for p in sorted((ROOT / package).glob("*.py"))
        }
        found = json.loads(self.PATH.read_text(encoding="utf-8")) if self.PATH.exists() else {}
        current = set(self.sha.values())  # verdicts on files since changed are dropped
        self.found: dict[str, list[str]] = {n: v for n, v in found.items() if v[0] in current}

    def last(self, m: Mutant) -> str | None:
        """``m``'s status in the last run that judged it, if its file is as it was then."""
        sha, status = self.found.get(m.name, ("", ""))
        return status if sha == self.sha[m.path] else None

    def forget_survivors(self) -> int:
        """Drop the survivals (the tests changed since): the number dropped."""
        kept = {n: v for n, v in self.found.items() if v[1] in KILLED}
        dropped = len(self.found) - len(kept)
        self.found = kept
        write_atomically(self.PATH, json.dumps(self.found, indent=0))
        return dropped

    def add(self, m: Mutant) -> None:
        self.found[m.name] = [self.sha[m.path], m.status]
        write_atomically(self.PATH, json.dumps(self.found, indent=0))


def write_atomically(path: Path, text: str) -> None:
    """``path`` holds ``text`` or what it held before, whenever the run is stopped."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


if __name__ == "__main__":
    sys.exit(main())
