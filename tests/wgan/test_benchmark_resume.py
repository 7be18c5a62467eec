"""The sweep never reports a stale cell, repairs what an interruption leaves, fails in one line.

One test per fault of issues 22 and 27 (resume with other settings, a cut last row, a
duplicated row, a row whose columns contradict its key, a file without the columns, binary
garbage, an unreachable Ray address, --funnels 1, Ctrl-C with workers, --dims 100000, Ctrl-C
in the CLI, the --out folder made before a refusal, help written for a terminal).
"""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wgan.app.benchmark_sweep import SweepInterrupted, read_cells, run_sweep
from wgan.app.cell_sweep import SweepFileError
from wgan.benchmark import BenchmarkCell
from wgan.benchmark.table import SweepSettings
from wgan.cli import main

TINY = ["--funnels", "4", "--steps", "5", "--width", "8", "--depth", "1", "--n-eval", "64",
        "--n-ot", "16", "--quiet"]


def cli(tmp_path, *extra, out="out"):
    return main(["benchmark", "--dims", "2", "--methods", "gp", "ot", "--seeds", "0", *TINY,
                 "--out", str(tmp_path / out), *extra])


def settings(**kw):
    template = BenchmarkCell(dim=2, method="gp", n_funnels=4, steps=kw.pop("steps", 5),
                             width=8, depth=1, n_eval=64, n_ot=16, n_mc=1024, device="cpu")
    return SweepSettings(dims=(2,), methods=kw.pop("methods", ("gp", "ot")),
                         seeds=kw.pop("seeds", (0,)), template=template, **kw)


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """A finished two-cell sweep: its folder and the text of its cells.csv."""
    out = tmp_path_factory.mktemp("sweep")
    run_sweep(settings(), out, progress=False)
    return out, (out / "cells.csv").read_text()


def copy_of(done, tmp_path, text=None):
    out = tmp_path / "copy"
    out.mkdir()
    (out / "cells.csv").write_text(done[1] if text is None else text)
    return out


def test_resume_with_other_settings_is_refused_in_one_line(tmp_path, capsys):
    assert cli(tmp_path) == 0
    capsys.readouterr()
    rc = main(["benchmark", "--dims", "2", "--methods", "gp", "ot", "--seeds", "0",
               *[t if t != "5" else "6" for t in TINY], "--out", str(tmp_path / "out"),
               "--resume"])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "holds d2-k4-gp-s0 computed with steps=5 there, steps=6 here" in err
    # the same settings resume every cell
    assert cli(tmp_path, "--resume") == 0
    assert "0 cells run, 2 resumed" in capsys.readouterr().out


def test_a_cut_last_row_is_recomputed_and_never_lost(done, tmp_path):
    cut = done[1][: len(done[1]) - 40]  # inside the last row
    out = copy_of(done, tmp_path, cut)
    notes = []
    first = run_sweep(settings(), out, resume=True, progress=False, on_note=notes.append)
    assert (first.ran, first.skipped) == (1, 1)
    assert len(notes) == 1 and "last row (line 3) was cut" in notes[0]
    # the file is whole again: the next resume keeps both cells
    again = run_sweep(settings(), out, resume=True, progress=False)
    assert (again.ran, again.skipped) == (0, 2)
    assert len(read_cells(out / "cells.csv")) == 2


def test_a_resume_of_another_grid_keeps_the_folder_summary_whole(done, tmp_path):
    # gp and ot ran into the folder; a resume running only seed 1 of gp must not rewrite the
    # summary (and figures) with that one cell: every row of cells.csv is summarised
    out = copy_of(done, tmp_path)
    res = run_sweep(settings(methods=("gp",), seeds=(1,)), out, resume=True, progress=False)
    assert (res.ran, res.skipped) == (1, 0)
    assert [(s.method, s.n_seeds) for s in res.table.summary] == [("gp", 1)]  # the grid's
    with (out / "summary.csv").open() as fh:
        written = {(r["method"], r["n_seeds"]) for r in csv.DictReader(fh)}
    assert written == {("gp", "2"), ("ot", "1")}  # the folder's: gp over seeds 0 and 1
    assert len(read_cells(out / "cells.csv")) == 3


def test_a_duplicated_row_counts_once(done, tmp_path):
    lines = done[1].splitlines(keepends=True)
    out = copy_of(done, tmp_path, "".join([*lines, lines[1]]))
    notes = []
    res = run_sweep(settings(), out, resume=True, progress=False, on_note=notes.append)
    assert (res.ran, res.skipped) == (0, 2)
    assert [s.n_seeds for s in res.table.summary] == [1, 1]
    assert "a duplicate of d2-k4-gp-s0's row, counted once" in notes[0]


def test_a_row_whose_columns_contradict_its_key_is_refused(done, tmp_path):
    lines = done[1].splitlines(keepends=True)
    lines[1] = lines[1].replace("d2-k4-gp-s0,2,", "d2-k4-gp-s0,3,", 1)
    out = copy_of(done, tmp_path, "".join(lines))
    with pytest.raises(SweepFileError, match=r"line 2: key d2-k4-gp-s0 contradicts its "
                                             r"columns \(dim 3"):
        run_sweep(settings(), out, resume=True, progress=False)


@pytest.mark.parametrize("text, message", [
    ("hello\n1,2\n", "does not have this sweep's columns"),
    ("key,dim\n", "does not have this sweep's columns"),
])
def test_a_file_without_the_columns_is_refused_in_one_line(tmp_path, capsys, text, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "cells.csv").write_text(text)
    assert cli(tmp_path, "--resume") == 2
    err = capsys.readouterr().err
    assert message in err and str(out / "cells.csv") in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_binary_garbage_names_the_file(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "cells.csv").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert cli(tmp_path, "--resume") == 2
    err = capsys.readouterr().err
    assert f"{out / 'cells.csv'} is not a UTF-8 text CSV" in err


def test_an_unreachable_ray_address_fails_fast_and_says_so(tmp_path, capsys):
    start = time.perf_counter()
    assert cli(tmp_path, "--ray", "127.0.0.1:1") == 2
    err = capsys.readouterr().err
    assert time.perf_counter() - start < 30  # Ray itself retried for minutes
    assert "cannot reach a Ray cluster at 127.0.0.1:1" in err and "cannot write" not in err
    assert not (tmp_path / "out").exists()


def test_one_funnel_is_a_valid_pair(tmp_path, capsys):
    rc = main(["benchmark", "--dims", "2", "--methods", "ot", "--seeds", "0", *TINY,
               "--funnels", "1", "--out", str(tmp_path / "out")])
    assert rc == 0
    assert (tmp_path / "out" / "summary.md").exists()
    assert "| ot | 2 | 1 |" in capsys.readouterr().out


def test_interrupted_sweep_keeps_its_finished_rows(tmp_path):
    # Ctrl-C (a KeyboardInterrupt in the parent) after the first finished cell, two workers:
    # the sweep stops, says how many cells it wrote, and cells.csv holds that one.
    def stop(_):
        raise KeyboardInterrupt

    with pytest.raises(SweepInterrupted) as info:
        run_sweep(settings(methods=("gp", "lp", "ot")), tmp_path, workers=2, progress=False,
                  on_result=stop)
    assert (info.value.written, info.value.remaining) == (1, 2)
    assert len(read_cells(tmp_path / "cells.csv")) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_with_two_workers_stops_the_command(tmp_path):
    # A real SIGINT to the command: it stops within seconds, exit status 130, one line on
    # stderr that says how to resume, no traceback, and the cells finished so far are kept.
    out = tmp_path / "out"
    # A shell that starts a job in the background (nohup ... &) leaves SIGINT ignored in it
    # and in everything it starts; a user's terminal does not: restore Python's handler.
    start = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "from wgan.cli import main; sys.exit(main())")
    cmd = [sys.executable, "-c", start,
           "benchmark", "--dims", "2", "3", "4", "5",
           "--methods", "gp", "--seeds", "0", "1", "--funnels", "4", "--steps", "20000",
           "--width", "8", "--depth", "1", "--n-eval", "64", "--workers", "2", "--quiet",
           "--device", "cpu", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 120
    while not out.exists() and time.monotonic() < deadline:  # made once the sweep starts
        time.sleep(0.2)
    time.sleep(3)  # the workers are spawned and busy (or still starting)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "with --resume runs the rest" in err or "starts again" in err


def test_a_huge_dimension_is_refused_before_anything_runs(tmp_path, capsys):
    assert main(["benchmark", "--dims", "100000", "--out", str(tmp_path / "out"),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "a cell in dimension 100000 needs at least" in err and "this machine has" in err
    assert not (tmp_path / "out").exists()


def test_ctrl_c_in_the_command_prints_one_line(tmp_path, capsys, monkeypatch):
    import wgan.app.benchmark_sweep as sweep

    def interrupted(*args, **kwargs):
        raise SweepInterrupted(Path("x/cells.csv"), 3, 5)

    monkeypatch.setattr(sweep, "run_sweep", interrupted)
    assert cli(tmp_path) == 130
    err = capsys.readouterr().err
    assert err.strip() == ("wgan-theory benchmark: interrupted: 3 cells of this run are in "
                           "x/cells.csv, 5 not run; the same command with --resume runs the "
                           "rest")


def test_a_refused_configuration_makes_no_folder(tmp_path, capsys):
    assert cli(tmp_path, "--quick", "--anchor") == 2
    assert main(["benchmark", "--dims", "0", "--out", str(tmp_path / "b"), "--quiet"]) == 2
    assert not (tmp_path / "out").exists() and not (tmp_path / "b").exists()
    assert "dim must be a positive integer; got 0" in capsys.readouterr().err


def test_help_is_written_for_a_terminal(capsys):
    with pytest.raises(SystemExit):
        main(["benchmark", "--help"])
    text = capsys.readouterr().out
    for markup in ("``", ":func:", ":mod:", ":class:", ":data:", ":math:"):
        assert markup not in text
    # --quick is what quick_settings runs: 2-D and 8-D, gp and lp, one seed, 500 steps
    from wgan.benchmark import quick_settings

    q = quick_settings()
    assert (q.dims, q.methods, q.seeds, q.template.steps) == ((2, 8), ("gp", "lp"), (0,), 500)
    assert "2-D and 8-D, gp and lp, one seed, 500 steps" in " ".join(text.split())
    for term in ("gradient cosine", "W1", "funnels"):
        assert term in text
