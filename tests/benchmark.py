"""Measure the performance budgets against the tools a user would pick instead (`make bench`).

Prints one table, and writes it to .build/benchmark.md (generated, not committed): each figure
beside its alternative measured in the same run on the same data, with the ratio, and each
budget of the design beside its measurement, marked met or not met. Budgets are printed, never
asserted: timings on a shared machine vary, so a timed unit test would fail for reasons that have
nothing to do with the code (this is a script; pytest never collects it).

* rank-sum test with the shift's interval vs R ``wilcox.test(x, y, conf.int = TRUE,
  exact = FALSE)`` (the same data through a CSV file, timed inside R with ``system.time``: R's
  start-up is not counted) and vs scipy ``mannwhitneyu`` (p only), 1k to 1M per group; the
  agreement with R in the same run. Budget: >= 50x faster than R at 200k per group;
* mixed model vs ``lme4::lmer`` (REML, timed inside R) and one statsmodels ``MixedLM`` fit, 500
  to 50k subjects with 30% of follow-ups missing. Budget: <= 2x lme4's time at 20k-50k;
* the pipeline of each study in a scratch copy: full rebuild, no-op ``make all`` (budget:
  < 2 s), and a warm ``make all`` against the one-process floor -- the notebooks' own cells run
  in one Python process, no kernel, no papermill (budget, both studies together: within 1.5x;
  best of ``--repeats`` runs, 3 by default). ``make all`` runs independent stages side by side
  on both cores, the floor on one: ``make all JOBS=1`` (one stage at a time) is shown beside it,
  for the overhead of the kernels and papermill alone, and so is
  ``python -m burnout run --jobs 1``, with the overhead per stage;
* the scale run (``benchmark_scale.py``): clean -> adjusted on x10, x100, x1,000 (and with
  ``--scale 10000``, x10,000) copies of the first study, time, CPU time and peak memory, after
  a row that says how dear new memory is on the machine (writing 1 GiB the process never held,
  against writing it again). Budget: x10,000 of Study A (about 1.35M respondents) in < 60 s and
  < 4 GB, time growing linearly;
* the simulation lab: per-call costs and replicates per second on joblib and Dask. Budget:
  10,000 Study A replicates in < 5 minutes on 2 cores.

    python tests/benchmark.py            # everything (about 10 minutes on 2 cores)
    python tests/benchmark.py --quick    # small sizes and one study: a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT / "tests"))
from benchmark_scale import run_stages, scale_rows  # noqa: E402

from burnout.pipeline.rebuild import project_files  # noqa: E402

OUTPUT = ROOT / ".build" / "benchmark.md"
COLUMNS = ("measurement", "size", "burnout", "alternative", "alternative's", "burnout vs it",
           "budget", "verdict")
GENERATED = ("data/processed/", "figures/", "tables/", "reports/")  # never copied
SCALE_STUDY = "mentorship"  # the scale run's budget is stated for Study A

R_WILCOX = r"""
data <- read.csv(commandArgs(TRUE)[1])
x <- data$value[data$sample == "x"]; y <- data$value[data$sample == "y"]
best <- Inf
for (i in seq_len(as.integer(commandArgs(TRUE)[2]))) {
  elapsed <- system.time(test <- wilcox.test(x, y, conf.int = TRUE, exact = FALSE))[["elapsed"]]
  best <- min(best, elapsed)
}
cat(sprintf('{"seconds": %.6f, "p": %.17g, "estimate": %.17g, "ci_low": %.17g, "ci_high": %.17g}\n',
            best, test$p.value, test$estimate, test$conf.int[1], test$conf.int[2]))
"""
R_LMER = r"""
suppressPackageStartupMessages(library(lme4))
long <- read.csv(commandArgs(TRUE)[1], stringsAsFactors = FALSE)
long <- long[!is.na(long$score), ]
long$intervention <- as.numeric(long$group == "intervention")
long$post <- as.numeric(long$time == "post")
best <- Inf
for (i in seq_len(as.integer(commandArgs(TRUE)[2]))) {
  elapsed <- system.time(fit <- lmer(score ~ intervention * post + (1 | student_id),
                                     data = long, REML = TRUE))[["elapsed"]]
  best <- min(best, elapsed)
}
cat(sprintf('{"seconds": %.6f, "estimate": %.17g}\n', best, fixef(fit)[["intervention:post"]]))
"""


def _best(function, repeats: int) -> tuple[float, object]:
    """Shortest wall time of ``repeats`` calls, and the last value returned."""
    best, value = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - started)
    return best, value


def _rscript(code: str, data: pd.DataFrame, repeats: int, scratch: Path) -> dict | None:
    """Run ``code`` on ``data`` (written to a CSV file) with Rscript; its JSON line, or None."""
    if shutil.which("Rscript") is None:
        return None
    script, path = scratch / "bench.R", scratch / "bench.csv"
    script.write_text(code, encoding="utf-8")
    data.to_csv(path, index=False)
    output = subprocess.run(["Rscript", str(script), str(path), str(repeats)], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _versus(ours: float, theirs: float | None) -> str:
    if theirs is None or not np.isfinite(theirs):
        return "--"
    return f"{theirs / ours:.1f}x faster" if theirs >= ours else f"{ours / theirs:.1f}x slower"


def _seconds(value: float | None) -> str:
    return "--" if value is None or not np.isfinite(value) else f"{value:.3g} s"


def _row(measurement, size, ours, alternative="--", theirs="--", budget="", met=None,
         versus=None) -> dict:
    verdict = "" if met is None else ("met" if met else "NOT MET")
    return dict(zip(COLUMNS, (measurement, size, ours, alternative, theirs,
                              versus or "--", budget, verdict), strict=True))


# --- rank-sum test ---------------------------------------------------------------------------

def _rank_sum_samples(n: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Change scores: ``continuous`` (6 decimals, hardly a tie: the slow case of the search)
    or ``tied`` (whole points, as a questionnaire's change scores: a few dozen values). The
    shift, 2.5 standard errors, keeps p informative (not 0) at every size."""
    rng = np.random.default_rng(n)
    x, y = rng.normal(-2.5 * 8 * np.sqrt(2 / n), 8, n), rng.normal(0, 8, n)
    decimals = 6 if kind == "continuous" else 0
    return np.round(x, decimals), np.round(y, decimals)


def _r_wilcox(x: np.ndarray, y: np.ndarray, repeats: int, scratch: Path) -> dict | None:
    data = pd.DataFrame({"sample": ["x"] * x.size + ["y"] * y.size,
                         "value": np.concatenate([x, y])})
    return _rscript(R_WILCOX, data, repeats, scratch)


def rank_sum_rows(sizes: list[int], scratch: Path) -> list[dict]:
    from scipy import stats

    from burnout.stats.rank_sum import rank_sum_test

    rows, worst, r_at_200k = [], {"p": 0.0, "shift": 0.0}, 0.0
    for n in sizes:
        for kind in ("continuous", "tied"):
            x, y = _rank_sum_samples(n, kind)
            repeats = 5 if n <= 10_000 else (3 if n <= 200_000 else 1)
            ours, result = _best(lambda x=x, y=y: rank_sum_test(x, y).iloc[0], repeats)
            scipy_seconds, _ = _best(lambda x=x, y=y: stats.mannwhitneyu(
                x, y, alternative="two-sided", method="asymptotic"), repeats)
            label, size = f"rank-sum test + shift CI, {kind}", f"{n:,} per group"
            predicted = r_at_200k * n / 200_000 * 1.2  # R's time grows about linearly
            if predicted > 60:  # 1M per group: R only if it takes under a minute
                rows.append(_row(label, size, _seconds(ours), "R wilcox.test",
                                 f"not run (~{predicted:.0f} s predicted)"))
            else:
                r = _r_wilcox(x, y, 1 if n > 10_000 else 3, scratch)
                r_time = None if r is None else r["seconds"]
                if r is not None:
                    worst["p"] = max(worst["p"], abs(result["p"] - r["p"]) / r["p"])
                    worst["shift"] = max(worst["shift"], *(abs(result[column] - r[column])
                                         for column in ("estimate", "ci_low", "ci_high")))
                    r_at_200k = max(r_at_200k, r_time if n == 200_000 else 0.0)
                budget = ">= 50x faster" if n == 200_000 else ""
                met = None if budget == "" or r_time is None else r_time / ours >= 50
                rows.append(_row(label, size, _seconds(ours), "R wilcox.test",
                                 _seconds(r_time), budget, met, _versus(ours, r_time)))
            rows.append(_row(label, size, _seconds(ours), "scipy mannwhitneyu (p only)",
                             _seconds(scipy_seconds), versus=_versus(ours, scipy_seconds)))
    rows.append(_row("rank-sum: largest rel. difference of p from R", "sizes run in R",
                     f"{worst['p']:.1e}", "R wilcox.test", budget="<= 1e-6",
                     met=worst["p"] <= 1e-6))
    rows.append(_row("rank-sum: largest diff. of shift, CI from R", "sizes run in R",
                     f"{worst['shift']:.1e}", "R wilcox.test", budget="<= 1e-3",
                     met=worst["shift"] <= 1e-3))
    return rows


# --- mixed model -----------------------------------------------------------------------------

def _long_data(n_subjects: int, seed: int = 2024) -> pd.DataFrame:
    """Invented pre/post scores: subject SD 3, residual SD 2, 30% of follow-ups missing."""
    rng = np.random.default_rng(seed)
    arm = rng.integers(0, 2, n_subjects)
    person = rng.normal(0, 3, n_subjects)
    frames = []
    for post in (0, 1):
        score = 20 + arm + 0.5 * post - 1.2 * arm * post + person + rng.normal(0, 2, n_subjects)
        if post:
            score[rng.random(n_subjects) < 0.3] = np.nan
        frames.append(pd.DataFrame({
            "student_id": [f"S{i:06d}" for i in range(n_subjects)],
            "group": np.where(arm == 1, "intervention", "control"),
            "time": "post" if post else "pre", "score": np.round(score, 2)}))
    return pd.concat(frames, ignore_index=True)


def _statsmodels_fit(data: pd.DataFrame) -> float:
    """One REML fit of statsmodels' MixedLM (L-BFGS) on ready arrays; the interaction."""
    import statsmodels.api as sm

    complete = data.dropna()
    intervention = (complete["group"] == "intervention").to_numpy(float)
    post = (complete["time"] == "post").to_numpy(float)
    exog = np.column_stack([np.ones(len(complete)), intervention, post, intervention * post])
    model = sm.MixedLM(complete["score"].to_numpy(float), exog, groups=complete["student_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(model.fit(reml=True, method=["lbfgs"]).fe_params[3])


def mixed_model_rows(sizes: list[int], scratch: Path) -> list[dict]:
    from burnout.stats.mixed_model import mixed_model

    rows, worst = [], 0.0
    for n in sizes:
        data = _long_data(n)
        repeats = 3 if n < 20_000 else 1
        ours, result = _best(lambda data=data: mixed_model(data, "score"), repeats)
        estimate = float(result["estimate"].iloc[0])
        label, size = "mixed model (REML)", f"{n:,} subjects"
        r = _rscript(R_LMER, data, repeats, scratch)
        lme4 = None if r is None else r["seconds"]
        if r is not None:
            worst = max(worst, abs(estimate / r["estimate"] - 1))
        budget = "<= 2x lme4's time" if n >= 20_000 else ""
        met = None if budget == "" or lme4 is None else ours <= 2 * lme4
        rows.append(_row(label, size, _seconds(ours), "lme4::lmer", _seconds(lme4), budget,
                         met, _versus(ours, lme4)))
        statsmodels_seconds, _ = _best(lambda data=data: _statsmodels_fit(data), 1)
        rows.append(_row(label, size, _seconds(ours), "statsmodels MixedLM (1 fit)",
                         _seconds(statsmodels_seconds), versus=_versus(ours,
                                                                       statsmodels_seconds)))
    rows.append(_row("mixed model: largest rel. difference from lme4", "all sizes",
                     f"{worst:.1e}", "lme4::lmer"))
    return rows


# --- pipeline --------------------------------------------------------------------------------

def _timed(command: list[str], cwd: Path, environment: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed (exit {result.returncode}):\n"
                           f"{result.stderr[-2000:]}")
    return time.perf_counter() - started


def _scratch_copy(destination: Path) -> Path:
    """The human-written files of the working tree (no generated output) in ``destination``."""
    copy = destination / "project"
    for name in project_files(ROOT):
        if not name.startswith(GENERATED) and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def _remove_outputs(copy: Path, study: str) -> None:
    for folder in GENERATED:  # data/processed/<study>, figures/<study>, ...
        shutil.rmtree(copy / folder / study, ignore_errors=True)


def one_process_floor(study: str) -> dict[str, float]:
    """Run ``study``'s stage notebooks' code cells in this process, one IPython shell, no kernel
    and no papermill (``--floor``; the caller sets BURNOUT_ROOT); seconds per stage."""
    return run_stages(study, last=None)["seconds"]


def _overhead_parts(python: str, environment: dict, cwd: Path) -> list[dict]:
    """What each stage pays again: a Python process importing the libraries, a kernel."""
    libraries = "import pandas, scipy.stats, matplotlib.pyplot, burnout.stats.mixed_model"
    bare = min(_timed([python, "-c", "pass"], cwd, environment) for _ in range(3))
    imports = min(_timed([python, "-c", libraries], cwd, environment) for _ in range(3))
    kernel = ("import time; from jupyter_client.manager import start_new_kernel; "
              "t = time.perf_counter(); m, c = start_new_kernel(kernel_name='burnout'); "
              "c.stop_channels(); m.shutdown_kernel(now=True); print(time.perf_counter() - t)")
    started = float(subprocess.run([python, "-c", kernel], cwd=cwd, env=environment, check=True,
                                   capture_output=True, text=True).stdout.split()[-1])
    return [_row("overhead part: start Python", "once", _seconds(bare)),
            _row("overhead part: Python + the stages' imports", "once", _seconds(imports)),
            _row("overhead part: start and stop an idle kernel", "once", _seconds(started))]


def _floor(python: str, study: str, copy: Path, environment: dict) -> dict[str, float]:
    output = subprocess.run([python, "tests/benchmark.py", "--floor", study], cwd=copy,
                            env=environment, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def pipeline_rows(studies: list[str], scratch: Path, repeats: int) -> list[dict]:
    """Cold, no-op and warm ``make all`` of each study against the one-process floor.

    The warm run and the floor alternate ``repeats`` times and each keeps its best run: one run
    of either varies by up to a quarter on a shared 2-core machine, more than the 1.5x budget
    can tell apart. The budget is stated for both studies together, so a last row adds them.
    """
    copy = _scratch_copy(scratch)
    environment = dict(os.environ, BURNOUT_ROOT=str(copy), PYTHONPATH=str(copy / "src"),
                       MPLBACKEND="Agg")
    python = str(ROOT / ".venv" / "bin" / "python")
    make = ["make", "--no-print-directory", f"VENV={ROOT / '.venv'}", "all"]
    rows, warm_total, floor_total, sequential_total = [], 0.0, 0.0, 0.0
    for study in studies:
        cold = _timed([*make, f"STUDY={study}"], copy, environment)
        no_op = min(_timed([*make, f"STUDY={study}"], copy, environment)
                    for _ in range(repeats))
        one_kernel_each = min(_timed([python, "-m", "burnout", "run", study, "--jobs", "1"],
                                     copy, environment) for _ in range(repeats))
        warm, one_at_a_time, floor, stages = float("inf"), float("inf"), float("inf"), {}
        for _ in range(repeats):
            measured = _floor(python, study, copy, environment)
            if sum(measured.values()) < floor:
                floor, stages = sum(measured.values()), measured
            _remove_outputs(copy, study)
            warm = min(warm, _timed([*make, f"STUDY={study}"], copy, environment))
            _remove_outputs(copy, study)
            one_at_a_time = min(one_at_a_time, _timed([*make, f"STUDY={study}", "JOBS=1"], copy,
                                                      environment))
        warm_total, floor_total = warm_total + warm, floor_total + floor
        sequential_total += one_at_a_time
        n = len(stages)
        rows += [
            _row(f"{study}: make all from clean (cold)", f"{n} stages",
                 _seconds(cold)),
            _row(f"{study}: no-op make all", "", _seconds(no_op), budget="< 2 s",
                 met=no_op < 2),
            _row(f"{study}: warm make all, all stages", f"{n} stages", _seconds(warm),
                 "one-process floor", _seconds(floor), versus=_versus(warm, floor)),
            _row(f"{study}: warm make all JOBS=1 (one stage at a time)", f"{n} stages",
                 _seconds(one_at_a_time), "one-process floor", _seconds(floor),
                 versus=_versus(one_at_a_time, floor)),
            _row(f"{study}: python -m burnout run --jobs 1", f"{n} stages",
                 _seconds(one_kernel_each), "one-process floor",
                 _seconds(floor), versus=_versus(one_kernel_each, floor)),
            _row(f"{study}: overhead of a kernel + papermill", "per stage",
                 _seconds((one_kernel_each - floor) / n)),
            _row(f"{study}: overhead of make's process", "per stage",
                 _seconds((one_at_a_time - one_kernel_each) / n)),
            _row(f"{study}: slowest stage, one-process", max(stages, key=stages.get),
                 _seconds(max(stages.values()))),
        ]
    rows.append(_row(f"warm make all, {' + '.join(studies)}", f"best of {repeats}",
                     _seconds(warm_total), "one-process floor", _seconds(floor_total),
                     "<= 1.5x slower", warm_total <= 1.5 * floor_total,
                     _versus(warm_total, floor_total)))
    # The floor runs on one core; make all runs independent stages side by side on every core.
    # This row shows what the kernels and papermill cost when nothing runs side by side.
    rows.append(_row(f"warm make all JOBS=1, {' + '.join(studies)}", f"best of {repeats}",
                     _seconds(sequential_total), "one-process floor", _seconds(floor_total),
                     versus=_versus(sequential_total, floor_total)))
    return rows + _overhead_parts(python, environment, copy)


# --- simulation (the teaching lab) ----------------------------------------------------------

def _study_a_model():
    from burnout.pipeline.parameters import load_parameters
    from burnout.simulate.model import study_model

    adjusted = load_parameters("mentorship").get("adjusted", {})
    return study_model("mentorship", covariates=adjusted.get("covariates"),
                       mixed_covariates=adjusted.get("mixed_covariates"))


def _per_call_overhead() -> list[dict]:
    """Milliseconds per call of each analysis on one simulated Study A dataset."""
    from burnout.simulate.methods import _ANALYSES
    from burnout.simulate.model import draw

    model = _study_a_model()
    wide, long = draw(model, 0.0, np.random.default_rng(1))
    rows = []
    started = time.perf_counter()
    for _ in range(20):
        draw(model, 0.0, np.random.default_rng(1))
    rows.append(_row("simulation: draw one Study A dataset", "1 replicate",
                     f"{(time.perf_counter() - started) / 20 * 1000:.1f} ms"))
    for analysis in model.analyses:
        fit, on_flags = _ANALYSES[analysis]
        name = model.outcomes[0].flags[0][0] if on_flags else model.outcomes[0].name
        seconds, _ = _best(lambda fit=fit, name=name: fit(model, wide, long, name, {}), 20)
        rows.append(_row(f"simulation: one {analysis} fit", "Study A size",
                         f"{seconds * 1000:.1f} ms"))
    return rows


def simulation_rows(reps: int) -> list[dict]:
    """Replicates per second per engine, and 10,000 Study A replicates against 5 minutes.

    joblib keeps its worker processes between runs: a first run of a few replicates starts them
    (the start-up a 10,000-replicate run pays once), then ``reps`` replicates are timed. The
    projection is that start-up plus 10,000 replicates at the timed rate; ``--reps 10000``
    times the whole run instead. dask starts a LocalCluster in each run, so its rate includes
    the start-up.
    """
    from burnout.simulate.engine import run_replicates

    model = _study_a_model()
    rows = _per_call_overhead()
    started = time.perf_counter()
    run_replicates(model, [0.0], 20, seed=2, engine="joblib", workers=2, progress=False)
    start_up = time.perf_counter() - started
    rates = {}
    for engine in ("joblib", "dask"):
        started = time.perf_counter()
        run_replicates(model, [0.0], reps, seed=1, engine=engine, workers=2, progress=False)
        elapsed = time.perf_counter() - started
        rates[engine] = reps / elapsed
        rows.append(_row(f"simulation: Study A, {engine}, 2 workers", f"{reps} replicates",
                         f"{rates[engine]:.1f} rep/s", versus=_seconds(elapsed)))
    rows.append(_row("simulation: start joblib's workers, then 20 replicates", "once",
                     _seconds(start_up)))
    projected = start_up + 10_000 / rates["joblib"]
    label = ("10,000 Study A replicates (timed)" if reps >= 10_000
             else "10,000 Study A replicates (start-up + 10,000 at the joblib rate)")
    rows.append(_row(f"simulation: {label}", "unadjusted + adjusted", _seconds(projected),
                     budget="< 300 s on 2 cores", met=projected < 300))
    return rows


# --- table -----------------------------------------------------------------------------------

def markdown(rows: list[dict]) -> str:
    header = dict(zip(COLUMNS, COLUMNS, strict=True))
    widths = {column: max(len(str(row[column])) for row in [header, *rows]) for column in COLUMNS}

    def line(row: dict) -> str:
        return "| " + " | ".join(str(row[column]).ljust(widths[column])
                                 for column in COLUMNS) + " |"

    rule = "|" + "|".join("-" * (widths[column] + 2) for column in COLUMNS) + "|"
    return "\n".join([line(header), rule, *map(line, rows)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and the first study only (a smoke run)")
    parser.add_argument("--only", choices=["rank_sum", "mixed_model", "pipeline", "simulation",
                                           "scale"], help="one part of the benchmark")
    parser.add_argument("--scale", type=int, nargs="*", default=[], metavar="K",
                        help="further k-fold copies of the first study for the scale run "
                             "(it always runs x10, x100 and x1,000)")
    parser.add_argument("--reps", type=int, metavar="R",
                        help="simulation replicates timed per engine (default 1,000)")
    parser.add_argument("--repeats", type=int, metavar="N",
                        help="runs of each pipeline timing, the best kept (default 3)")
    parser.add_argument("--floor", metavar="STUDY", help=argparse.SUPPRESS)
    parser.add_argument("--scale-stages", metavar="STUDY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:  # the one-process floor, run by pipeline_rows inside the scratch copy
        print(json.dumps(one_process_floor(args.floor)))
        return 0
    if args.scale_stages:  # the scale run's child, inside a k-fold copy
        print(json.dumps(run_stages(args.scale_stages)))
        return 0
    studies = sorted(path.parent.name for path in (ROOT / "data" / "raw").glob("*/study.yaml"))
    rank_sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 200_000, 1_000_000]
    mixed_sizes = [500, 5_000] if args.quick else [500, 5_000, 20_000, 50_000]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="burnout-bench-") as name:
        scratch = Path(name)
        parts = {"rank_sum": lambda: rank_sum_rows(rank_sizes, scratch),
                 "mixed_model": lambda: mixed_model_rows(mixed_sizes, scratch),
                 "pipeline": lambda: pipeline_rows(studies[:1] if args.quick else studies,
                                                   scratch, args.repeats or
                                                   (1 if args.quick else 3)),
                 "simulation": lambda: simulation_rows(args.reps or
                                                       (100 if args.quick else 1_000)),
                 "scale": lambda: scale_rows(SCALE_STUDY if SCALE_STUDY in studies else
                                             studies[0], ([10] if args.quick else
                                                          [10, 100, 1_000]) + args.scale,
                                             scratch, _scratch_copy, _row)}
        rows = [row for part, measure in parts.items() if args.only in (None, part)
                for row in measure()]
    table = markdown(rows)
    header = (f"Benchmark{' (--quick)' if args.quick else ''}, {time.strftime('%Y-%m-%d %H:%M')}"
              f", {os.cpu_count()} CPUs, {time.perf_counter() - started:.0f} s in all. Times: "
              "best of 1-5 runs (pipeline: --repeats); R's time is measured inside R.\n\n")
    print(header + table)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(header + table + "\n", encoding="utf-8")
    print(f"\nwritten to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
