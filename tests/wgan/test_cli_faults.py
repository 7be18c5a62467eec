"""Faults a user meets, each one line on stderr with its exit status, no traceback (issue 27):
a damaged metrics.csv on ``train --resume``, a full disk during ``train``, sizes past the
machine, and Ctrl-C in ``critic`` and ``reproduce``."""

from __future__ import annotations

import csv

import pytest

from wgan.cli import main

TINY_TRAIN = ["train", "--iterations", "6", "--log-every", "3", "--n-exact", "16",
              "--width", "8", "--depth", "1", "--quiet"]


def _one_line(capsys: pytest.CaptureFixture[str], prefix: str) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(prefix), err
    return lines[0]


@pytest.fixture
def finished_run(tmp_path, capsys):
    """A 6-iteration run: metrics rows at steps 0, 3, 6 and a checkpoint at step 6."""
    out = tmp_path / "run"
    assert main([*TINY_TRAIN, "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _steps(metrics) -> list[int]:
    with open(metrics) as fh:
        return [int(row["step"]) for row in csv.DictReader(fh)]


class TestDamagedMetrics:
    def test_row_cut_before_the_checkpoint_is_refused_and_kept(self, finished_run, capsys):
        metrics = finished_run / "metrics.csv"
        text = metrics.read_text()
        cut = text[: text.rindex("\n", 0, len(text) - 1) + 8]  # 7 characters of the last row
        metrics.write_text(cut)
        assert main([*TINY_TRAIN[:2], "9", *TINY_TRAIN[3:], "--out", str(finished_run),
                     "--resume"]) == 2  # was a TypeError traceback
        line = _one_line(capsys, "wgan-theory train: error: resuming: cannot read")
        assert f"{metrics}, line 4" in line and "is cut or not a row of numbers" in line
        assert metrics.read_text() == cut  # nothing overwritten

    def test_row_cut_after_the_checkpoint_is_made_again(self, finished_run, capsys):
        metrics = finished_run / "metrics.csv"
        with metrics.open("a") as fh:
            fh.write("9,0.12")  # killed while writing step 9: past the checkpoint (6)
        assert main([*TINY_TRAIN[:2], "9", *TINY_TRAIN[3:], "--out", str(finished_run),
                     "--resume"]) == 0
        assert _steps(metrics) == [0, 3, 6, 9]

    def test_file_without_the_columns(self, finished_run, capsys):
        metrics = finished_run / "metrics.csv"
        metrics.write_text("a,b\n1,2\n")
        assert main([*TINY_TRAIN, "--out", str(finished_run), "--resume"]) == 2  # KeyError
        line = _one_line(capsys, "wgan-theory train: error: resuming: cannot read")
        assert str(metrics) in line and "no column 'step'" in line

    def test_binary_garbage(self, finished_run, capsys):
        metrics = finished_run / "metrics.csv"
        metrics.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x01garbage")
        assert main([*TINY_TRAIN, "--out", str(finished_run), "--resume"]) == 2
        line = _one_line(capsys, "wgan-theory train: error: resuming: cannot read")
        assert str(metrics) in line and "not a text CSV" in line  # was a bare codec error


class TestFullDisk:
    @pytest.mark.parametrize("free", [0, 10**12])
    def test_checkpoint_write_failure(self, tmp_path, capsys, monkeypatch, free):
        import shutil

        import wgan.train as train_module

        def torch_save_on_a_full_disk(obj, f, *args, **kwargs):
            open(f, "wb").close()  # the half-written file torch leaves
            raise RuntimeError("[enforce fail at inline_container.cc:778] . "
                               "PytorchStreamWriter failed writing file data/3: file write "
                               "failed")

        monkeypatch.setattr(train_module.torch, "save", torch_save_on_a_full_disk)
        monkeypatch.setattr(train_module.shutil, "disk_usage",
                            lambda p: shutil._ntuple_diskusage(10**12, 10**12 - free, free))
        out = tmp_path / "run"
        assert main([*TINY_TRAIN, "--out", str(out)]) == 2  # was a RuntimeError traceback
        line = _one_line(capsys, "wgan-theory train: error: cannot write")
        assert str(out / "checkpoint.pt") in line and "torch.save failed" in line
        assert ("No space left on device" in line) == (free == 0)
        assert not (out / "checkpoint.tmp").exists()
        assert _steps(out / "metrics.csv") == [0, 3, 6]  # the rows logged are kept


class TestSizes:
    def test_critic_n_eval_past_the_machine(self, tmp_path, capsys):
        out = tmp_path / "out"
        assert main(["critic", "--n-eval", str(10**10), "--out", str(out)]) == 2
        line = _one_line(capsys, "wgan-theory critic: error: --n-eval 10000000000")
        assert "TB of memory for the estimate; this machine has" in line
        assert not out.exists()

    def test_train_threads(self, tmp_path, capsys):
        out = tmp_path / "out"
        assert main([*TINY_TRAIN, "--threads", "100000", "--out", str(out)]) == 2  # segfault
        line = _one_line(capsys, "wgan-theory train: error: threads must be at most 256")
        assert "got 100000" in line and not out.exists()

    def test_estimate_grows_as_the_sizes(self):
        from wgan.cli.critic import evaluation_bytes

        # points and two layers of activations, 8 bytes each, and 3 k^2 pairwise slopes
        assert evaluation_bytes(1000, 10, 4, dim=2) == 8 * 1000 * (4 + 8) + 8 * 3 * 100
        assert evaluation_bytes(10, 1000, 4, dim=2) == 8 * 10 * 12 + 8 * 3 * 100  # k <= n


class TestCtrlC:
    def test_critic(self, tmp_path, capsys, monkeypatch):
        import wgan.critic

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(wgan.critic, "evaluate_critic", interrupted)
        assert main(["critic", "--iterations", "5", "--out", str(tmp_path / "c")]) == 130
        line = _one_line(capsys, "wgan-theory critic: interrupted (Ctrl-C)")
        assert str(tmp_path / "c") in line

    def test_reproduce(self, tmp_path, capsys, monkeypatch):
        import wgan.app.reproduce

        def interrupted(out_dir, settings, **kwargs):
            print("[1/8] distances ...")
            raise KeyboardInterrupt

        monkeypatch.setattr(wgan.app.reproduce, "reproduce", interrupted)
        assert main(["reproduce", "--quick", "--device", "cpu",
                     "--out", str(tmp_path / "r")]) == 130
        _one_line(capsys, "wgan-theory reproduce: interrupted (Ctrl-C)")

    def test_ctrl_c_inside_a_numba_kernel(self, tmp_path, capsys, monkeypatch):
        import wgan.app.compare_files as compare_files

        def kernel_interrupted(*args, **kwargs):
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:
                raise SystemError("returned a result with an exception set") from exc

        monkeypatch.setattr(compare_files, "compare", kernel_interrupted)
        from pathlib import Path

        data = Path(__file__).resolve().parents[2] / "docs" / "data"
        assert main(["distances", str(data / "a.csv"), str(data / "b.npy"), "--quiet"]) == 130
        _one_line(capsys, "wgan-theory distances: interrupted (Ctrl-C)")

    def test_other_system_errors_are_not_taken_for_ctrl_c(self, tmp_path, monkeypatch):
        import wgan.app.compare_files as compare_files

        def broken(*args, **kwargs):
            raise SystemError("a real bug")

        monkeypatch.setattr(compare_files, "compare", broken)
        from pathlib import Path

        data = Path(__file__).resolve().parents[2] / "docs" / "data"
        with pytest.raises(SystemError, match="a real bug"):
            main(["distances", str(data / "a.csv"), str(data / "b.npy")])
