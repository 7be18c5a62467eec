"""`wgan-theory reproduce`: every linked file exists, every verdict passes, failures are kept."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from wgan.app.reproduce import Claim, Settings, Stage, StageReport, reproduce
from wgan.cli import main

LINK = re.compile(r"\]\(([^)]+)\)")


@pytest.fixture(scope="module")
def quick_run_printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    out = tmp_path_factory.mktemp("reproduce")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["reproduce", "--out", str(out), "--quick", "--device", "cpu"])
    return code, out, printed.getvalue()


@pytest.fixture(scope="module")
def quick_run(quick_run_printed: tuple[int, Path, str]) -> tuple[int, Path]:
    return quick_run_printed[:2]


def test_quick_run_reports_each_cell_of_the_long_stages(
    quick_run_printed: tuple[int, Path, str],
) -> None:
    # The critics stage ran 288 s silent and the benchmark stage passed progress=False.
    lines = quick_run_printed[2].splitlines()
    critics = [line for line in lines if line.startswith("[6/8] critics: critic ")]
    cells = [line for line in lines if line.startswith("[8/8] benchmark: cell ")]
    assert [line.split()[3].rstrip(":") for line in critics] == [f"{k}/7" for k in range(1, 8)]
    assert len(cells) >= 2 and cells[-1].split()[3] == f"{len(cells)}/{len(cells)}", cells


def _sleeping_stage(out: Path, settings: Settings) -> StageReport:
    import time

    from wgan.app.reproduce import tell

    tell("first cell")
    time.sleep(0.5)  # silent for 10 heartbeats
    return StageReport((Claim("Example", "ok", "nothing", "1 = 1", None, True),), ())


def test_a_silent_stage_gets_still_running_lines(tmp_path: Path) -> None:
    lines: list[str] = []
    reproduce(tmp_path, Settings(quick=True), stages=(Stage("slow", _sleeping_stage),),
              progress=lines.append, heartbeat=0.05)
    assert lines[0] == "[1/1] slow ..." and lines[1] == "[1/1] slow: first cell"
    beats = [line for line in lines if line.startswith("[1/1] slow: still running, ")]
    assert len(beats) >= 2  # 0.5 s at one per 0.05 s of silence, however loaded the machine
    assert lines[-1].startswith("[1/1] slow pass")  # and none after the stage ended


def test_quick_run_passes(quick_run: tuple[int, Path]) -> None:
    code, out = quick_run
    report = (out / "REPORT.md").read_text()
    assert code == 0, report
    assert "**FAIL**" not in report and "## Errors" not in report
    lines = report.splitlines()
    start = lines.index("| Paper | Claim | Computed | Numbers | Figure | Verdict |") + 2
    end = lines.index("", start)
    verdicts = [row.rsplit("|", 2)[-2].strip() for row in lines[start:end]]
    # every claim of the paper passes; the two measurements (LP critics at the CLI's defaults
    # and the critic benchmark, neither a claim of the paper) carry no verdict
    assert verdicts.count("measured") == 2
    assert len(verdicts) >= 2 and set(verdicts) == {"pass", "measured"}


def test_quick_run_writes_every_linked_file(quick_run: tuple[int, Path]) -> None:
    _, out = quick_run
    links = LINK.findall((out / "REPORT.md").read_text())
    assert links, "the report links no file"
    missing = [link for link in links if not (out / link).is_file()]
    assert missing == []


def _ok_stage(out: Path, settings: Settings) -> StageReport:
    (out / "ok.txt").write_text("regenerated\n")
    claim = Claim("Example", "ok", "nothing", "1 = 1", "ok.txt", True)
    return StageReport((claim,), ("ok.txt",))


def _broken_stage(out: Path, settings: Settings) -> StageReport:
    raise RuntimeError("this stage is broken on purpose")


def test_a_failing_stage_is_reported_and_the_others_still_run(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("old\n")
    (tmp_path / "keep.txt").write_text("not ours\n")
    stages = (Stage("broken", _broken_stage), Stage("ok", _ok_stage))
    lines: list[str] = []
    outcomes = reproduce(tmp_path, Settings(quick=True), stages=stages, progress=lines.append)
    assert [o.passed for o in outcomes] == [False, True]
    report = (tmp_path / "REPORT.md").read_text()
    assert "this stage is broken on purpose" in report and "## Errors" in report
    assert any("broken FAILED: RuntimeError" in line for line in lines)
    assert (tmp_path / "ok.txt").read_text() == "regenerated\n"  # replaced
    assert (tmp_path / "keep.txt").read_text() == "not ours\n"  # left alone


def _measuring_stage(out: Path, settings: Settings) -> StageReport:
    claims = (
        Claim("Example", "a claim", "something", "1 = 1", None, True),
        Claim("Example", "a number", "something", "0.5", None, None),
    )
    return StageReport(claims, ())


def _failing_claim_stage(out: Path, settings: Settings) -> StageReport:
    return StageReport((Claim("Example", "false", "something", "1 = 2", None, False),), ())


def test_a_measurement_has_no_verdict_and_a_false_claim_fails(tmp_path: Path) -> None:
    stages = (Stage("measures", _measuring_stage), Stage("fails", _failing_claim_stage))
    outcomes = reproduce(tmp_path, Settings(quick=True), stages=stages, progress=lambda _: None)
    assert [o.passed for o in outcomes] == [True, False]
    report = (tmp_path / "REPORT.md").read_text()
    assert "1 of 2 claims pass (1 measurement reported without a verdict)" in report
    assert "| 0.5 |  | measured |" in report and "| 1 = 2 |  | **FAIL** |" in report


def test_cuda_asked_for_without_a_gpu_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present: --device cuda is valid here")
    assert main(["reproduce", "--out", str(tmp_path / "r"), "--device", "cuda"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "torch.cuda.is_available() is False" in err[0]
    assert not (tmp_path / "r").exists()


def _ctrl_c_in_a_kernel(out: Path, settings: Settings) -> StageReport:
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        # what numba raises when Ctrl-C arrives inside a compiled kernel
        raise SystemError("<numba kernel> returned a result with an exception set") from None


def test_ctrl_c_turned_into_another_error_still_stops_the_run(tmp_path: Path) -> None:
    ran: list[str] = []

    def after(out: Path, settings: Settings) -> StageReport:
        ran.append("after")
        return StageReport()

    stages = (Stage("kernel", _ctrl_c_in_a_kernel), Stage("after", after))
    with pytest.raises(KeyboardInterrupt):
        reproduce(tmp_path, Settings(quick=True), stages=stages, progress=lambda _: None)
    assert ran == []  # not reported as a failed stage and carried on
