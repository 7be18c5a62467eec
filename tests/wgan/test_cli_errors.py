"""The CLI turns a user's mistake into one line on stderr and exit status 2 (issue 15)."""

from __future__ import annotations

import pytest

from wgan.cli import main

TINY_TRAIN = ["train", "--iterations", "3", "--log-every", "3", "--n-exact", "16",
              "--width", "8", "--depth", "1", "--quiet"]


def _one_line_error(capsys: pytest.CaptureFixture[str], prefix: str) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(prefix), err
    return lines[0]


class TestOutputFolder:
    @pytest.mark.parametrize("command", [["figure1"], ["theorems"], TINY_TRAIN])
    def test_out_naming_an_existing_file(self, tmp_path, capsys, command):
        target = tmp_path / "a-file"
        target.write_text("x")
        assert main([*command, "--out", str(target)]) == 2  # was a FileExistsError traceback
        line = _one_line_error(capsys, f"wgan-theory {command[0]}: error: --out")
        assert f"{target} is an existing file" in line
        assert target.read_text() == "x"

    def test_folder_below_a_file_cannot_be_created(self, tmp_path, capsys):
        (tmp_path / "a-file").write_text("x")
        assert main(["figure1", "--out", str(tmp_path / "a-file" / "sub")]) == 2
        line = _one_line_error(capsys, "wgan-theory figure1: error: --out")
        assert "cannot create the folder" in line and "is a file" in line

    def test_folder_that_cannot_be_written(self, tmp_path, capsys, monkeypatch):
        # The suite may run as root, for whom chmod changes nothing: deny through os.access.
        import wgan.cli._common as common

        monkeypatch.setattr(common.os, "access", lambda path, mode: False)
        assert main(["figure1", "--out", str(tmp_path / "new")]) == 2
        line = _one_line_error(capsys, "wgan-theory figure1: error: --out")
        assert f"{tmp_path} is not writable" in line
        assert not (tmp_path / "new").exists()

    def test_write_failure_after_the_check(self, tmp_path, capsys, monkeypatch):
        import wgan.app.paper_outputs as reports

        def disk_full(*args, **kwargs):
            raise OSError(28, "No space left on device", str(tmp_path / "figure1.png"))

        monkeypatch.setattr(reports, "write_figure1", disk_full)
        assert main(["figure1", "--out", str(tmp_path)]) == 2
        line = _one_line_error(capsys, "wgan-theory figure1: error: cannot write")
        assert "figure1.png: No space left on device" in line


class TestResume:
    @pytest.mark.parametrize("damage", ["truncated", "foreign"])
    def test_unreadable_checkpoint_names_the_file_and_keeps_metrics(
        self, tmp_path, capsys, damage
    ):
        out = tmp_path / "run"
        assert main([*TINY_TRAIN, "--out", str(out)]) == 0
        ckpt, metrics = out / "checkpoint.pt", out / "metrics.csv"
        if damage == "truncated":
            ckpt.write_bytes(ckpt.read_bytes()[:100])
        else:
            ckpt.write_text("id,value\n1,2\n")
        before = metrics.read_bytes()
        capsys.readouterr()
        assert main([*TINY_TRAIN, "--out", str(out), "--resume"]) == 2
        line = _one_line_error(capsys, "wgan-theory train: error: --resume: cannot read")
        assert str(ckpt) in line and str(metrics) in line  # which file; where metrics are
        assert metrics.read_bytes() == before
