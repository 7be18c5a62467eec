"""``wgan-theory distances``: exits 0 and prints values that agree with the exact ones."""

from __future__ import annotations

import math

import pytest

from distances.paper.worked_examples import WORKED_EXAMPLES, rows
from wgan.cli import main

# The exact values below are worked by hand (README's quick start); the printed values
# are repr-exact (17 significant digits), so the table rows parse back to the computed floats.
LOG2 = math.log(2.0)
HAND_WORKED = {
    ("shifted", "TV"): 0.5,
    ("shifted", "KL(P||Q)"): math.inf,
    ("shifted", "JS"): LOG2 / 2,  # half the mass is shared: JS = 1/2 * log 2
    ("shifted", "W1"): 1.0,
    ("reweighted", "TV"): 0.25,
    ("reweighted", "KL(P||Q)"): 0.5 * math.log(4 / 3),
    ("reweighted", "W1"): 0.25,
    ("disjoint", "TV"): 1.0,
    ("disjoint", "JS"): LOG2,
    ("disjoint", "W1"): 1e-3,
}


def _table(out: str) -> dict[tuple[str, str], tuple[float, float, str]]:
    """(example, distance) -> (computed, exact, agree) from the printed table."""
    table = {}
    names = {name for name, *_ in WORKED_EXAMPLES}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 5 and fields[0] in names and fields[4] in ("yes", "NO"):
            table[(fields[0], fields[1])] = (float(fields[2]), float(fields[3]), fields[4])
    return table


def test_exits_zero_and_every_row_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["distances"]) == 0
    table = _table(capsys.readouterr().out)
    assert len(table) == len(rows()) == 5 * len(WORKED_EXAMPLES)
    assert {agree for *_, agree in table.values()} == {"yes"}


def test_printed_values_are_the_hand_worked_ones(capsys: pytest.CaptureFixture[str]) -> None:
    main(["distances"])
    table = _table(capsys.readouterr().out)
    for key, exact in HAND_WORKED.items():
        computed, printed_exact, _ = table[key]
        # 1e-15: KL and JS are sums of two or four logarithms, each rounded once.
        assert computed == exact or math.isclose(computed, exact, rel_tol=1e-15), key
        assert printed_exact == exact or math.isclose(printed_exact, exact, rel_tol=1e-15), key


def test_rows_match_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    main(["distances"])
    table = _table(capsys.readouterr().out)
    for name, key, value, _ in rows():
        assert table[(name, key)][0] == value  # %.17g round-trips a float exactly
