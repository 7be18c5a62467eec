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
    # equal to round-off, not to the last bit: earth_mover's default answers with the
    # dense solver until the sparse solver's kernels are loaded (in the background), and
    # that may happen between two calls (seen once with a cold numba cache, 2 workers)
    np.testing.assert_allclose(row["exact_w1"], history.rows[0]["exact_w1"], rtol=1e-12)
    run2 = _Run(cfg, torch.device("cpu"))
    from wgan.data import sample_dataset

    real = sample_dataset(cfg.dataset, cfg.n_exact, run2.eval_rng).double().numpy()
    real2 = sample_dataset(cfg.dataset, cfg.n_exact, run2.eval_rng).double().numpy()
    np.testing.assert_allclose(row["floor"], earth_mover(Discrete(real), Discrete(real2)),
                               rtol=1e-12)


def test_same_seed_same_run_to_the_last_digit(tmp_path):
    a = train(_config(tmp_path / "a"))
    b = train(_config(tmp_path / "b"))
    for col in ("critic_estimate", "lipschitz"):
        assert np.array_equal(a.column(col), b.column(col))
    # the exact W1 to round-off: the dense or the sparse solver answers, as the sparse
    # solver's kernels are loaded or not yet (see test_logged_exact_w1_is_distances_...)
    for col in ("exact_w1", "floor"):
        np.testing.assert_allclose(a.column(col), b.column(col), rtol=1e-12)


def test_resume_continues_identically(tmp_path):
    straight = train(_config(tmp_path / "straight"))
    half = train(_config(tmp_path / "resumed", generator_iterations=6))
    assert half.checkpoint_step == 6
    resumed = train(_config(tmp_path / "resumed"), resume=True)
    assert resumed.iterations_run == 6
    for col in ("step", "critic_estimate", "lipschitz"):
        assert np.array_equal(straight.column(col), resumed.column(col)), col
    for col in ("exact_w1", "floor"):  # to round-off (see test_same_seed_same_run_...)
        np.testing.assert_allclose(straight.column(col), resumed.column(col), rtol=1e-12)
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


class TestTrainingLosesNothing:
    """Issue 15: Ctrl-C, the seconds column, the checkpoint cadence, bad checkpoints."""

    def test_interrupt_inside_an_iteration_rolls_back_to_the_last_complete_one(
        self, tmp_path, monkeypatch
    ):
        import wgan.train as train_module

        calls = {"n": 0}
        original = train_module.critic_step

        def critic_step_then_ctrl_c(*args, **kwargs):
            calls["n"] += 1
            # step 5's critic steps start after 5 iterations x max(n_critic, warmup) = 25
            # calls; the third one of step 5 raises, after two updates of the critic.
            if calls["n"] == 5 * 5 + 3:
                raise KeyboardInterrupt
            return original(*args, **kwargs)

        monkeypatch.setattr(train_module, "critic_step", critic_step_then_ctrl_c)
        partial = train(_config(tmp_path))
        assert partial.interrupted and partial.step == 5 and partial.checkpoint_step == 5
        ckpt = load_checkpoint(partial.checkpoint_path)
        # the History's networks (the figures' source) are the checkpoint's, not the
        # critic with two extra updates
        for key in ("critic", "generator"):
            live = getattr(partial, key).state_dict()
            assert all(torch.equal(live[k], ckpt[key][k]) for k in live), key
        monkeypatch.undo()
        resumed = train(_config(tmp_path), resume=True)
        straight = train(_config(tmp_path / "straight"))
        assert np.array_equal(straight.column("exact_w1"), resumed.column("exact_w1"))

    def test_real_sigint_finishes_the_iteration(self, tmp_path, monkeypatch, capsys):
        import os
        import signal
        import threading

        if (threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
            pytest.skip("train() defers Ctrl-C only where SIGINT has Python's default handler")
        original = _Run.iteration

        def sigint_during_step_4(self):
            if self.step == 4:
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the middle of the iteration
            original(self)

        monkeypatch.setattr(_Run, "iteration", sigint_during_step_4)
        partial = train(_config(tmp_path))
        assert "finishing this generator iteration" in capsys.readouterr().err
        # iteration 4 -> 5 completed, then the run stopped and checkpointed step 5
        assert partial.interrupted and partial.step == 5 and partial.checkpoint_step == 5
        assert load_checkpoint(partial.checkpoint_path)["step"] == 5

    def test_resume_continues_the_seconds_column(self, tmp_path, monkeypatch):
        original = _Run.iteration

        def slow_then_stop(self):
            if self.step == 7:
                raise KeyboardInterrupt
            original(self)

        monkeypatch.setattr(_Run, "iteration", slow_then_stop)
        partial = train(_config(tmp_path))
        worked = load_checkpoint(partial.checkpoint_path)["seconds"]
        assert worked >= partial.rows[-1]["seconds"] > 0
        monkeypatch.undo()
        resumed = train(_config(tmp_path), resume=True)
        secs = resumed.column("seconds")
        # one clock over both processes: non-decreasing, and the first row after the
        # resume (step 9) comes after the work saved in the checkpoint
        assert np.all(np.diff(secs) >= 0), secs
        assert resumed.rows[3]["step"] == 9 and resumed.rows[3]["seconds"] > worked

    @pytest.mark.parametrize(("seconds", "expected"), [
        (1e-9, list(range(1, 13))),  # every iteration takes longer than 1 ns: all saved
        (1e9, [6, 12]),  # the iteration cadence only
    ])
    def test_checkpoint_cadence_in_seconds(self, tmp_path, monkeypatch, seconds, expected):
        import wgan.train as train_module

        saved = []
        original = train_module._save

        def record(state, path):
            saved.append(int(state["step"]))
            original(state, path)

        monkeypatch.setattr(train_module, "_save", record)
        train(_config(tmp_path, checkpoint_seconds=seconds))
        assert saved == expected

    def test_checkpoint_seconds_must_be_positive(self, tmp_path):
        with pytest.raises(ValueError, match="checkpoint_seconds must be a finite positive"):
            _config(tmp_path, checkpoint_seconds=0)


class TestBadCheckpoints:
    @pytest.mark.parametrize("damage", ["truncated", "text", "list", "format"])
    def test_resume_raises_checkpoint_error_and_keeps_metrics(self, tmp_path, damage):
        from wgan.checkpoint import CheckpointError

        history = train(_config(tmp_path, generator_iterations=3))
        path = history.checkpoint_path
        if damage == "truncated":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        elif damage == "text":
            path.write_text("not a checkpoint\n")
        elif damage == "list":
            torch.save([1, 2, 3], path)
        else:
            torch.save({"format": 99}, path)
        before = history.metrics_path.read_bytes()
        with pytest.raises(CheckpointError) as info:
            train(_config(tmp_path, generator_iterations=6), resume=True)
        assert info.value.path == path
        assert str(path) in str(info.value)
        assert "--resume" not in str(info.value)  # library words, not the CLI's
        assert history.metrics_path.read_bytes() == before
