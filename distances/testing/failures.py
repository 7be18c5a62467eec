"""How a failed check reads: :class:`DistanceCheckFailure`.

The report names the property and its claim, what went wrong, the user's value (always
the user's result on the input shown) beside what it was held to under its label (exact
value, lower bound, upper bound, or the user's own value on a related input), the shrunk
input, and hypothesis's own report: the failing example and the ``@reproduce_failure``
blob that replays it (see :class:`~distances.testing.DistanceCheck`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from .cases import RawPair
from .context import Property, PropertyViolation

__all__ = ["DistanceCheckFailure"]

_BLOB = re.compile(r"@reproduce_failure\((?P<args>[^)]*)\)")


class DistanceCheckFailure(AssertionError):
    """A property of the user's distance failed.

    Attributes
    ----------
    check : str
        The check's name, ``"<kind>-<property>"`` (as :func:`distance_checks` names it).
    property : str
        The property's name.
    claim : str
        What it claims.
    user_value : float or str
        The user's result on the input shown.
    exact_value : float or str
        What it was held to: the exact value, a bound, or the user's value elsewhere.
    label : str
        The name of ``exact_value``: ``"exact value"``, ``"lower bound"``,
        ``"upper bound"``, ``"expected"`` or the related call.
    case : object
        The shrunk input (a :class:`~distances.testing.RawPair`, or a tuple of them).
    reproduce : tuple of (str, bytes) or None
        The arguments of hypothesis's ``reproduce_failure(version, blob)`` that replay
        this failure: ``reproduce_failure(*failure.reproduce)(check)()``.
    hypothesis_report : tuple of str
        Hypothesis's notes: the failing example and the reproduce line.
    """

    def __init__(
        self,
        prop: Property,
        fn_name: str,
        kind: str,
        v: PropertyViolation,
        *,
        form: str = "arrays",
        notes: tuple[str, ...] = (),
    ) -> None:
        self.check = f"{kind}-{prop.name}"
        self.reproduce = _reproduce_args(notes)
        lines = [
            f"{fn_name} ({kind}) fails property {prop.name!r}: {prop.claim}.",
            f"  it {v.detail}",
            f"  user's value: {_show(v.user)}",
            f"  {v.label + ':':<13} {_show(v.exact)}",
            "  shrunk input:",
            *(f"    {line}" for line in _describe(v.case, form)),
        ]
        if notes:
            shown = [line for n in notes for line in n.strip().splitlines() if line.strip()]
            lines += ["  hypothesis:", *(f"    {line}" for line in shown)]
        if self.reproduce is not None:
            lines.append(
                f"  replay: reproduce_failure{self.reproduce!r}(check)() with check the "
                f"{self.check!r} check of distance_checks(...) called as this one was"
            )
        super().__init__("\n".join(lines))
        self.property, self.claim, self.label = prop.name, prop.claim, v.label
        self.user_value, self.exact_value, self.case = v.user, v.exact, v.case
        self.hypothesis_report = tuple(notes)


def _reproduce_args(notes: tuple[str, ...]) -> tuple[str, bytes] | None:
    for note in notes:
        match = _BLOB.search(note)
        if match:
            version, blob = ast.literal_eval(f"({match['args']},)")
            return str(version), bytes(blob)
    return None


def _show(v: Any) -> str:
    return repr(v)


def _describe(case: Any, form: str) -> list[str]:
    if isinstance(case, RawPair):
        if form == "vectors":
            return [f"relation={case.relation!r}", f"p = {case.a.tolist()!r}",
                    f"q = {case.b.tolist()!r}"]
        return [
            f"relation={case.relation!r}, d={case.dim}",
            f"x = {case.x.tolist()!r}",
            f"a = {case.a.tolist()!r}",
            f"y = {case.y.tolist()!r}",
            f"b = {case.b.tolist()!r}",
        ]
    if isinstance(case, tuple):
        return [line for i, c in enumerate(case) for line in [f"[{i}]", *_describe(c, form)]]
    return [repr(case)]
