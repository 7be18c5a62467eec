"""What every property shares: the context of a check, its failures, its description.

A :class:`Property` draws its inputs and checks one claim about the user's function
(:class:`Context` calls it). A claim that fails raises :class:`PropertyViolation` with the
user's result on the input shown, what it was held to and the label of that: an
``"exact value"``, a ``"lower bound"`` or ``"upper bound"`` on the user's value, or the
user's own value on a related input (``"user's fn(Q, P)"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from hypothesis import strategies as st

from ..divergences import js_divergence, kl_divergence, total_variation
from ..measures import Discrete
from ..wasserstein import earth_mover
from .cases import RawPair
from .raw import raw_pairs
from .tolerances import divergence_atol, w1_atol

__all__ = [
    "ARRAY_FORMS",
    "EXACT",
    "KINDS",
    "LOG2",
    "Context",
    "Kind",
    "Property",
    "PropertyViolation",
    "at_least",
    "at_most",
    "hold",
    "inputs_unchanged",
    "snapshot",
]

Kind = Literal["tv", "kl", "js", "w1"]
LOG2 = math.log(2.0)
KINDS: tuple[str, ...] = ("tv", "kl", "js", "w1")
LOG2 = math.log(2.0)
EXACT: dict[str, Callable[[Discrete, Discrete], float]] = {
    "tv": total_variation,
    "kl": kl_divergence,
    "js": js_divergence,
    "w1": earth_mover,
}


class PropertyViolation(AssertionError):
    """A property failed on one input.

    Attributes
    ----------
    detail : str
        What went wrong ("differs from the exact value", "breaks ...").
    user : float or str
        The user's result on ``case``.
    exact : float or str
        What it was held to: an exact value, a bound, or the user's value elsewhere.
    case : object
        The input.
    label : str
        The name of ``exact`` in a report: ``"exact value"``, ``"lower bound"``,
        ``"upper bound"``, ``"expected"`` or the related call (``"user's fn(Q, P)"``).
    """

    def __init__(
        self,
        detail: str,
        user: float | str,
        exact: float | str,
        case: Any,
        label: str = "exact value",
    ) -> None:
        super().__init__(f"{detail}: user's value {user!r}, {label} {exact!r}, input {case!r}")
        self.detail, self.user, self.exact, self.case = detail, user, exact, case
        self.label = label


#: The input forms of the pair properties: ``fn(x, a, y, b)`` and ``fn(P, Q)``.
ARRAY_FORMS: tuple[str, ...] = ("arrays", "discrete")


@dataclass(frozen=True)
class Context:
    """What a property needs: the user's function, its kind and form, the tolerances.

    ``args(pair)`` builds fresh arguments for the user's function from a pair (names in
    ``arg_names``), ``invoke(args, pair)`` calls it and returns its value as a float
    (raising :class:`PropertyViolation` if it raises or returns no number).
    """

    kind: str
    args: Callable[[RawPair], tuple[Any, ...]]
    invoke: Callable[[tuple[Any, ...], RawPair], float]
    rtol: float
    atol: float
    pair_options: dict[str, Any]
    form: str = "arrays"
    arg_names: tuple[str, ...] = ("x", "a", "y", "b")
    #: ``make_pairs(**options)``: the pair strategy (:func:`raw_pairs`, or the vector
    #: pairs of :mod:`distances.testing.vectors` for ``input="vectors"``).
    make_pairs: Callable[..., st.SearchStrategy[RawPair]] = raw_pairs

    def call(self, pair: RawPair) -> float:
        """The user's value on the pair (fresh arguments)."""
        return self.invoke(self.args(pair), pair)

    def exact(self, pair: RawPair) -> float:
        """The exact value of this kind on the pair's measures."""
        return EXACT[self.kind](pair.P, pair.Q)

    def tol(self, pair: RawPair, value: float, *, scale: float = 1.0) -> float:
        """Allowed error on a value of the user's near ``value`` for this pair."""
        if self.kind == "w1":
            roundoff = w1_atol(pair.P, pair.Q, scale=scale)
        else:
            roundoff = divergence_atol(pair.x.shape[0] + pair.y.shape[0])
        size = abs(value) if math.isfinite(value) else 0.0
        return self.atol + roundoff + self.rtol * size

    def pairs(self, *relations: str) -> st.SearchStrategy[RawPair]:
        """The pair strategy of this check, restricted to ``relations`` if given."""
        opts = dict(self.pair_options)
        if relations:
            opts["relations"] = relations
        return self.make_pairs(**opts)

    def expect_close(
        self,
        detail: str,
        user: float,
        exact: float,
        tol: float,
        case: Any,
        label: str = "exact value",
    ) -> None:
        """Raise unless ``|user - exact| <= tol`` (two equal infinities agree)."""
        if math.isinf(exact) or math.isinf(user):
            ok = user == exact
        else:
            ok = abs(user - exact) <= tol
        if not ok:
            raise PropertyViolation(detail, user, exact, case, label)


def hold(ok: bool, detail: str, user: float, bound: float, label: str, case: Any) -> None:
    """Raise unless ``ok``; ``user`` is the user's result, ``bound`` what it was held to."""
    if not ok:
        raise PropertyViolation(detail, user, bound, case, label)


def at_most(detail: str, user: float, bound: float, tol: float, case: Any) -> None:
    """The user's value is at most ``bound`` (an upper bound)."""
    hold(user <= bound + tol, detail, user, bound, "upper bound", case)


def at_least(detail: str, user: float, bound: float, tol: float, case: Any) -> None:
    """The user's value is at least ``bound`` (a lower bound)."""
    hold(bound <= user + tol, detail, user, bound, "lower bound", case)


def snapshot(value: Any) -> Any:
    """A comparable record of an argument: the bytes of arrays (signed zeros and ulps
    count), recursively through :class:`~distances.Discrete`, lists and tuples."""
    if isinstance(value, np.ndarray):
        return ("ndarray", value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, Discrete):
        return ("Discrete", snapshot(value.atoms), snapshot(value.weights))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(snapshot(v) for v in value))
    if isinstance(value, float):
        return ("float", value.hex())
    return (type(value).__name__, repr(value))


def _shown(value: Any) -> Any:
    """An argument as a report shows it."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Discrete):
        return f"Discrete(atoms={value.atoms.tolist()!r}, weights={value.weights.tolist()!r})"
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value  # Discrete is immutable; numbers are values


def inputs_unchanged(ctx: Context, pair: RawPair) -> None:
    args = ctx.args(pair)
    before = [(snapshot(v), _copy(v)) for v in args]
    ctx.invoke(args, pair)
    for name, value, (record, copy) in zip(ctx.arg_names, args, before, strict=True):
        if snapshot(value) != record:
            raise PropertyViolation(
                f"changed its argument {name} in place", _shown(value), _shown(copy), pair,
                f"{name} as passed",
            )


@dataclass(frozen=True)
class Property:
    """One claim a correct implementation meets on every input.

    Attributes
    ----------
    name : str
        A short identifier (the pytest id).
    claim : str
        The claim in words.
    kinds : tuple of str
        The kinds of distance it applies to.
    inputs : callable
        ``inputs(ctx)`` is the strategy of the inputs.
    check : callable
        ``check(ctx, drawn)`` raises :class:`PropertyViolation` when the claim fails.
    forms : tuple of str
        The input forms it applies to (``"arrays"``, ``"discrete"``, ``"vectors"``); the
        raw-input properties are trivial for :class:`~distances.Discrete` input.
    """

    name: str
    claim: str
    kinds: tuple[str, ...]
    inputs: Callable[[Context], st.SearchStrategy[Any]]
    check: Callable[[Context, Any], None]
    forms: tuple[str, ...] = ARRAY_FORMS
