"""train(config): streamed metrics, exact W1 beside the estimate, checkpoints, resume, Ctrl-C."""

import csv

import numpy as np
import pytest
import torch

from distances import Discrete, earth_mover
from wgan.config import TrainConfig
from wgan.train import METRIC_COLUMNS, History, _Run, load_checkpoint, train


def _config(tmp_path, **kw) -> TrainConfig:
    base = dict(generator_iterations=12, log_every=3, checkpoint_every=6, n_exact=48,
                width=16, depth=2, out_dir=str(tmp_path), progress=False, seed=5)
    base.update(kw)
    return TrainConfig(**base)


def _csv(path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("method", ["gp", "clip", "lp", "sn"])
def test_tiny_run_logs_every_k_steps(tmp_path, method):
    history = train(_config(tmp_path, method=method))
    assert [r["step"] for r in history.rows] == [0, 3, 6, 9, 12]
    rows = _csv(history.metrics_path)
    assert list(rows[0]) == list(METRIC_COLUMNS)
    # the streamed CSV holds exactly the values of the history (repr round-trips floats)
    assert [float(r["exact_w1"]) for r in rows] == list(history.column("exact_w1"))
    for row in history.rows:
        assert row["exact_w1"] > 0 and row["floor"] > 0
        np.testing.assert_allclose(row["normalised_estimate"],
                                   row["critic_estimate"] / row["lipschitz"], rtol=1e-12)
    assert history.step == 12 and history.checkpoint_step == 12 and not history.interrupted


def test_logged_exact_w1_is_distances_earth_mover(tmp_path):
    # re-draw the first logged samples from the eval stream and recompute with distances
    cfg = _config(tmp_path, generator_iterations=3)
    history = train(cfg)
    run = _Run(cfg, torch.device("cpu"))  # untrained networks = step 0, same eval stream
    row = run.metrics()
    assert row["exact_w1"] == history.rows[0]["exact_w1"]
    run2 = _Run(cfg, torch.device("cpu"))
    from wgan.data import sample_dataset

    real = sample_dataset(cfg.dataset, cfg.n_exact, run2.eval_rng).double().numpy()
    real2 = sample_dataset(cfg.dataset, cfg.n_exact, run2.eval_rng).double().numpy()
    assert row["floor"] == earth_mover(Discrete(real), Discrete(real2))


def test_same_seed_same_run_to_the_last_digit(tmp_path):
    a = train(_config(tmp_path / "a"))
    b = train(_config(tmp_path / "b"))
    for col in ("critic_estimate", "lipschitz", "exact_w1", "floor"):
        assert np.array_equal(a.column(col), b.column(col))


def test_resume_continues_identically(tmp_path):
    straight = train(_config(tmp_path / "straight"))
    half = train(_config(tmp_path / "resumed", generator_iterations=6))
    assert half.checkpoint_step == 6
    resumed = train(_config(tmp_path / "resumed"), resume=True)
    assert resumed.iterations_run == 6
    for col in ("step", "critic_estimate", "lipschitz", "exact_w1", "floor"):
        assert np.array_equal(straight.column(col), resumed.column(col)), col
    for key in ("critic", "generator"):
        sa, sb = getattr(straight, key).state_dict(), getattr(resumed, key).state_dict()
        assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert len(_csv(resumed.metrics_path)) == 5


def test_ctrl_c_checkpoints_the_last_completed_iteration(tmp_path, monkeypatch):
    cfg = _config(tmp_path)
    original = _Run.iteration

    def interrupt_at_step_8(self):
        if self.step == 8:
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(_Run, "iteration", interrupt_at_step_8)
    partial = train(cfg)
    # the periodic checkpoint was at 6; Ctrl-C wrote one at 8, the last completed iteration
    assert partial.interrupted and partial.step == 8 and partial.checkpoint_step == 8
    assert load_checkpoint(partial.checkpoint_path)["step"] == 8
    # everything logged before Ctrl-C is on disk: steps 0, 3, 6
    assert [int(r["step"]) for r in _csv(partial.metrics_path)] == [0, 3, 6]
    monkeypatch.setattr(_Run, "iteration", original)
    resumed = train(cfg, resume=True)
    straight = train(_config(tmp_path / "straight"))
    assert np.array_equal(straight.column("exact_w1"), resumed.column("exact_w1"))


def test_interrupt_says_where(tmp_path, monkeypatch, capsys):
    def boom(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(_Run, "iteration", boom)
    history = train(_config(tmp_path))
    err = capsys.readouterr().err
    # interrupted before the first periodic checkpoint: one is written at step 0
    assert history.interrupted and history.rows and history.step == 0
    assert history.checkpoint_step == 0 and history.checkpoint_path.exists()
    assert "interrupted after generator iteration 0" in err
    assert str(history.metrics_path) in err
    assert f"checkpoint (step 0) is {history.checkpoint_path}" in err
    monkeypatch.undo()
    resumed = train(_config(tmp_path), resume=True)
    straight = train(_config(tmp_path / "straight"))
    assert np.array_equal(straight.column("exact_w1"), resumed.column("exact_w1"))


def test_checkpoint_loads_with_weights_only(tmp_path):
    history = train(_config(tmp_path, method="sn"))
    ckpt = torch.load(history.checkpoint_path, weights_only=True)
    assert ckpt["step"] == 12 and ckpt["config"]["method"] == "sn"
    assert load_checkpoint(history.checkpoint_path)["step"] == 12


class TestResumeErrors:
    def test_without_checkpoint(self, tmp_path):
        with pytest.raises(ValueError, match="resuming needs a checkpoint; none at"):
            train(_config(tmp_path), resume=True)

    def test_changed_configuration(self, tmp_path):
        train(_config(tmp_path, generator_iterations=3))
        with pytest.raises(ValueError, match="these differ: width: 16 -> 32"):
            train(_config(tmp_path, width=32), resume=True)

    def test_past_the_end(self, tmp_path):
        train(_config(tmp_path, generator_iterations=6))
        with pytest.raises(ValueError, match="must be >= the checkpoint's step 6; got 3"):
            train(_config(tmp_path, generator_iterations=3), resume=True)

    def test_cuda_absent_before_any_work(self, tmp_path):
        if torch.cuda.is_available():
            pytest.skip("a GPU is present")
        with pytest.raises(ValueError, match="device 'cuda' was asked for"):
            train(_config(tmp_path / "never", device="cuda"))
        assert not (tmp_path / "never").exists()


def test_history_column_rejects_unknown_names(tmp_path):
    history = train(_config(tmp_path, generator_iterations=3))
    assert isinstance(history, History)
    with pytest.raises(ValueError, match="column must be one of"):
        history.column("loss")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_train_on_cuda_resumes_identically(tmp_path):
    straight = train(_config(tmp_path / "a", device="cuda"))
    train(_config(tmp_path / "b", device="cuda", generator_iterations=6))
    resumed = train(_config(tmp_path / "b", device="cuda"), resume=True)
    assert next(straight.critic.parameters()).is_cuda
    # CUDA kernels may be non-deterministic: equal to float32 round-off
    np.testing.assert_allclose(straight.column("exact_w1"), resumed.column("exact_w1"),
                               rtol=1e-4)
