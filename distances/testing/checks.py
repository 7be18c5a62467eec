"""Ready-made checks of a user's TV, KL, JS or W1, in the spirit of scikit-learn's
``check_estimator`` and ``parametrize_with_checks``.

:func:`check_distance` runs every property of :mod:`distances.testing.properties` that
applies to the kind of distance, and raises :class:`DistanceCheckFailure` at the first
one that fails, with the shrunk input and the exact value beside the user's.
:func:`distance_checks` returns the same checks as objects, and
:func:`parametrize_distance_checks` turns them into one pytest test per property.

The user's function is called as ``fn(x, a, y, b)`` (``input="arrays"``): atoms
``x`` of shape ``(n, d)`` (``(n,)`` in 1-D with ``flat_1d=True``) with weights ``a`` of
shape ``(n,)``, the same for ``y, b``; fresh writable copies on every call. With
``input="discrete"`` it is called as ``fn(P, Q)`` on two :class:`~distances.Discrete`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from hypothesis import given
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as Settings

from ._args import check_choice, check_dim, check_flag, check_sizes
from .cases import RawPair
from .profile import distance_settings
from .properties import KINDS, PROPERTIES, Context, Property, PropertyViolation
from .tolerances import USER_ATOL, USER_RTOL

__all__ = [
    "CheckReport",
    "DistanceCheck",
    "DistanceCheckFailure",
    "InputForm",
    "check_distance",
    "distance_checks",
    "parametrize_distance_checks",
]

InputForm = Literal["arrays", "discrete"]
Kind = Literal["tv", "kl", "js", "w1"]


class DistanceCheckFailure(AssertionError):
    """A property of the user's distance failed.

    Attributes
    ----------
    property : str
        The property's name.
    claim : str
        What it claims.
    user_value, exact_value : float or str
        The user's value and the exact value (or the bound) it was held to.
    case : object
        The shrunk input (a :class:`~distances.testing.RawPair`, or a tuple of them).
    """

    def __init__(self, prop: Property, fn_name: str, kind: str, v: PropertyViolation) -> None:
        lines = [
            f"{fn_name} ({kind}) fails property {prop.name!r}: {prop.claim}.",
            f"  it {v.detail}",
            f"  user's value: {_show(v.user)}",
            f"  exact value:  {_show(v.exact)}",
            "  shrunk input:",
            *(f"    {line}" for line in _describe(v.case)),
        ]
        super().__init__("\n".join(lines))
        self.property, self.claim = prop.name, prop.claim
        self.user_value, self.exact_value, self.case = v.user, v.exact, v.case


def _show(v: Any) -> str:
    return repr(v) if not isinstance(v, float) else f"{v!r}"


def _describe(case: Any) -> list[str]:
    if isinstance(case, RawPair):
        return [
            f"relation={case.relation!r}, d={case.dim}",
            f"x = {case.x.tolist()!r}",
            f"a = {case.a.tolist()!r}",
            f"y = {case.y.tolist()!r}",
            f"b = {case.b.tolist()!r}",
        ]
    if isinstance(case, tuple):
        return [line for i, c in enumerate(case) for line in [f"[{i}]", *_describe(c)]]
    return [repr(case)]


@dataclass(frozen=True)
class DistanceCheck:
    """One property of one user function, ready to run: call it.

    Attributes
    ----------
    name : str
        ``"<kind>-<property>"``, e.g. ``"w1-symmetric"`` (the pytest id).
    claim : str
        The claim in words.
    """

    name: str
    claim: str
    _run: Callable[[], None] = field(repr=False)

    def __call__(self) -> None:
        """Run the property; raise :class:`DistanceCheckFailure` if it fails."""
        self._run()


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_distance` ran when every property held.

    Attributes
    ----------
    passed : tuple of str
        The names of the properties, in the order run.
    max_examples : int
        Examples drawn per property (at most).
    """

    passed: tuple[str, ...]
    max_examples: int


def _caller(fn: Callable[..., Any], form: str, flat_1d: bool) -> Callable[[RawPair], float]:
    def call(pair: RawPair) -> float:
        if form == "discrete":
            args: tuple[Any, ...] = (pair.P, pair.Q)
        else:
            x, y = pair.x.copy(), pair.y.copy()
            if flat_1d and pair.dim == 1:
                x, y = x[:, 0], y[:, 0]
            args = (x, pair.a.copy(), y, pair.b.copy())
        try:
            out = fn(*args)
        except Exception as exc:  # the user's code failing is a finding, not an error
            raise PropertyViolation(
                f"raised {type(exc).__name__}: {exc}", "(an exception)", "(a value)", pair
            ) from None
        try:
            value = float(np.asarray(out).item())
        except (TypeError, ValueError):
            raise PropertyViolation(
                "returned something that is not a number", repr(out), "(a float)", pair
            ) from None
        if math.isnan(value):
            raise PropertyViolation("returned NaN", value, "(a number)", pair)
        return value

    return call


def distance_checks(
    fn: Callable[..., Any],
    kind: Kind,
    *,
    input: InputForm = "arrays",
    rtol: float = USER_RTOL,
    atol: float = USER_ATOL,
    dim: int | None = None,
    max_size: int = 8,
    max_examples: int = 100,
    seed: int | None = None,
    flat_1d: bool = False,
    pair_options: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
) -> tuple[DistanceCheck, ...]:
    """The checks of ``fn`` as a distance of ``kind``, one per property.

    Parameters
    ----------
    fn : callable
        ``fn(x, a, y, b) -> float`` (``input="arrays"``) or ``fn(P, Q) -> float``
        (``input="discrete"``).
    kind : {"tv", "kl", "js", "w1"}
        What ``fn`` computes, with the conventions of :mod:`distances` (TV in [0, 1],
        natural log, JS with the factor 1/2, W1 with the Euclidean ground distance).
    input : {"arrays", "discrete"}, default "arrays"
        How ``fn`` takes its measures (see the module docstring).
    rtol, atol : float, default USER_RTOL (1e-9) and USER_ATOL (1e-12)
        Allowed error of ``fn`` against the exact value, on top of the round-off
        tolerance of :mod:`distances.testing.tolerances`.
    dim : int or None, default None
        The dimension of the measures; None draws 1, 2 and 3.
    max_size : int, default 8
        Most rows per measure.
    max_examples : int, default 100
        Examples per property.
    seed : int or None, default None
        None: derandomized (the same examples on every run); an int: a random stream
        from that seed.
    flat_1d : bool, default False
        Pass 1-D atoms as shape ``(n,)`` instead of ``(n, 1)``.
    pair_options : mapping, optional
        More keyword arguments of :func:`~distances.testing.raw_pairs` (e.g.
        ``{"normalized": False}`` if ``fn`` normalises its weights,
        ``{"extreme_coordinates": True}``).
    settings : hypothesis.settings, optional
        Replaces the settings built from ``max_examples`` and ``seed``.

    Returns
    -------
    tuple of DistanceCheck
    """
    check_choice(kind, "kind", KINDS)
    check_choice(input, "input", ("arrays", "discrete"))
    if not callable(fn):
        raise ValueError(f"fn must be callable; got {type(fn).__name__}")
    _check_tolerances(rtol, atol)
    check_dim(dim)
    check_sizes(1, max_size)
    check_flag(flat_1d, "flat_1d")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise ValueError(f"max_examples must be a positive integer; got {max_examples!r}")
    opts = {"max_size": max_size, "dim": dim, **dict(pair_options or {})}
    ctx = Context(kind, _caller(fn, input, flat_1d), float(rtol), float(atol), opts)
    ctx.pairs()  # validates pair_options at once
    run_settings = settings or Settings(
        distance_settings,
        max_examples=max_examples,
        database=None,
        derandomize=seed is None,
        report_multiple_bugs=False,
    )
    name = getattr(fn, "__name__", type(fn).__name__)
    props = [p for p in PROPERTIES if kind in p.kinds and not (p.raw_only and input != "arrays")]
    return tuple(
        DistanceCheck(f"{kind}-{p.name}", p.claim, _runner(p, ctx, run_settings, seed, name))
        for p in props
    )


def _check_tolerances(rtol: Any, atol: Any) -> None:
    ok = all(
        isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) and t >= 0
        for t in (rtol, atol)
    )
    if not ok:
        raise ValueError(f"rtol and atol must be finite and >= 0; got rtol={rtol!r}, atol={atol!r}")


def _runner(
    prop: Property, ctx: Context, run_settings: Settings, seed: int | None, fn_name: str
) -> Callable[[], None]:
    def run() -> None:
        @run_settings
        @given(prop.inputs(ctx))
        def test(case: Any) -> None:
            prop.check(ctx, case)

        if seed is not None:
            test = hypothesis_seed(seed)(test)
        try:
            test()
        except PropertyViolation as v:
            raise DistanceCheckFailure(prop, fn_name, ctx.kind, v) from None

    return run


def check_distance(fn: Callable[..., Any], kind: Kind, **options: Any) -> CheckReport:
    """Check ``fn`` against every property of a ``kind`` distance; stop at the first failure.

    Keyword arguments are those of :func:`distance_checks`.

    Returns
    -------
    CheckReport
        The properties that held (all of them).

    Raises
    ------
    DistanceCheckFailure
        At the first property that fails: its name and claim, the user's value beside the
        exact one, and the shrunk input.

    Examples
    --------
    >>> from distances import Discrete, total_variation
    >>> def my_tv(x, a, y, b):
    ...     return total_variation(Discrete(x, a, normalize=True), Discrete(y, b, normalize=True))
    >>> check_distance(my_tv, "tv", max_examples=5).passed[:3]
    ('tv-exact_value', 'tv-zero_on_identical', 'tv-in_range')
    """
    checks = distance_checks(fn, kind, **options)
    for check in checks:
        check()
    given_settings = options.get("settings")
    examples = given_settings.max_examples if given_settings else options.get("max_examples", 100)
    return CheckReport(tuple(c.name for c in checks), int(examples))


def parametrize_distance_checks(fn: Callable[..., Any], kind: Kind, **options: Any) -> Any:
    """A pytest decorator: one test per property of ``fn``, with the property as its id.

    Keyword arguments are those of :func:`distance_checks`. The decorated test takes one
    argument, ``check``, and calls it::

        @parametrize_distance_checks(my_w1, "w1")
        def test_my_w1(check):
            check()

    collects ``test_my_w1[w1-exact_value]``, ``test_my_w1[w1-symmetric]``, ...
    """
    import pytest  # only when used: distances.testing does not need pytest otherwise

    checks = distance_checks(fn, kind, **options)
    return pytest.mark.parametrize("check", checks, ids=[c.name for c in checks])
