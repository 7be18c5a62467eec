"""Checkpoints inside a cell: an interrupted-and-resumed fit is the fit that ran straight through.

The claim is checked number for number (seeded, one thread) for a critic of each kind of state
(Adam and gp; spectral norm's power-iteration vectors; GroupSort's Björck parametrisation;
RMSProp and clipping), with a world where the claim is false (a resume that forgets the
random generators) to show the comparison can fail; then the sweep's side: ``--resume`` goes
on from the checkpoint, a fresh sweep removes it, a checkpoint of other settings or a broken
file is refused in one line.
"""

import csv
from dataclasses import replace

import pytest
import torch

import wgan.benchmark.training as training
from wgan.app.benchmark_sweep import SweepInterrupted, run_sweep
from wgan.benchmark import BenchmarkCell, run_cell
from wgan.benchmark.checkpoints import checkpoint_path, progress_path
from wgan.benchmark.table import SweepSettings

TINY = dict(dim=2, n_funnels=4, steps=30, width=16, depth=2, n_eval=256, n_mc=2048,
            device="cpu", checkpoint_every=10)


def timeless(res) -> dict:
    """A result without its wall times (which differ between runs)."""
    return {**res.to_dict(), "seconds": 0, "steps_per_second": 0, "total_seconds": 0}


def interrupt_at(monkeypatch, call: int) -> None:
    """Make the ``call``-th critic step of this test raise KeyboardInterrupt (Ctrl-C)."""
    real, count = training.critic_step, [0]

    def step(*args, **kwargs):
        count[0] += 1
        if count[0] == call:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "critic_step", step)


def count_critic_steps(monkeypatch) -> list:
    """Count this test's critic steps from here on: the list grows by one a step."""
    real, steps = training.critic_step, []

    def counting(*args, **kwargs):
        steps.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "critic_step", counting)
    return steps


@pytest.mark.parametrize("method", ["gp", "sn", "groupsort", "clip"])
def test_interrupted_and_resumed_cell_equals_the_uninterrupted_one(method, tmp_path,
                                                                   monkeypatch):
    straight = run_cell(BenchmarkCell(method=method, **TINY))
    cell = BenchmarkCell(method=method, checkpoint_dir=str(tmp_path), **TINY)
    with monkeypatch.context() as m:
        interrupt_at(m, 17)  # after the checkpoint at step 10, before the one at 20
        with pytest.raises(KeyboardInterrupt):
            run_cell(cell)
    assert checkpoint_path(tmp_path, cell.key).exists()
    resumed = run_cell(cell)
    # exact equality: the same float operations in the same order on one thread
    assert timeless(resumed) == timeless(straight)
    assert not checkpoint_path(tmp_path, cell.key).exists()  # the row holds the result now
    with progress_path(tmp_path, cell.key).open() as fh:
        curve = list(csv.DictReader(fh))
    assert [int(r["step"]) for r in curve] == [10, 20, 30]
    assert float(curve[-1]["grad_cosine"]) == pytest.approx(straight.grad_cosine, abs=1e-6)


def test_a_resume_that_forgets_the_random_state_is_caught(tmp_path, monkeypatch):
    # The world where the claim is false: the generators are not restored (they start again
    # from the seed), so the resumed fit draws the first batches again; the comparison of
    # the test above sees it.
    straight = run_cell(BenchmarkCell(method="gp", **TINY))
    cell = BenchmarkCell(method="gp", checkpoint_dir=str(tmp_path), **TINY)
    with monkeypatch.context() as m:
        interrupt_at(m, 17)
        with pytest.raises(KeyboardInterrupt):
            run_cell(cell)
    path = checkpoint_path(tmp_path, cell.key)
    state = torch.load(path, weights_only=True)
    state["generators"] = [torch.Generator().manual_seed(cell.seed + 1).get_state()]
    torch.save(state, path)  # as if the generators had not been saved: drawn from the start
    forgetful = run_cell(cell)
    assert forgetful.grad_cosine != straight.grad_cosine
    assert timeless(forgetful) != timeless(straight)


def test_checkpoints_change_nothing_and_count_the_earlier_time(tmp_path):
    plain = run_cell(BenchmarkCell(method="gp", **TINY))
    saved = run_cell(BenchmarkCell(method="gp", checkpoint_dir=str(tmp_path), **TINY))
    assert timeless(saved) == timeless(plain)
    assert "checkpoint_dir" not in saved.to_dict()
    assert "checkpoint_dir" not in BenchmarkCell(method="gp", **TINY).settings()


def sweep_settings(steps=30):
    template = BenchmarkCell(method="gp", **{**TINY, "steps": steps})
    return SweepSettings(dims=(2,), methods=("gp",), seeds=(0,), template=template)


def test_sweep_resume_goes_on_from_the_checkpoint(tmp_path, monkeypatch):
    straight = run_sweep(sweep_settings(), tmp_path / "straight", progress=False,
                         checkpoint_every=10)
    out = tmp_path / "cut"
    with monkeypatch.context() as m:
        interrupt_at(m, 25)
        with pytest.raises(SweepInterrupted):
            run_sweep(sweep_settings(), out, progress=False, checkpoint_every=10)
    steps = count_critic_steps(monkeypatch)
    resumed = run_sweep(sweep_settings(), out, resume=True, progress=False, checkpoint_every=10)
    assert len(steps) == 10  # steps 21-30 only: the checkpoint at 20 was loaded
    assert [timeless(r) for r in resumed.table.rows] == [timeless(r)
                                                          for r in straight.table.rows]


def test_a_fresh_sweep_removes_old_checkpoints(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        interrupt_at(m, 15)
        with pytest.raises(SweepInterrupted):
            run_sweep(sweep_settings(), out, progress=False, checkpoint_every=10)
    key = sweep_settings().cells()[0].key
    assert checkpoint_path(out / "checkpoints", key).exists()
    steps = count_critic_steps(monkeypatch)
    run_sweep(sweep_settings(), out, progress=False, checkpoint_every=10)  # no resume
    assert len(steps) == 30


def test_a_checkpoint_of_other_settings_is_refused_in_one_line(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with monkeypatch.context() as m:
        interrupt_at(m, 15)
        with pytest.raises(SweepInterrupted):
            run_sweep(sweep_settings(), out, progress=False, checkpoint_every=10)
    with pytest.raises(ValueError, match=r"saved with steps=30, this cell has steps=40; remove "
                                         r"it, or resume with the settings it was run with$"):
        run_sweep(sweep_settings(steps=40), out, resume=True, progress=False,
                  checkpoint_every=10)
    assert not (out / "cells.csv").exists()  # refused before anything ran


def test_a_broken_checkpoint_is_refused_in_one_line(tmp_path):
    cell = BenchmarkCell(method="gp", checkpoint_dir=str(tmp_path), **TINY)
    checkpoint_path(tmp_path, cell.key).write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="is not a readable cell checkpoint"):
        run_cell(cell)


def test_checkpoint_every_must_be_positive():
    with pytest.raises(ValueError, match="checkpoint_every must be a positive integer; got 0"):
        replace(BenchmarkCell(method="gp", **TINY), checkpoint_every=0)


CLI = ["benchmark", "--dims", "2", "--funnels", "4", "--seeds", "0", "--steps", "30",
       "--width", "16", "--depth", "2", "--n-eval", "256", "--n-ot", "32", "--quiet"]


def test_cli_ctrl_c_then_resume_goes_on_from_the_checkpoint(tmp_path, monkeypatch, capsys):
    from wgan.app.benchmark_sweep import read_cells
    from wgan.cli import main

    straight, cut = tmp_path / "straight", tmp_path / "cut"
    assert main([*CLI, "--methods", "gp", "--checkpoint-every", "10",
                 "--out", str(straight)]) == 0
    with monkeypatch.context() as m:
        interrupt_at(m, 25)
        assert main([*CLI, "--methods", "gp", "--checkpoint-every", "10",
                     "--out", str(cut)]) == 130
    err = capsys.readouterr().err.strip()
    assert err == (f"wgan-theory benchmark: interrupted: 0 cells of this run are in "
                   f"{cut / 'cells.csv'}, 1 not run; the same command with --resume runs the rest")
    assert main([*CLI, "--methods", "gp", "--checkpoint-every", "10", "--out", str(cut),
                 "--resume"]) == 0
    assert "1 cells run, 0 resumed" in capsys.readouterr().out
    assert ([timeless(r) for r in read_cells(cut / "cells.csv")]
            == [timeless(r) for r in read_cells(straight / "cells.csv")])


def test_cli_runs_otnet(tmp_path, capsys):
    from wgan.app.benchmark_sweep import read_cells
    from wgan.cli import main

    assert main([*CLI, "--methods", "otnet", "--steps", "5", "--out", str(tmp_path)]) == 0
    (row,) = read_cells(tmp_path / "cells.csv")
    assert (row.key, row.method, row.steps) == ("d2-k4-otnet-s0", "otnet", 5)
    assert "| otnet | 2 | 4 |" in capsys.readouterr().out
