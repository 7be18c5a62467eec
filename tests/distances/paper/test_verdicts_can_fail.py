"""Every verdict rule of the paper layer, fed a world where the claim is false, says FAIL.

A check that no input can fail is a defect: each test here builds the data of a world where
the paper's claim does not hold (a W1 that is not |theta|, a JS without the jump, a generator
whose W is not Lipschitz with the stated constant, a sequence that breaks Theorem 2, a dual
that disagrees with the primal) and asserts the verdict is a failure. Beside each, the true
world passes, so the rule is not merely always false.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pytest

from distances import Discrete
from distances.dual import kantorovich_dual
from distances.paper.convergence import Sequence2, check_theorem2
from distances.paper.dual_figures import check_duality
from distances.paper.example1 import Figure1Data, Trajectory, check_figure1, check_learning
from distances.paper.generators import Example1Generator
from distances.paper.theorems import check_theorem1, check_theorem3
from distances.paper.worked_examples import check_worked_examples, rows

LOG2 = math.log(2.0)


# -- Section 2: worked examples ---------------------------------------------------------------


def test_worked_examples_pass_on_the_library_values() -> None:
    assert check_worked_examples().passed is True


def test_worked_examples_fail_on_a_wrong_value() -> None:
    table = rows()
    name, key, value, exact = table[0]
    table[0] = (name, key, value * (1 + 1e-9), exact)  # off by 1e-9 relative > 1e-12
    result = check_worked_examples(table)
    assert result.passed is False and name in result.failures[0]


# -- Figure 1 -----------------------------------------------------------------------------------


def _figure1(**overrides: np.ndarray) -> Figure1Data:
    """The data of the true world (W1 = |theta|, JS jumps, KL infinite, TV 1), then overrides."""
    theta = np.linspace(-1.0, 1.0, 21)
    theta[10] = 0.0
    off = theta != 0
    cols = {
        "w1_exact": np.abs(theta),
        "w1_same_z": np.abs(theta),
        "w1_indep": np.abs(theta) + 0.01,
        "floor": np.full(theta.size, 0.03),
        "js_same_z": np.where(off, LOG2, 0.0),
        "kl_0_theta_same_z": np.where(off, math.inf, 0.0),
        "kl_theta_0_same_z": np.where(off, math.inf, 0.0),
        "tv_same_z": np.where(off, 1.0, 0.0),
    }
    cols.update(overrides)
    return Figure1Data(theta, 64, 0, cols)


def test_figure1_true_world_passes() -> None:
    assert [c.passed for c in check_figure1(_figure1())] == [True, True, True]


def test_figure1_w1_not_abs_theta_fails() -> None:
    theta = _figure1().theta
    w1, js, kl_tv = check_figure1(_figure1(w1_same_z=theta**2))  # W1 = theta^2, not |theta|
    assert (w1.passed, js.passed, kl_tv.passed) == (False, True, True)


def test_figure1_independent_samples_below_abs_theta_fail() -> None:
    theta = _figure1().theta
    w1, _, _ = check_figure1(_figure1(w1_indep=0.5 * np.abs(theta)))
    assert w1.passed is False and "outside" in w1.failures[0]


def test_figure1_js_without_the_jump_fails() -> None:
    theta = _figure1().theta
    _, js, _ = check_figure1(_figure1(js_same_z=LOG2 * np.minimum(1.0, 10 * np.abs(theta))))
    assert js.passed is False


def test_figure1_finite_kl_fails() -> None:
    theta = _figure1().theta
    _, _, kl_tv = check_figure1(_figure1(kl_0_theta_same_z=theta**2))
    assert kl_tv.passed is False


def _trajectory(loss: str, theta: list[float]) -> Trajectory:
    t = np.array(theta)
    return Trajectory(loss, t, np.abs(t), np.sign(t))


def test_learning_rule_fails_when_w1_does_not_reach_zero_or_js_moves() -> None:
    good = [_trajectory("w1", [1.0, 0.5, 0.0]), _trajectory("js", [1.0, 1.0, 1.0])]
    assert check_learning(good).passed is True
    stuck = [_trajectory("w1", [1.0, 0.9, 0.8]), _trajectory("js", [1.0, 1.0, 1.0])]
    assert check_learning(stuck).passed is False
    js_moves = [_trajectory("w1", [1.0, 0.5, 0.0]), _trajectory("js", [1.0, 0.5, 0.0])]
    assert check_learning(js_moves).passed is False


# -- Theorem 1 and 3 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnderstatedSpeed(Example1Generator):
    """Example 1's generator whose stated derivative is half the true one: the bound L it
    implies (1/2) is broken by W = |theta| (slope 1)."""

    name: str = "Example 1 with dtheta halved"

    def dtheta(self, theta: float, z: object) -> np.ndarray:
        return 0.5 * super().dtheta(theta, z)


@dataclass(frozen=True)
class _Jump(Example1Generator):
    """g_theta(z) = (theta + 0.5 sign(theta), z): W jumps at 0, not continuous."""

    name: str = "Example 1 with a jump at 0"

    def __call__(self, theta: float, z: object) -> np.ndarray:
        return super().__call__(theta + 0.5 * np.sign(theta), z)


@dataclass(frozen=True)
class _Still(Example1Generator):
    """g_theta(z) = (0, z): P_theta = P_0, so JS has no jump at 0 (Theorem 1 (3)'s world fails)."""

    name: str = "a generator that does not move"

    def __call__(self, theta: float, z: object) -> np.ndarray:
        return super().__call__(0.0, z)

    def dtheta(self, theta: float, z: object) -> np.ndarray:
        return 0.0 * super().dtheta(theta, z)


@pytest.mark.parametrize(
    ("generator", "expected"),
    [
        (_UnderstatedSpeed(), "> bound"),
        (_Jump(), "> bound"),
        (_Still(), "JS jump at 0"),
    ],
)
def test_theorem1_fails_in_a_world_where_it_is_false(generator, expected) -> None:
    result = check_theorem1(generator, n=16, refinements=1)
    assert result.passed is False
    assert any(expected in f for f in result.failures), result.failures


def test_theorem1_passes_on_example1() -> None:
    assert check_theorem1(n=16, refinements=1).passed is True


def test_theorem3_fails_when_the_critic_gradient_is_not_the_derivative() -> None:
    result = check_theorem3(_UnderstatedSpeed(), n=16, points=2)
    assert result.passed is False
    assert check_theorem3(n=16, points=2).passed is True


# -- Theorem 2 ------------------------------------------------------------------------------


def _fake(name: str, values, *, in_distribution: bool = True, diam: float = 1.0) -> Sequence2:
    return Sequence2(name, values, lambda n: {}, lambda n: diam, in_distribution)


def test_theorem2_fails_when_tv_vanishes_but_js_does_not() -> None:
    # A world that breaks statement (1) (and JS <= log(2) TV): TV -> 0 while JS stays put.
    seq = _fake("TV -> 0, JS fixed", lambda n: {"tv": 1 / n, "js": 0.3, "kl_np": math.inf,
                                                 "kl_pn": math.inf, "w1": 1 / n})
    result = check_theorem2((10, 100, 1000), cases=[seq])
    assert result.passed is False
    assert any("statement (1)" in f for f in result.failures)
    assert "statements FAIL" in result.headline


def test_theorem2_fails_when_w1_vanishes_without_convergence_in_distribution() -> None:
    seq = _fake("W1 -> 0, not in distribution", lambda n: {
        "tv": 1 / n, "js": math.log(2) / n, "kl_np": 1 / n, "kl_pn": 1 / n, "w1": 1 / n},
        in_distribution=False)
    result = check_theorem2((10, 100, 1000), cases=[seq])
    assert any("statement (2)" in f for f in result.failures)


def test_theorem2_fails_on_values_off_their_closed_form() -> None:
    true_values = {"tv": 0.0, "js": 0.0, "kl_np": 0.0, "kl_pn": 0.0, "w1": 0.0}
    seq = Sequence2("off", lambda n: {**true_values, "w1": 2.0 / n},
                    lambda n: {"w1": 1.0 / n}, lambda n: math.inf, True)
    result = check_theorem2((10, 100), cases=[seq])
    assert any("off its closed form" in f for f in result.failures)


def test_theorem2_passes_on_a_dirac_sequence() -> None:
    seq = Sequence2("Dirac 1/n", lambda n: {"tv": 1.0, "js": LOG2, "kl_np": math.inf,
                                            "kl_pn": math.inf, "w1": 1.0 / n},
                    lambda n: {"w1": 1.0 / n}, lambda n: 1.0, True)
    assert check_theorem2((10, 100, 1000), cases=[seq]).passed is True


# -- Kantorovich-Rubinstein duality --------------------------------------------------------------


def test_duality_fails_when_the_dual_value_is_not_the_primal() -> None:
    sol = kantorovich_dual(Discrete([0.0, 3.0]), Discrete([1.0, 3.0], [0.75, 0.25]))
    assert check_duality("line", sol).passed is True
    wrong = dataclasses.replace(sol, value=sol.value * 1.01)  # a 1 % duality gap
    assert check_duality("line", wrong).passed is False
