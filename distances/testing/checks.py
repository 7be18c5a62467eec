"""Ready-made checks of a user's TV, KL, JS or W1, in the spirit of scikit-learn's
``check_estimator`` and ``parametrize_with_checks``.

:func:`check_distance` runs every property of :mod:`distances.testing.properties` (and
:mod:`distances.testing.vectors`) that applies to the kind of distance and the input form,
and raises :class:`DistanceCheckFailure` at the first one that fails, with the shrunk
input, the user's value beside what it was held to, and hypothesis's reproduce blob.
:func:`distance_checks` returns the same checks as objects (to run outside pytest),
:func:`parametrize_distance_checks` turns them into one pytest test per property, and
:func:`list_checks` lists them without a function to check.

The user's function is called as ``fn(x, a, y, b)`` (``input="arrays"``): atoms
``x`` of shape ``(n, d)`` (``(n,)`` in 1-D with ``flat_1d=True``) with weights ``a`` of
shape ``(n,)``, the same for ``y, b``; fresh writable copies on every call. With
``input="discrete"`` it is called as ``fn(P, Q)`` on two :class:`~distances.Discrete`;
with ``input="vectors"`` as ``fn(p, q)`` on two probability vectors of one length
(W1 on the points ``0, 1, ..., n - 1``, see :mod:`distances.testing.vectors`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from hypothesis import Phase, given, reproduce_failure
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as Settings
from hypothesis.errors import InvalidArgument

from ._args import check_choice, check_count, check_dim, check_flag, check_sizes
from .cases import RawPair
from .context import KINDS, Context, Property, PropertyViolation
from .failures import DistanceCheckFailure
from .profile import distance_settings
from .properties import PROPERTIES
from .raw import raw_pairs
from .tolerances import USER_ATOL, USER_RTOL
from .vectors import VECTOR_PROPERTIES, vector_pairs

__all__ = [
    "FORMS",
    "MAX_DIM",
    "CheckInfo",
    "CheckReport",
    "DistanceCheck",
    "InputForm",
    "check_distance",
    "distance_checks",
    "list_checks",
    "parametrize_distance_checks",
]

InputForm = Literal["arrays", "discrete", "vectors"]
Kind = Literal["tv", "kl", "js", "w1"]

#: The input forms: ``fn(x, a, y, b)``, ``fn(P, Q)`` and ``fn(p, q)``.
FORMS: tuple[str, ...] = ("arrays", "discrete", "vectors")
_ARG_NAMES = {"arrays": ("x", "a", "y", "b"), "discrete": ("P", "Q"), "vectors": ("p", "q")}

#: Largest ``dim`` the checks accept. Hypothesis draws every coordinate: at ``dim=5000``
#: its smallest example is too large (FailedHealthCheck ``large_base_example``, measured
#: with ``max_size=8``); at 1000 a check ran in seconds.
MAX_DIM = 1000

_ALL_PROPERTIES: tuple[Property, ...] = PROPERTIES + VECTOR_PROPERTIES


class DistanceCheck:
    """One property of one user function, ready to run: call it.

    Hypothesis's ``reproduce_failure`` decorator applies to a check as to a test: after
    ``reproduce_failure(version, blob)(check)``, calling ``check()`` replays the failure
    that printed the blob (:attr:`DistanceCheckFailure.reproduce`).

    Attributes
    ----------
    name : str
        ``"<kind>-<property>"``, e.g. ``"w1-symmetric"`` (the pytest id).
    claim : str
        The claim in words.
    max_examples : int
        Examples drawn (at most).
    """

    def __init__(
        self, name: str, claim: str, max_examples: int, run: Callable[[Any], None]
    ) -> None:
        self.name, self.claim, self.max_examples = name, claim, max_examples
        self._run = run

    def __repr__(self) -> str:
        return f"DistanceCheck(name={self.name!r}, claim={self.claim!r})"

    def __call__(self) -> None:
        """Run the property; raise :class:`DistanceCheckFailure` if it fails."""
        self._run(getattr(self, "_hypothesis_internal_use_reproduce_failure", None))


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


@dataclass(frozen=True)
class CheckInfo:
    """One property as :func:`list_checks` lists it.

    Attributes
    ----------
    name : str
        The property (the check of kind k is named ``"k-<name>"``).
    claim : str
        What it asserts.
    kinds : tuple of str
        The kinds of distance it checks.
    forms : tuple of str
        The input forms it applies to.
    """

    name: str
    claim: str
    kinds: tuple[str, ...]
    forms: tuple[str, ...]


def list_checks(
    kind: Kind | None = None, *, input: InputForm | None = None
) -> tuple[CheckInfo, ...]:
    """The properties the checks run, in order, for one kind and form or for all.

    Parameters
    ----------
    kind : {"tv", "kl", "js", "w1"}, optional
        Only the properties of this kind.
    input : {"arrays", "discrete", "vectors"}, optional
        Only the properties of this input form.

    Returns
    -------
    tuple of CheckInfo

    Examples
    --------
    >>> [c.name for c in list_checks("kl", input="vectors")][:4]
    ['exact_value', 'inputs_unchanged', 'zero_on_identical', 'in_range']
    """
    if kind is not None:
        check_choice(kind, "kind", KINDS)
    if input is not None:
        check_choice(input, "input", FORMS)
    return tuple(
        CheckInfo(p.name, p.claim, p.kinds, p.forms)
        for p in _ALL_PROPERTIES
        if (kind is None or kind in p.kinds) and (input is None or input in p.forms)
    )


def _arguments(form: str, flat_1d: bool) -> Callable[[RawPair], tuple[Any, ...]]:
    """Fresh arguments of the user's function for a pair, in its input form."""

    def args(pair: RawPair) -> tuple[Any, ...]:
        if form == "discrete":
            return (pair.P, pair.Q)
        if form == "vectors":
            return (pair.a.copy(), pair.b.copy())
        x, y = pair.x.copy(), pair.y.copy()
        if flat_1d and pair.dim == 1:
            x, y = x[:, 0].copy(), y[:, 0].copy()
        return (x, pair.a.copy(), y, pair.b.copy())

    return args


def _as_real(out: Any) -> float | None:
    """The user's result as a float, or None if it is not one real number: bools, strings
    (which ``float`` would parse), containers, complex numbers and arrays of other sizes
    are not."""
    if isinstance(out, (bool, np.bool_, str, bytes, list, tuple, dict)):
        return None
    if isinstance(out, numbers.Real):
        return float(out)
    try:
        arr = np.asarray(out)
    except Exception:  # an object numpy cannot read: not a number either
        return None
    if arr.size != 1 or arr.dtype.kind not in "iuf":
        return None
    return float(arr.reshape(()).item())


def _invoker(fn: Callable[..., Any]) -> Callable[[tuple[Any, ...], RawPair], float]:
    def invoke(args: tuple[Any, ...], pair: RawPair) -> float:
        try:
            out = fn(*args)
        except Exception as exc:  # the user's code failing is a finding, not an error
            raise PropertyViolation(
                f"raised {type(exc).__name__}: {exc}", "(an exception)", "a number", pair,
                "expected",
            ) from None
        value = _as_real(out)
        if value is None:
            raise PropertyViolation(
                f"returned {out!r} ({type(out).__name__}), not a real number",
                out,
                "a real number (float, int or a numpy real scalar)",
                pair,
                "expected",
            )
        if math.isnan(value):
            raise PropertyViolation("returned NaN", value, "a number", pair, "expected")
        return value

    return invoke


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
    settings: Settings | Mapping[str, Any] | str | None = None,
) -> tuple[DistanceCheck, ...]:
    """The checks of ``fn`` as a distance of ``kind``, one per property.

    Parameters
    ----------
    fn : callable
        ``fn(x, a, y, b) -> float`` (``input="arrays"``), ``fn(P, Q) -> float``
        (``input="discrete"``) or ``fn(p, q) -> float`` (``input="vectors"``). It must
        return one real number (a float, an int, a numpy real scalar or a one-element
        real array); anything else (a string, a bool, None) is reported as a failure.
    kind : {"tv", "kl", "js", "w1"}
        What ``fn`` computes, with the conventions of :mod:`distances` (TV in [0, 1],
        natural log, JS with the factor 1/2, W1 with the Euclidean ground distance).
    input : {"arrays", "discrete", "vectors"}, default "arrays"
        How ``fn`` takes its measures (see the module docstring).
    rtol, atol : float, default USER_RTOL (1e-9) and USER_ATOL (1e-12)
        Allowed error of ``fn`` against the exact value, on top of the round-off
        tolerance of :mod:`distances.testing.tolerances` (numpy real scalars accepted).
    dim : int or None, default None
        The dimension of the measures, at most :data:`MAX_DIM`; None draws 1, 2 and 3.
        Not for ``input="vectors"``.
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
        ``{"extreme_coordinates": True}``, ``{"subnormal_weights": False}``,
        ``{"boundaries": False}``).
    settings : hypothesis.settings, dict, str or None, optional
        Replaces the settings built from ``max_examples`` and ``seed``: a settings
        object, a dict of settings options on top of those (``{"max_examples": 1000}``),
        or the name of a registered profile (``"distances-long"``: 1,000 examples, fresh
        ones each run). The checks always run without a database, with
        ``print_blob=True`` and ``report_multiple_bugs=False``.

    Returns
    -------
    tuple of DistanceCheck

    Raises
    ------
    ValueError
        At once, on arguments no check can run with.
    """
    check_choice(kind, "kind", KINDS)
    check_choice(input, "input", FORMS)
    if not callable(fn):
        raise ValueError(f"fn must be callable; got {type(fn).__name__}")
    _check_tolerances(rtol, atol)
    check_dim(dim)
    if dim is not None and dim > MAX_DIM:
        raise ValueError(
            f"dim must be at most {MAX_DIM} for the checks (hypothesis draws every "
            f"coordinate; from dim=5000 on its smallest example is too large); got dim={dim}"
        )
    check_sizes(1, max_size)
    check_flag(flat_1d, "flat_1d")
    if input == "vectors" and (dim is not None or flat_1d):
        raise ValueError(
            "dim and flat_1d do not apply to input='vectors' (probability vectors on a "
            f"shared support have no coordinates); got dim={dim!r}, flat_1d={flat_1d!r}"
        )
    examples = check_count(max_examples, "max_examples")
    opts = {"max_size": int(max_size), **dict(pair_options or {})}
    if input != "vectors":
        opts["dim"] = None if dim is None else int(dim)
    ctx = Context(
        kind,
        _arguments(input, flat_1d),
        _invoker(fn),
        float(rtol),
        float(atol),
        opts,
        input,
        _ARG_NAMES[input],
        vector_pairs if input == "vectors" else raw_pairs,
    )
    ctx.pairs()  # validates pair_options at once
    run_settings = _run_settings(settings, examples, seed)
    name = getattr(fn, "__name__", type(fn).__name__)
    props = [p for p in _ALL_PROPERTIES if kind in p.kinds and input in p.forms]
    return tuple(
        DistanceCheck(
            f"{kind}-{p.name}",
            p.claim,
            run_settings.max_examples,
            _runner(p, ctx, run_settings, seed, name),
        )
        for p in props
    )


def _check_tolerances(rtol: Any, atol: Any) -> None:
    def ok(t: Any) -> bool:
        return (
            isinstance(t, numbers.Real)
            and not isinstance(t, bool)
            and math.isfinite(t)
            and t >= 0
        )

    if not (ok(rtol) and ok(atol)):
        raise ValueError(
            "rtol and atol must be finite real numbers >= 0; got "
            f"rtol={rtol!r} ({type(rtol).__name__}), atol={atol!r} ({type(atol).__name__})"
        )


#: Options the checks set whatever the settings say: no database (the properties share
#: one test function, so saved examples would cross between them), the reproduce blob in
#: every failure, and a stop at the first failure.
_FIXED = {"database": None, "print_blob": True, "report_multiple_bugs": False}


def _run_settings(given_settings: Any, max_examples: int, seed: int | None) -> Settings:
    # No "explain" phase: its lines point into this library, not into the user's code.
    base = Settings(
        distance_settings,
        max_examples=max_examples,
        derandomize=seed is None,
        phases=[p for p in Phase if p is not Phase.explain],
        **_FIXED,
    )
    if given_settings is None:
        return base
    if isinstance(given_settings, Settings):
        return Settings(given_settings, **_FIXED)
    if isinstance(given_settings, str):
        try:
            return Settings(Settings.get_profile(given_settings), **_FIXED)
        except InvalidArgument:
            raise ValueError(
                f"settings names no registered hypothesis profile; got {given_settings!r}"
            ) from None
    if isinstance(given_settings, Mapping):
        try:
            return Settings(base, **{**dict(given_settings), **_FIXED})
        except (TypeError, InvalidArgument) as exc:
            raise ValueError(
                f"settings must hold options of hypothesis.settings; got {dict(given_settings)!r} "
                f"({exc})"
            ) from None
    raise ValueError(
        "settings must be a hypothesis settings object, a dict of its options (e.g. "
        "{'max_examples': 1000}) or the name of a registered profile; got "
        f"{given_settings!r} ({type(given_settings).__name__})"
    )


def _runner(
    prop: Property, ctx: Context, run_settings: Settings, seed: int | None, fn_name: str
) -> Callable[[Any], None]:
    def run(reproduce: tuple[str, bytes] | None) -> None:
        @run_settings
        @given(prop.inputs(ctx))
        def test(case: Any) -> None:
            prop.check(ctx, case)

        if seed is not None:
            test = hypothesis_seed(seed)(test)
        if reproduce is not None:
            test = reproduce_failure(*reproduce)(test)
        try:
            test()
        except PropertyViolation as v:
            notes = tuple(getattr(v, "__notes__", ()))
            raise DistanceCheckFailure(
                prop, fn_name, ctx.kind, v, form=ctx.form, notes=notes
            ) from None

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
        At the first property that fails: its name and claim, the user's value beside
        what it was held to, the shrunk input, and hypothesis's report with the
        ``@reproduce_failure`` blob.

    Examples
    --------
    >>> from distances import Discrete, total_variation
    >>> def my_tv(x, a, y, b):
    ...     return total_variation(Discrete(x, a, normalize=True), Discrete(y, b, normalize=True))
    >>> check_distance(my_tv, "tv", max_examples=5).passed[:3]
    ('tv-exact_value', 'tv-inputs_unchanged', 'tv-zero_on_identical')
    """
    checks = distance_checks(fn, kind, **options)
    for check in checks:
        check()
    return CheckReport(tuple(c.name for c in checks), checks[0].max_examples)


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
