"""``wgan-theory distances A B`` on files as users have them, and every bad file refused in
one line with exit status 2 (issue 27)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from distances import Discrete, earth_mover, js_divergence, kl_divergence, total_variation
from wgan.app.compare_files import BASE_BYTES, plan_solve
from wgan.app.measure_files import read_measure_file
from wgan.cli import main

DATA = Path(__file__).resolve().parents[2] / "docs" / "data"
LOG2 = math.log(2.0)


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("wgan-theory distances: error: "), err
    return lines[0]


def _run_json(tmp_path: Path, *argv: str) -> dict:
    out = tmp_path / "r.json"
    assert main(["distances", *argv, "--out", str(out), "--quiet"]) == 0
    return json.loads(out.read_text())


class TestDocsExamples:
    """The docs' example files, whose answers are worked by hand in docs/cli.rst."""

    def test_square_and_its_translate(self, tmp_path):
        # b.npy is a.csv moved by (3, 4): W1 = |(3, 4)| = 5; no shared point: TV 1, JS log 2.
        plan = tmp_path / "plan.csv"
        r = _run_json(tmp_path, str(DATA / "a.csv"), str(DATA / "b.npy"), "--plan", str(plan))
        assert r["W1"] == pytest.approx(5.0, rel=1e-12)  # 1e-12: one sqrt per pair
        assert r["TV"] == 1.0 and r["KL(P||Q)"] == r["KL(Q||P)"] == "inf"
        assert r["JS"] == pytest.approx(LOG2, rel=1e-15)
        assert r["W1_certificate"]["certified"] is True
        assert (r["P"]["points"], r["Q"]["points"], r["P"]["dim"]) == (4, 4, 2)
        with plan.open() as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == 4  # a translation moves each corner to its image
        assert sum(float(row["mass"]) for row in rows) == pytest.approx(1.0, rel=1e-15)
        for row in rows:
            assert float(row["y0"]) - float(row["x0"]) == 3.0
            assert float(row["y1"]) - float(row["x1"]) == 4.0
            assert float(row["distance"]) == 5.0

    def test_weight_column_named_in_the_header(self, tmp_path):
        r = _run_json(tmp_path, str(DATA / "a.csv"), str(DATA / "weighted.csv"))
        assert r["Q"]["weights"] == "from the file"
        assert r["TV"] == pytest.approx(0.5, rel=1e-15)
        assert r["W1"] == pytest.approx(0.5, rel=1e-15)
        assert r["KL(P||Q)"] == "inf"
        assert r["KL(Q||P)"] == pytest.approx(0.75 * math.log(3.0), rel=1e-15)

    def test_histograms_on_a_common_support(self, tmp_path):
        r = _run_json(tmp_path, "--support", str(DATA / "bins.csv"), str(DATA / "h1.txt"),
                      str(DATA / "h2.txt"))
        # P = (1/4, 1/2, 1/4), Q = (1/4, 1/4, 1/2) on 0, 1, 2: CDFs differ by 1/4 on [1, 2).
        assert r["TV"] == pytest.approx(0.25, rel=1e-15)
        assert r["W1"] == pytest.approx(0.25, rel=1e-15)
        # KL(P||Q) = 1/4 log 1 + 1/2 log 2 + 1/4 log(1/2) = 1/4 log 2, and the same reversed.
        assert r["KL(P||Q)"] == pytest.approx(0.25 * LOG2, rel=1e-15)
        assert r["KL(Q||P)"] == pytest.approx(0.25 * LOG2, rel=1e-15)

    def test_table_on_stdout_progress_on_stderr(self, capsys):
        assert main(["distances", str(DATA / "a.csv"), str(DATA / "b.npy")]) == 0
        captured = capsys.readouterr()
        assert "W1 certified optimal" in captured.out
        w1_line = next(line for line in captured.out.splitlines() if line.startswith("W1 "))
        assert float(w1_line.split()[1]) == pytest.approx(5.0, rel=1e-12)
        assert "read " in captured.err and "W1: done in" in captured.err

    def test_quiet_prints_no_progress(self, capsys):
        assert main(["distances", str(DATA / "a.csv"), str(DATA / "b.npy"), "--quiet"]) == 0
        assert capsys.readouterr().err == ""


POINTS = np.array([[0.0, 0.0], [2.0, 0.5], [-1.0, 3.25], [0.5, 0.5], [4.0, -2.0]])
OTHER = np.array([[1.0, 1.0], [2.0, 0.5], [3.0, -1.0]])


def _plain(points: np.ndarray, sep: str = ",") -> str:
    return "".join(sep.join(repr(float(v)) for v in row) + "\n" for row in points)


USER_FILES = {
    "header": "x,y\n" + _plain(POINTS),
    "comments": "# exported by my script\n# columns: x, y\n" + _plain(POINTS),
    "windows_line_ends": ("x,y\n" + _plain(POINTS)).replace("\n", "\r\n"),
    "trailing_blank_line": _plain(POINTS) + "\n\n",
    "byte_order_mark": "\ufeffx,y\n" + _plain(POINTS),
    "semicolons": _plain(POINTS, ";"),
    "tabs_and_spaces": _plain(POINTS, "\t ").replace("\t ", "   "),
    "quoted_fields": '"x","y"\n' + "".join(f'"{a}","{b}"\n' for a, b in POINTS),
}


class TestFilesAsUsersHaveThem:
    @pytest.mark.parametrize("name", sorted(USER_FILES))
    def test_same_points_as_the_plain_array(self, tmp_path, name):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(USER_FILES[name].encode("utf-8"))
        got = read_measure_file(path)
        np.testing.assert_array_equal(got.points, POINTS)  # exact: repr round-trips
        assert got.weights is None

    def test_values_agree_with_the_library(self, tmp_path):
        a = tmp_path / "a.csv"
        a.write_bytes(USER_FILES["windows_line_ends"].encode())
        b = tmp_path / "b.txt"
        b.write_text(_plain(OTHER, " "))
        r = _run_json(tmp_path, str(a), str(b))
        P, Q = Discrete(POINTS), Discrete(OTHER)
        assert r["W1"] == pytest.approx(earth_mover(P, Q), rel=1e-12)  # same LP, same solver
        assert r["TV"] == total_variation(P, Q)
        assert r["JS"] == js_divergence(P, Q)
        assert r["KL(P||Q)"] == "inf" and kl_divergence(P, Q) == math.inf

    def test_npz_with_weights_and_a_weights_flag(self, tmp_path):
        w = np.array([1.0, 2.0, 3.0, 4.0, 0.0])
        np.savez(tmp_path / "p.npz", points=POINTS, weights=w)
        np.savetxt(tmp_path / "q.csv", np.column_stack([OTHER, [1.0, 1.0, 2.0]]), delimiter=",")
        r = _run_json(tmp_path, str(tmp_path / "p.npz"), str(tmp_path / "q.csv"), "--weights")
        P = Discrete(POINTS, w, normalize=True)
        Q = Discrete(OTHER, [0.25, 0.25, 0.5])
        assert r["W1"] == pytest.approx(earth_mover(P, Q), rel=1e-12)
        assert r["TV"] == pytest.approx(total_variation(P, Q), rel=1e-15)

    def test_without_files_the_worked_examples_as_before(self, capsys):
        assert main(["distances"]) == 0
        assert "Worked examples" in capsys.readouterr().out


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


class TestBadFiles:
    """Each bad file: one line on stderr naming the file (and line), exit status 2."""

    @pytest.mark.parametrize("content, expected", [
        ("1,2\n3,4\n5\n", "line 3: 1 value, but line 1 has 2"),
        ("1,2\nnan,4\n", "line 2: 'nan'"),
        ("1,2\n3,inf\n", "line 2: 'inf'"),
        ("x,y\n1,2\n3,abc\n", "line 3: 'abc' is not a number"),
        ("1,2\nx,y\n", "line 2: 'x' is not a number"),
        ("", "empty"),
        ("# only a comment\n\n", "has no rows of numbers"),
        (b"\x89PNG\r\n\x1a\n\xff\xfe\x00binary", "not a text file"),
        ("x,y,weight\n0,0,1\n1,1,-2\n", "weights must be non-negative"),
        ("x,weight\n0,0\n1,0\n", "weights must have a positive, finite sum"),
    ], ids=["ragged", "nan", "inf", "text", "header-in-the-middle", "empty", "comments-only",
            "binary", "negative-weight", "zero-weights"])
    def test_bad_text_file(self, tmp_path, capsys, content, expected):
        bad = _write(tmp_path / "bad.csv", content)
        out = tmp_path / "r.json"
        assert main(["distances", str(DATA / "a.csv"), str(bad), "--out", str(out)]) == 2
        line = _one_line_error(capsys)
        assert str(bad) in line and expected in line, line
        assert not out.exists()

    def test_missing_file(self, tmp_path, capsys):
        assert main(["distances", str(DATA / "a.csv"), str(tmp_path / "nope.csv")]) == 2
        assert "nope.csv: no such file" in _one_line_error(capsys)

    def test_mismatched_dimensions(self, tmp_path, capsys):
        three = _write(tmp_path / "three.csv", "1,2,3\n4,5,6\n")
        assert main(["distances", str(DATA / "a.csv"), str(three)]) == 2
        line = _one_line_error(capsys)
        assert "2-D points" in line and "3-D points" in line

    @pytest.mark.parametrize("array, expected", [
        (np.array([["a", "b"]]), "must hold numbers"),
        (np.zeros((0, 2)), "no points"),
        (np.array([[0.0, np.nan]]), "must be finite"),
        (np.zeros((2, 2, 2)), "shape (n,) or (n, d)"),
    ], ids=["strings", "empty", "nan", "3-d-array"])
    def test_bad_npy(self, tmp_path, capsys, array, expected):
        np.save(tmp_path / "bad.npy", array)
        assert main(["distances", str(tmp_path / "bad.npy"), str(DATA / "a.csv")]) == 2
        assert expected in _one_line_error(capsys)

    def test_corrupt_npy_and_npz(self, tmp_path, capsys):
        for name in ("bad.npy", "bad.npz"):
            _write(tmp_path / name, b"not numpy at all")
            assert main(["distances", str(tmp_path / name), str(DATA / "a.csv")]) == 2
            assert "not a readable" in _one_line_error(capsys)

    def test_problem_larger_than_the_machine(self, tmp_path, capsys, monkeypatch):
        import wgan.app.memory as memory

        monkeypatch.setattr(memory, "machine_memory", lambda: 100)  # 100 bytes
        assert main(["distances", str(DATA / "a.csv"), str(DATA / "b.npy")]) == 2
        line = _one_line_error(capsys)
        # 4 + 4 points: the dense solve (768 bytes) is over half the machine, so the sparse
        # solver's estimate is the one reported: the interpreter (BASE_BYTES) and the
        # library's 3600 bytes a point and 9 bytes a pair of its kept cost matrix.
        need = (BASE_BYTES + 8 * 3600 + 9 * 16) / 1e6
        assert f"would need about {need:.1f} MB of memory" in line
        assert "this machine has 100 bytes" in line

    def test_histogram_of_the_wrong_length(self, tmp_path, capsys):
        short = _write(tmp_path / "short.txt", "1\n2\n")
        assert main(["distances", "--support", str(DATA / "bins.csv"), str(short),
                     str(DATA / "h2.txt")]) == 2
        assert "one weight per point of the support" in _one_line_error(capsys)

    @pytest.mark.parametrize("argv", [["only-one.csv"], ["a", "b", "c"]])
    def test_not_two_files(self, capsys, argv):
        assert main(["distances", *argv]) == 2
        assert "give two files A B" in _one_line_error(capsys)


class TestMemoryAndProgress:
    def test_dense_too_large_goes_sparse_and_sparse_too_large_is_reported(self):
        one_gb = 10**9
        assert plan_solve(10, 10, 2, one_gb).method == "network_simplex"
        assert plan_solve(1500, 10**6, 2, one_gb).method == "sparse"  # dense: 60 GB
        assert plan_solve(10**6, 10**6, 1, one_gb).method == "closed_form_1d"
        big = plan_solve(2 * 10**6, 2 * 10**6, 2, one_gb)
        assert big.method == "sparse" and big.bytes_needed > one_gb

    def test_the_estimates_are_the_solvers_own(self):
        """The library's estimates (distances.wasserstein.memory_needed), not a copy: dense
        48 bytes a pair; sparse 3600 bytes a point above the interpreter's BASE_BYTES."""
        dense = plan_solve(1000, 1500, 2, 10**12)
        assert dense.method == "network_simplex" and dense.bytes_needed == 48 * 1000 * 1500
        sparse = plan_solve(10**5, 10**5, 3, 10**12)
        assert sparse.method == "sparse"
        assert sparse.bytes_needed == BASE_BYTES + 3600 * 2 * 10**5
