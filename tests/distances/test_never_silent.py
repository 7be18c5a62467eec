"""Inputs that used to fail inside numpy, scipy, torch or POT, or gave a wrong value
silently (issue 15): each now gets a ValueError that states the rule, or a right answer."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from distances import Discrete, earth_mover, total_variation
from distances._validation import as_scalar
from distances.dual import DUAL_RTOL, c_transform, check_lipschitz, kantorovich_dual


class TestScipyLawsWithArrayParameters:
    @pytest.mark.parametrize("fn", [total_variation, earth_mover])
    def test_array_loc_is_refused(self, fn: object) -> None:
        # scipy broadcasts: stats.norm([0, 1]) is two laws; before, a TypeError from numpy
        with pytest.raises(ValueError, match=r"scalar parameters.*array-valued"):
            fn(stats.norm([0.0, 1.0]), stats.norm(0.0))  # type: ignore[operator]

    def test_array_keyword_shape_on_the_second_law(self) -> None:
        with pytest.raises(ValueError, match=r"^Q must be one distribution"):
            total_variation(stats.norm(0.0), stats.beta(0.5, b=[1.0, 2.0]))


class TestIntegersBeyondFloatRange:
    def test_atoms(self) -> None:
        # before: OverflowError "int too large to convert to float" from numpy
        with pytest.raises(ValueError, match=r"atoms must be within the float64 range.*401 digits"):
            Discrete([10**400, 1.0])

    def test_weights(self) -> None:
        with pytest.raises(ValueError, match="weights must be within the float64 range"):
            Discrete([0.0, 1.0], [10**400, 1])

    def test_scalar_option(self) -> None:
        with pytest.raises(ValueError, match="margin must be within the float64 range"):
            as_scalar(-(10**400), "margin")

    def test_large_but_representable_integer_is_accepted(self) -> None:
        # 10**300 < 1.8e308 converts exactly as float(10**300) does
        assert Discrete([10**300]).atoms[0, 0] == float(10**300)


class TestTorchTensors:
    def test_requires_grad_is_refused_with_the_fix(self) -> None:
        # before: RuntimeError "Can't call numpy() on Tensor that requires grad"
        with pytest.raises(ValueError, match=r"requires grad.*tensor\.detach\(\)"):
            Discrete(torch.zeros(3, requires_grad=True))

    def test_gpu_tensor_is_refused_without_torch_cuda(self) -> None:
        # Duck-typed like the library's check (no GPU in CI): a torch-module object whose
        # device is cuda.
        class FakeDevice:
            type = "cuda"

        class FakeTensor:
            __module__ = "torch"
            requires_grad = False
            device = FakeDevice()

        with pytest.raises(ValueError, match=r"device 'cuda'.*tensor\.cpu\(\)"):
            Discrete(FakeTensor())

    def test_cpu_tensor_without_grad_is_converted(self) -> None:
        P = Discrete(torch.tensor([0.0, 2.0]))
        assert earth_mover(P, Discrete([1.0])) == pytest.approx(1.0, rel=1e-15)


class TestKantorovichDual:
    def test_overflowing_distances_are_refused(self) -> None:
        # |1e308 - (-1e308)| = 2e308 overflows; before: linprog's "b_ub must not contain inf"
        with pytest.raises(ValueError, match="distances between the points must be finite"):
            kantorovich_dual(Discrete([[1e308], [-1e308]]), Discrete([[0.0]]))

    def test_overflowing_distances_in_the_lipschitz_check_and_c_transform(self) -> None:
        # before: slopes |f_i - f_j| / inf = 0 passed the check; c_transform returned inf
        with pytest.raises(ValueError, match="distances between the points must be finite"):
            check_lipschitz([[1e308], [-1e308]], [0.0, 1.0])
        with pytest.raises(ValueError, match="distances between the points must be finite"):
            c_transform([0.0], [[1e308]], [[-1e308]])

    def test_agrees_is_relative_to_the_value(self) -> None:
        # Near-identical pairs: W1 near 1e-7 at diameter ~5. The LP used to stop 3e-4
        # (relative) below W1 and still report agrees=True (tolerance 1e-9 x diameter).
        rng = np.random.default_rng(0)
        for _ in range(5):
            x = rng.normal(size=(20, 2))
            w = np.full(20, 1 / 20)
            e = rng.normal(size=20) * 1e-8
            w2 = w + e - e.mean()
            sol = kantorovich_dual(Discrete(x, w), Discrete(x, w2, normalize=True))
            assert sol.agrees
            # tolerance: DUAL_RTOL relative plus 16 eps x diameter of round-off (<= 2e-14)
            assert sol.tolerance <= DUAL_RTOL * sol.primal_cost + 2e-14
            assert sol.gap <= 1e-6 * sol.primal_cost

    def test_agrees_fails_on_a_value_off_by_one_percent(self) -> None:
        # The rule must be able to fail: the same solution with its value 1 % low.
        from dataclasses import replace

        P = Discrete([[0.0], [1.0]], [0.5, 0.5])
        Q = Discrete([[0.0], [1.0]], [0.5 + 4e-9, 0.5 - 4e-9])
        sol = kantorovich_dual(P, Q)
        assert sol.agrees
        assert sol.gap <= 1e-15  # W1 = 4e-9 exactly, up to round-off of the weights
        assert not replace(sol, value=0.99 * sol.value).agrees
