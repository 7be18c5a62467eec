"""Mutation testing of the library and the verdict rules: how many planted bugs the tests catch.

Cosmic Ray (``cosmic-ray``, a maintained mutation-testing tool) makes the mutants: its
operators find every place a mutation applies in a module (an occurrence) and rewrite the
source. This script runs them. Cosmic Ray's own runner starts a fresh interpreter and a
fresh ``pytest`` for every mutant, which costs 5-20 s here before a test runs (numpy, scipy,
POT with torch, hypothesis); this one imports those once and forks a child per mutant,
which imports the mutated module from memory (the files on disk are never changed, so a
run can go on beside other work in the same checkout) and runs only the tests of that
module (``[tool.mutation-testing.tests]`` in pyproject.toml) that execute the mutated line
(recorded by coverage.py in one clean run of the module's tests), fastest first, stopping
at the first failure.

The configuration lives in pyproject.toml, ``[tool.mutation-testing]``: the operators
(a mutmut-like set of realistic slips: ``+`` for ``-``, ``<`` for ``<=``, a number off by
one, ``and`` for ``or``, a dropped ``not``...), the modules in scope and, for each, the test
files (and doctests) that protect it. Mutants judged equivalent (no test can tell them from
the original) are listed with a one-line reason in ``benchmarks/mutation_equivalent.toml``,
keyed by module, function, the original line and the mutated line, never by a mutant's
number (which shifts when the code changes).

Commands (from the project root)::

    python benchmarks/mutation.py run                      # every module in scope
    python benchmarks/mutation.py run distances/divergences.py
    python benchmarks/mutation.py list distances/divergences.py
    python benchmarks/mutation.py run --survivors distances/divergences.py  # after new tests
    python benchmarks/mutation.py run --survivors --since COMMIT wgan/checks.py  # after a merge
    python benchmarks/mutation.py run --one-in 4 distances/quadrature.py  # a fixed sample
    python benchmarks/mutation.py equivalents distances/continuous.py  # survivors judged since
    python benchmarks/mutation.py sample                   # CI: a fixed sample, fails on a survivor
    python benchmarks/mutation.py table                    # the per-module table (reST)

``run`` writes ``benchmarks/results/mutation_scores.json`` (per module: mutants, killed,
equivalent, survived, the survivors' keys, the load average and seconds) and
``mutation_scores.csv`` (the docs' table). It runs one mutant at a time under ``nice -n 10``.
A mutant counts as killed when its tests fail, error or time out (4x the module's clean run
plus 30 s; timeouts are counted apart in the JSON).
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import importlib.abc
import importlib.util
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "mutation_scores.json"
TABLE = ROOT / "benchmarks" / "results" / "mutation_scores.csv"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.toml"
LOGS = ROOT / "out" / "mutation"


def load_config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["mutation-testing"]


@dataclass(frozen=True)
class Mutant:
    """One mutation: Cosmic Ray's (operator, occurrence) in a module, and its stable key."""

    module: str  # path from the root, e.g. "distances/divergences.py"
    operator: str
    occurrence: int
    line: int
    function: str  # the enclosing definition, e.g. "Certificate.ok" ("<module>" at top level)
    before: str  # the original line, stripped
    after: str  # the mutated line, stripped
    key: str  # module::function::before -> after (#k when the same text repeats)

    @property
    def sample_hash(self) -> int:
        return int(hashlib.sha1(self.key.encode()).hexdigest()[:8], 16)


def _strip_annotations(tree: ast.AST) -> str:
    """The AST's dump without annotations and docstrings: two sources equal here run the same."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
            for a in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                a.annotation = None
            for a in (node.args.vararg, node.args.kwarg):
                if a is not None:
                    a.annotation = None
        elif isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(None)
    return ast.dump(tree)


def _definitions(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class, innermost last."""
    out: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                out.append((first, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def _enclosing(defs: list[tuple[int, int, str]], line: int) -> str:
    name = "<module>"
    for first, last, qual in defs:  # outer before inner: the last match is the innermost
        if first <= line <= last:
            name = qual
    return name


def operator_names(cfg: dict) -> list[str]:
    import cosmic_ray.plugins

    wanted = [re.compile(p) for p in cfg["operators"]]
    names = [n for n in cosmic_ray.plugins.operator_names() if any(w.fullmatch(n) for w in wanted)]
    return sorted(names)


#: parso parents of a ``*`` or ``**`` that is not an arithmetic operator.
_NOT_OPERATORS = {"param", "parameters", "argument", "star_expr", "arglist", "lambdef",
                  "typedargslist", "dictorsetmaker"}


def mutants_of(module: str, cfg: dict, source: str | None = None) -> list[tuple[Mutant, str]]:
    """Every mutant of ``module`` with its mutated source, in a stable order.

    Mutants whose code is the same as the original once annotations are ignored (``float |
    None`` -> ``float & None`` under ``from __future__ import annotations``) are left out:
    they are not mutants of the program.
    """
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.mutating import mutate_code

    if source is None:
        source = (ROOT / module).read_text()
    original = _strip_annotations(ast.parse(source))
    defs = _definitions(ast.parse(source))
    lines = source.splitlines()
    parso_tree = get_ast(source)
    out: list[tuple[Mutant, str]] = []
    seen: dict[str, int] = {}
    for name in operator_names(cfg):
        op = cosmic_ray.plugins.get_operator(name)()
        nodes = [node for node in ast_nodes(parso_tree) for _ in op.mutation_positions(node)]
        for occurrence, node in enumerate(nodes):
            if node.type == "operator" and node.parent.type in _NOT_OPERATORS:
                continue  # the * of *args or of keyword-only parameters, not a product
            mutated = mutate_code(source, op, occurrence)
            if mutated is None:
                continue
            try:
                if _strip_annotations(ast.parse(mutated)) == original:
                    continue
            except SyntaxError:
                continue  # not a program: no test could run it
            new_lines = mutated.splitlines()
            if len(lines) != len(new_lines):
                continue
            changed = [i for i, (a, b) in enumerate(zip(lines, new_lines, strict=True)) if a != b]
            if not changed:
                continue
            i = changed[0]
            before, after = lines[i].strip(), new_lines[i].strip()
            function = _enclosing(defs, i + 1)
            key = f"{module}::{function}::{before} -> {after}"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key += f" #{seen[key]}"
            out.append(
                (Mutant(module, name, occurrence, i + 1, function, before, after, key), mutated)
            )
    return out


# -- equivalent mutants ----------------------------------------------------------------


def load_equivalent() -> dict[str, str]:
    """key -> reason, from benchmarks/mutation_equivalent.toml."""
    if not EQUIVALENT.exists():
        return {}
    with open(EQUIVALENT, "rb") as f:
        data = tomllib.load(f)
    out = {}
    for e in data.get("equivalent", []):
        key = f"{e['module']}::{e['function']}::{e['line']} -> {e['mutant']}"
        if e.get("repeat", 1) > 1:
            key += f" #{e['repeat']}"
        out[key] = e["reason"]
    return out


# -- running a mutant --------------------------------------------------------------------


class _Serve(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the mutated source of one module (the file on disk is never touched)."""

    def __init__(self, name: str, path: Path, source: str) -> None:
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(fullname, self.path, loader=self)

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)


class _QuietHypothesis:
    """pytest plugin: no example database and no shrinking (a failure is all we need)."""

    def pytest_configure(self, config) -> None:
        from hypothesis import Phase, settings

        base = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
        settings.register_profile(
            "mutation", base, database=None, phases=[Phase.explicit, Phase.generate]
        )
        settings.load_profile("mutation")


def _preload() -> None:
    """Import the heavy third-party modules once, before any fork (never distances or wgan)."""
    import hypothesis
    import hypothesis.extra.numpy  # noqa: F401
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot
    import numba  # noqa: F401
    import numpy  # noqa: F401
    import ot  # noqa: F401  (POT, which imports torch)
    import pytest  # noqa: F401
    import scipy.integrate
    import scipy.optimize
    import scipy.sparse
    import scipy.spatial
    import scipy.special
    import scipy.stats  # noqa: F401

    leaked = [m for m in sys.modules if m.split(".")[0] in ("distances", "wgan")]
    assert not leaked, f"imported before the fork: {leaked}"


def run_tests(
    module: str, source: str | None, tests: list[str], timeout: float, log: Path | None
) -> tuple[str, float]:
    """Run ``tests`` in a forked child with ``module`` replaced by ``source``.

    Returns (outcome, seconds): outcome "survived" (tests passed), "killed" (a test
    failed), "error" (collection or import failed), "timeout" or "no tests".
    """
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        code = 3
        try:
            fd = os.open(log or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            if source is not None:
                name = module.removesuffix(".py").replace("/", ".")
                sys.meta_path.insert(0, _Serve(name, ROOT / module, source))
            import pytest

            # --assert=plain: the rewriting hook would load a module named on the command line
            # (for its doctests) from disk, ahead of the mutant.
            args = [*tests, "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-rN",
                    "--assert=plain"]
            code = int(pytest.main(args, plugins=[_QuietHypothesis()]))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - start
        time.sleep(0.02)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    # 2 (interrupted: a test module failed to import the mutant) is a kill; 4 is a usage
    # error (a path of the mapping is missing), which must not count as one.
    outcome = {0: "survived", 1: "killed", 4: "usage", 5: "no tests"}.get(code, "error")
    return outcome, seconds


class _CoverageContexts:
    """pytest plugin: which test executes which line of one file (coverage.py contexts),
    the tests of each line fastest first (a mutant's first failure comes sooner).

    Lines run outside any test (at import, while collecting) are under the context ""."""

    def __init__(self, path: Path) -> None:
        import coverage

        self.path = str(path)
        self.cov = coverage.Coverage(data_file=None, include=[self.path], branch=False)
        self.seconds: dict[str, float] = {"": -1.0}
        self.cov.start()

    def pytest_runtest_protocol(self, item, nextitem):
        self.cov.switch_context(item.nodeid)

    def pytest_runtest_logreport(self, report):
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_runtest_logfinish(self, nodeid, location):
        self.cov.switch_context("")

    def lines(self) -> dict[int, list[str]]:
        self.cov.stop()
        data = self.cov.get_data()
        for f in data.measured_files():
            if os.path.samefile(f, self.path):
                return {
                    int(k): sorted(v, key=lambda c: self.seconds.get(c, float("inf")))
                    for k, v in data.contexts_by_lineno(f).items()
                }
        return {}


def covering_run(module: str, tests: list[str], log: Path) -> tuple[dict[int, list[str]], float]:
    """Run ``tests`` once, unmutated, under coverage: {line: [test node ids]} and the seconds.

    Raises SystemExit if a test fails (the mutants would be measured against a red suite).
    """
    out = log.with_suffix(".json")
    out.unlink(missing_ok=True)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        code = 3
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            plugin = _CoverageContexts(ROOT / module)
            import pytest

            args = [*tests, "-q", "-p", "no:cacheprovider", "--no-header", "-rN",
                    "--assert=plain"]
            code = int(pytest.main(args, plugins=[_QuietHypothesis(), plugin]))
            out.write_text(json.dumps(plugin.lines()))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    seconds = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0 or not out.exists():
        raise SystemExit(f"{module}: its tests fail without a mutant; see {log}")
    return {int(k): v for k, v in json.loads(out.read_text()).items()}, seconds


def statement_line(tree: ast.Module, line: int) -> int:
    """The first line of the innermost statement holding ``line`` (coverage.py counts a
    statement of several lines at its first)."""
    best, span = line, None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or 0):
            if span is None or node.end_lineno - node.lineno < span:
                best, span = node.lineno, node.end_lineno - node.lineno
    return best


def select_tests(tests: list[str], contexts: list[str] | None) -> list[str] | None:
    """The tests to run against a mutant of a line executed under ``contexts``.

    All of ``tests`` when the line also runs outside the tests (at import: a constant, a
    default argument, a decorator); the node ids of the tests that execute it otherwise,
    fastest first, with the options of ``tests``; None when no test
    executes it (the mutant survives: no test can see it).
    """
    if not contexts:
        return None
    if "" in contexts:
        return list(tests)
    return [t for t in tests if t.startswith("-") and not t.startswith("--deselect")] + [
        c for c in contexts]


# -- commands ----------------------------------------------------------------------------


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _path(key: str) -> str:
    """The module's path of a key of [tool.mutation-testing.tests] ("path#part" -> path)."""
    return key.split("#")[0]


_MUTANTS: dict[tuple[str, str, str], list[tuple[Mutant, str]]] = {}


def scoped_mutants(key: str, cfg: dict, source: str | None = None) -> list[tuple[Mutant, str]]:
    """The mutants of a key of [tool.mutation-testing.tests]: all of the module's, or
    those whose ``function::line`` fully matches a pattern of
    [tool.mutation-testing.functions] for the key (a part of a module)."""
    text = source if source is not None else (ROOT / _path(key)).read_text()
    cache = (_path(key), text, json.dumps(cfg["operators"]))
    if cache not in _MUTANTS:  # making them takes 10-60 s of CPU a module: once a process
        _MUTANTS[cache] = mutants_of(_path(key), cfg, source)
    mutants = _MUTANTS[cache]
    patterns = cfg.get("functions", {}).get(key)
    if patterns is None:
        return mutants
    wanted = [re.compile(p) for p in patterns]
    return [
        (m, src) for m, src in mutants
        if any(w.fullmatch(f"{m.function}::{m.before}") for w in wanted)
    ]


def _log(module: str, what: str) -> Path:
    """out/mutation/<module>.<what>.log: one per module, so that two modules can run at once."""
    return LOGS / (re.sub(r"[^A-Za-z0-9_.]+", "_", module) + f".{what}.log")


def _tests(cfg: dict, module: str) -> list[str]:
    try:
        return list(cfg["tests"][module])
    except KeyError:
        raise SystemExit(f"{module} is not in [tool.mutation-testing.tests]") from None


def run_module(
    module: str, cfg: dict, equivalent: dict[str, str], only: set[str] | None = None,
    verbose: bool = True, timeout: float | None = None, checkpoint=None,
) -> dict:
    """Run the mutants of ``module`` (those in ``only`` if given) against its tests.

    The module's tests first run once unmutated under coverage: they must pass, and each
    mutant then runs only the tests that execute its line (all of them for a line run at
    import), in the clean run's order, stopping at the first failure; a mutant of a line
    no test executes survives without a run. Without ``timeout``, a mutant's timeout is
    four times the clean run plus 30 s (the machine is shared). With ``timeout`` given (CI's
    sample of mutants killed before), there is no clean run and each mutant runs all the
    module's tests. ``checkpoint(result)`` is called every 20 mutants with the result so
    far (``partial`` set).
    """
    tests = _tests(cfg, module)
    LOGS.mkdir(parents=True, exist_ok=True)
    lines: dict[int, list[str]] | None = None
    base = 0.0
    mutants = scoped_mutants(module, cfg)
    to_run = [m for m, _ in mutants if (only is None or m.key in only) and m.key not in equivalent]
    if timeout is None and to_run:
        lines, base = covering_run(_path(module), tests, _log(module, "clean"))
        timeout = 4.0 * base + 30.0
    tree = ast.parse((ROOT / _path(module)).read_text())
    counts = {"mutants": 0, "killed": 0, "equivalent": 0, "survived": 0, "timeout": 0,
              "uncovered": 0}
    survivors: list[str] = []
    start = time.monotonic()
    todo = [(i, m, src) for i, (m, src) in enumerate(mutants) if only is None or m.key in only]

    def result() -> dict:
        judged = counts["mutants"] - counts["equivalent"]
        return {
            **counts,
            "score": counts["killed"] / judged if judged else 1.0,
            "survivors": list(survivors),
            "tests": tests,
            "clean_seconds": round(base, 1),
            "seconds": round(time.monotonic() - start, 1),
            "load_average": _load(),
            "source_sha1": hashlib.sha1((ROOT / _path(module)).read_bytes()).hexdigest(),
        }

    for n, (i, m, source) in enumerate(todo):
        if checkpoint is not None and n and n % 20 == 0:
            checkpoint({**result(), "partial": f"{n} of {len(todo)} mutants run"})
        counts["mutants"] += 1
        if m.key in equivalent:
            counts["equivalent"] += 1
            continue
        selected = (list(tests) if lines is None
                    else select_tests(tests, lines.get(statement_line(tree, m.line))))
        if selected is None:
            outcome, seconds = "uncovered", 0.0
        else:
            outcome, seconds = run_tests(_path(module), source, selected, timeout,
                                         _log(module, "mutant"))
        if outcome == "no tests":
            raise SystemExit(f"{module}: no tests collected from {selected}")
        if outcome == "usage":
            raise SystemExit(f"{module}: pytest refused the arguments {selected} (a test file "
                             f"of [tool.mutation-testing.tests] missing?); see {LOGS}")
        if outcome in ("survived", "uncovered"):
            counts["survived"] += 1
            counts["uncovered"] += outcome == "uncovered"
            survivors.append(m.key)
        else:
            counts["killed"] += 1
            counts["timeout"] += outcome == "timeout"
        if verbose:
            mark = outcome.upper() if outcome in ("survived", "uncovered") else outcome
            ran = "all" if selected == tests else len(selected or [])
            print(f"  [{i + 1}/{len(mutants)}] {mark:9s} {seconds:5.1f}s {ran!s:>4} tests  "
                  f"line {m.line}: {m.before}  ->  {m.after}", flush=True)
    return result()


def _modules(cfg: dict, given: list[str]) -> list[str]:
    return given or list(cfg["tests"])


def cmd_run(args: argparse.Namespace) -> int:
    cfg = load_config()
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.nice(args.nice)
    _preload()
    equivalent = load_equivalent()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for module in _modules(cfg, args.modules):
        print(f"== {module} (load average {_load()})", flush=True)
        if args.survivors:
            r = _rerun_survivors(module, cfg, equivalent, results.get(module), args.quiet,
                                 args.since)
        else:
            command = f"python benchmarks/mutation.py run {module}"
            only = None
            if args.one_in > 1:
                command = f"python benchmarks/mutation.py run --one-in {args.one_in} {module}"
                only = {m.key for m, _ in scoped_mutants(module, cfg)
                        if m.sample_hash % args.one_in == 0}

            def checkpoint(partial: dict, module: str = module, command: str = command) -> None:
                _record(module, {**partial, "command": command})

            r = run_module(module, cfg, equivalent, only=only, verbose=not args.quiet,
                           checkpoint=checkpoint)
            r["command"] = command
            if args.one_in > 1:
                r["one_in"] = args.one_in
                r["of"] = len(scoped_mutants(module, cfg))
        results = _record(module, r)
        print(f"   {module}: {r['mutants']} mutants, {r['killed']} killed, "
              f"{r['equivalent']} equivalent, {r['survived']} survived "
              f"({100 * r['score']:.1f} %) in {r['seconds']:.0f} s", flush=True)
        for key in r["survivors"]:
            print(f"   survived: {key}")
    write_table(results, cfg)
    return 0


def _record(module: str, r: dict) -> dict:
    """Write ``r`` as the module's result (read again first: another run may have recorded
    other modules meanwhile) and the CSV table; return all the results."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[module] = r
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    write_table(results, load_config())
    return results


def _rerun_survivors(
    module: str, cfg: dict, equivalent: dict[str, str], previous: dict | None, quiet: bool,
    since: str | None = None,
) -> dict:
    """Rerun only the survivors of the last full run (after adding tests or equivalents).

    Valid while the module's source is the one the full run mutated (checked by its SHA-1)
    and tests were only added: a killed mutant stays killed. When the source changed since
    (a merge), ``since`` names the commit whose version the full run mutated: a mutant's
    key (its function and its line's text) does not move with edits elsewhere, so the
    mutants whose keys are new run too, and those whose keys are gone are taken out.
    """
    if previous is None:
        raise SystemExit(f"{module}: no full run recorded: run it in full")
    sha1 = hashlib.sha1((ROOT / _path(module)).read_bytes()).hexdigest()
    new: set[str] = set()
    gone: set[str] = set()
    if previous.get("source_sha1") != sha1:
        if since is None:
            raise SystemExit(f"{module} changed since its last full run: run it in full, or "
                             "name the commit it was run on with --since")
        import subprocess

        old_source = subprocess.run(
            ["git", "show", f"{since}:{_path(module)}"], cwd=ROOT, check=True,
            capture_output=True, text=True).stdout
        if hashlib.sha1(old_source.encode()).hexdigest() != previous.get("source_sha1"):
            raise SystemExit(f"{module} at {since} is not the source of the last full run")
        old = {m.key for m, _ in scoped_mutants(module, cfg, old_source)}
        now = {m.key for m, _ in scoped_mutants(module, cfg)}
        new, gone = now - old, old - now
        print(f"   since {since}: {len(new)} new mutants, {len(gone)} gone", flush=True)
    if "partial" in previous:
        raise SystemExit(f"{module}: its last full run stopped early: run it in full")
    again = set(previous["survivors"]) - gone
    r = run_module(module, cfg, equivalent, only=again | new, verbose=not quiet)
    out = dict(previous)
    # The mutants gone with the old lines: survivors, equivalents (by key) or killed.
    gone_equivalent = {k for k in gone if k in equivalent}
    gone_killed = gone - set(previous["survivors"]) - gone_equivalent
    out["mutants"] = previous["mutants"] + len(new) - len(gone)
    out["source_sha1"] = sha1
    out["equivalent"] = previous["equivalent"] - len(gone_equivalent) + r["equivalent"]
    out["killed"] = previous["killed"] - len(gone_killed) + r["killed"]
    out["timeout"] = previous.get("timeout", 0) + r["timeout"]
    out["survived"] = r["survived"]
    out["uncovered"] = r["uncovered"]
    out["survivors"] = r["survivors"]
    judged = out["mutants"] - out["equivalent"]
    out["score"] = out["killed"] / judged if judged else 1.0
    out["tests"] = r["tests"]
    out["seconds"] = previous["seconds"] + r["seconds"]
    out["load_average"] = previous["load_average"] + "; survivors rerun at " + r["load_average"]
    again_command = "python benchmarks/mutation.py run --survivors "
    if since is not None and (new or gone):
        again_command += f"--since {since} "
    out["command"] = previous["command"] + "; " + again_command + module
    return out


def cmd_equivalents(args: argparse.Namespace) -> int:
    """Count the last run's survivors now listed as equivalent, without running anything.

    For a survivor judged equivalent after its run: what a rerun of the survivors would
    record for it (an equivalent mutant is never run), without rerunning the others.
    """
    cfg = load_config()
    equivalent = load_equivalent()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for module in _modules(cfg, args.modules):
        r = results.get(module)
        if r is None or "partial" in r:
            raise SystemExit(f"{module}: no full run recorded: run it in full")
        sha1 = hashlib.sha1((ROOT / _path(module)).read_bytes()).hexdigest()
        if r.get("source_sha1") != sha1:
            raise SystemExit(f"{module} changed since its last run: rerun its survivors")
        judged = [k for k in r["survivors"] if k in equivalent]
        if not judged:
            continue
        r = dict(r)
        r["survivors"] = [k for k in r["survivors"] if k not in equivalent]
        r["equivalent"] += len(judged)
        r["survived"] -= len(judged)
        r["score"] = r["killed"] / (r["mutants"] - r["equivalent"])
        r["command"] += f"; python benchmarks/mutation.py equivalents {module}"
        results = _record(module, r)
        print(f"   {module}: {len(judged)} survivors now equivalent; {r['survived']} survived "
              f"({100 * r['score']:.1f} %)")
    return 0


def write_table(results: dict, cfg: dict) -> None:
    with open(TABLE, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["module", "mutants", "killed", "equivalent", "survived", "score (%)",
                    "seconds", "load average"])
        for module in cfg["tests"]:
            r = results.get(module)
            if r is None:
                continue
            load = r["load_average"]
            if "partial" in r:
                load += f" (stopped early: {r['partial']})"
            if "one_in" in r:
                load += f" (a sample: 1 in {r['one_in']} of {r['of']} mutants)"
            w.writerow([module, r["mutants"], r["killed"], r["equivalent"], r["survived"],
                        f"{100 * r['score']:.1f}", f"{r['seconds']:.0f}", load])


def cmd_list(args: argparse.Namespace) -> int:
    cfg = load_config()
    equivalent = load_equivalent()
    for module in _modules(cfg, args.modules):
        for m, _ in scoped_mutants(module, cfg):
            flag = "E" if m.key in equivalent else " "
            print(f"{flag} {m.line:4d} {m.operator.removeprefix('core/'):40s} {m.key}")
    return 0


def sample_of(mutants: list[Mutant], cfg: dict, skip: set[str]) -> set[str]:
    """The keys of CI's sample among ``mutants`` (less those in ``skip``).

    A mutant is in it when the SHA-1 of its key is 0 modulo ``sample-one-in``, and so are the
    ``sample-min`` mutants of smallest hash: each module is sampled, and the sample does not
    move when other lines of the module change.
    """
    pool = sorted((m for m in mutants if m.key not in skip), key=lambda m: m.sample_hash)
    keys = {m.key for m in pool if m.sample_hash % int(cfg["sample-one-in"]) == 0}
    return keys | {m.key for m in pool[: int(cfg["sample-min"])]}


def cmd_sample(args: argparse.Namespace) -> int:
    """CI: the mutants whose key hashes into the sample must all be killed.

    The sample is the same from run to run and stable under edits elsewhere in a module
    (a mutant is in it when the SHA-1 of its key is 0 modulo ``sample-one-in``).
    """
    cfg = load_config()
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    os.environ.setdefault("MPLBACKEND", "Agg")
    _preload()
    equivalent = load_equivalent()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    survivors: list[str] = []
    total = 0
    start = time.monotonic()
    for module in _modules(cfg, args.modules):
        if not args.modules and module in cfg.get("sample-skip", []):
            print(f"  {module}: in sample-skip (its tests are too slow for CI's step)")
            continue
        if module not in results or "partial" in results[module]:
            print(f"  {module}: no full run recorded in {RESULTS.name}; not sampled")
            continue
        # Known survivors of the last full run are in the docs' table already; the sample
        # guards the killed ones (and any new mutant) against decay.
        skip = set(equivalent) | set(results[module]["survivors"])
        one_in = int(results[module].get("one_in", 1))  # a module measured on a sample
        keys = sample_of([m for m, _ in scoped_mutants(module, cfg)
                          if m.sample_hash % one_in == 0], cfg, skip)
        if not keys:
            continue
        r = run_module(module, cfg, equivalent, only=keys, verbose=args.verbose,
                       timeout=float(cfg["sample-timeout"]))
        total += r["mutants"]
        survivors += r["survivors"]
        print(f"  {module}: {r['mutants']} sampled, {r['survived']} survived "
              f"({r['seconds']:.0f} s)", flush=True)
    print(f"{total} sampled mutants in {time.monotonic() - start:.0f} s "
          f"(load average {_load()}); {len(survivors)} survived")
    for key in survivors:
        print(f"SURVIVED: {key}")
    return 1 if survivors else 0


def cmd_table(args: argparse.Namespace) -> int:
    cfg = load_config()
    results = json.loads(RESULTS.read_text())
    write_table(results, cfg)
    print(TABLE.read_text())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run every mutant of the modules (all in scope by default)")
    p.add_argument("modules", nargs="*")
    p.add_argument("--nice", type=int, default=10)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--since", metavar="COMMIT",
                   help="with --survivors, after the module changed: the commit whose "
                        "version the full run mutated (its new mutants run too)")
    p.add_argument("--one-in", type=int, default=1, metavar="N",
                   help="run only the mutants whose key's hash is 0 modulo N (a fixed "
                        "sample, recorded as such)")
    p.add_argument("--survivors", action="store_true",
                   help="rerun only the last run's survivors (the module's source unchanged)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("list", help="list the mutants and their keys")
    p.add_argument("modules", nargs="*")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("sample", help="CI: run the fixed sample; exit 1 if one survives")
    p.add_argument("modules", nargs="*")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("equivalents", help="count the survivors listed as equivalent "
                       "since the last run (no run)")
    p.add_argument("modules", nargs="+")
    p.set_defaults(func=cmd_equivalents)
    p = sub.add_parser("table", help="rewrite the CSV table from the JSON results")
    p.set_defaults(func=cmd_table)
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
