"""Command line of the compendium: ``python -m burnout <command>`` (see ``--help``).

Every command turns bad input (a :class:`burnout.core.errors.DataError`) or a failed stage into
a clear message on stderr and a non-zero exit status, without a traceback; heavy modules are
imported only by the commands that need them, so ``make`` stays fast.
"""

from __future__ import annotations

import argparse
import sys

# nbformat validates notebooks with jsonschema, whose format checkers import rfc3987_syntax when
# it is installed; that module compiles a grammar on import (1.2 s per stage process on the
# 2-core machine). Notebook schemas use no IRI format, so the command line marks the module
# unavailable and jsonschema skips only its "iri" checks.
_SLOW_UNUSED_MODULES = ("rfc3987_syntax",)


def _run(args: argparse.Namespace) -> int:
    # batch: the kernels' zygote imports the stages' libraries while this process imports the
    # runner (papermill, pandas), and the next stage's kernel starts while one runs;
    # burnout.pipeline.runner does the rest.
    from burnout.pipeline.batch import run_pending

    if args.stages:
        run_pending([(args.study, stage) for stage in args.stages], workers=args.jobs)
    else:
        from burnout.pipeline.runner import run_study

        run_study(args.study, workers=args.jobs)
    return 0


def _run_pending(args: argparse.Namespace) -> int:
    from burnout.pipeline.batch import pending_jobs, run_pending

    run_pending(pending_jobs(sys.stdin), workers=args.jobs)
    return 0


def _makefile(args: argparse.Namespace) -> int:
    from burnout.pipeline.makefile import write_study_makefile

    for study in args.studies:
        write_study_makefile(study)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from burnout.core.paths import PARAMS_DIR
    from burnout.data.checksums import verify_checksums
    from burnout.data.cleaning import clean_study
    from burnout.data.privacy import load_redaction_names
    from burnout.data.study import load_study
    from burnout.designs import design_of

    study = load_study(args.study)
    if not args.skip_checksums and (study.folder / "SHA256SUMS").is_file():
        verify_checksums(study.folder)
    design = design_of(study)
    redaction = PARAMS_DIR / "redaction.txt"
    tables = clean_study(study, population=design.population, flow_steps=design.flow_steps,
                         per_protocol=design.applies("mixed_model_per_protocol"),
                         redaction_names=load_redaction_names(redaction)
                         if redaction.is_file() else ())
    flow = tables["flow"]
    print(f"{study.folder}: valid ({design.name} design; "
          f"{len(tables['participants'])} participants; analysed: "
          + ", ".join(f"{row.group} {row.n}" for row in flow.itertuples()
                      if row.step == "analysed") + ")")
    return 0


def _accept(args: argparse.Namespace) -> int:
    from burnout.data.checksums import write_checksums
    from burnout.data.study import load_study

    written = write_checksums(load_study(args.study).folder)
    print(f"{written}: the current raw files are accepted (commit this file)")
    return 0


def _rebuild_check(args: argparse.Namespace) -> int:
    from burnout.pipeline.rebuild import rebuild_check

    return rebuild_check(studies=args.studies, compare=not args.audit_only,
                         perturb=args.perturb)


def _site(args: argparse.Namespace) -> int:
    from pathlib import Path

    from burnout.report.site import build_site

    index = build_site(Path(args.output) if args.output else None)
    print(f"{index}: open it in a browser, or serve the folder: "
          f"python -m http.server --directory {index.parent}")
    return 0


def _studies(args: argparse.Namespace) -> int:
    from burnout.data.study import list_studies

    print(" ".join(list_studies()))
    return 0


def _stages(args: argparse.Namespace) -> int:
    from burnout.data.study import load_study
    from burnout.pipeline.parameters import load_parameters
    from burnout.pipeline.stages import study_stages

    stages = study_stages(load_study(args.study), load_parameters(args.study).get("stages"))
    print(" ".join(stage.name for stage in stages))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from burnout.core.errors import DataError
    from burnout.pipeline.parameters import load_parameters

    adjusted = load_parameters(args.study).get("adjusted", {})
    options = {"dropout": args.dropout, "engine": args.engine, "workers": args.workers,
               "scheduler": args.scheduler}
    if args.lab:
        from burnout.pipeline.runner import run_notebook
        from burnout.simulate import notebook as lab

        parameters = lab.lab_parameters(args.study, args.reps, args.seed, **options)
        written = run_notebook(args.study, "simulate", lab.LAB_NOTEBOOK, parameters,
                               lab.lab_undeclared(args.study), lab.lab_notebook_path(args.study),
                               lambda line: print(line, file=sys.stderr, flush=True))
        print(f"{written}: the teaching lab, executed")
        return 0
    if not args.effect:
        raise DataError("simulate: give at least one effect (--effect E [E ...]), or --lab")
    from burnout.simulate.lab import simulate, write_simulation

    summary = simulate(args.study, args.effect, args.reps, args.seed, sizes=args.n,
                       outcomes=args.outcome, covariates=adjusted.get("covariates"),
                       mixed_covariates=adjusted.get("mixed_covariates"), **options)
    path = write_simulation(summary, args.study)
    print(f"{path}: {len(summary)} rows ({args.reps} replicates per effect)")
    return 0


def _add_simulate(command) -> None:
    simulate = command("simulate", _simulate,
                       "simulate a study before it is run: power, type-I error, bias and "
                       "interval coverage of every analysis its design declares; writes "
                       "reports/<study>/simulation.csv")
    simulate.add_argument("study")
    simulate.add_argument("--effect", type=float, nargs="+", metavar="E",
                          help="effects: the intervention shifts follow-up scores by E scale "
                               "points in the intervention group (in everyone in a single-group "
                               "study); 0 gives the type-I error")
    simulate.add_argument("--reps", type=int, default=1000, help="replicates (default 1000)")
    simulate.add_argument("--seed", type=int, default=20261130, help="seed of the run")
    simulate.add_argument("--n", type=int, nargs="+", metavar=("N_INT", "N_CTRL"),
                          help="participants with a baseline per group (default: the study's)")
    simulate.add_argument("--dropout", type=float,
                          help="probability of missing the follow-up, completely at random "
                               "(default: the study's observed share)")
    simulate.add_argument("--outcome", nargs="+", help="scores simulated (default: every one)")
    simulate.add_argument("--engine", default="joblib",
                          help="joblib (local cores, default) or dask (dask.distributed)")
    simulate.add_argument("--scheduler", metavar="ADDRESS",
                          help="a running dask scheduler (default: a LocalCluster)")
    simulate.add_argument("--workers", type=int, help="worker processes (default: every core)")
    simulate.add_argument("--lab", action="store_true",
                          help="run the teaching lab instead: a grid of effects and sample "
                               "sizes, executed in notebooks/12_simulation.ipynb")


def _synthesis(args: argparse.Namespace) -> int:
    from burnout.pipeline.batch import run_pending

    run_pending([("synthesis", None)])  # its kernel starts before the runner's imports
    return 0


def _meta_analysis(args: argparse.Namespace) -> int:
    from burnout.report.meta_analysis_text import meta_analysis_report
    from burnout.synthesis.evidence import read_estimates
    from burnout.synthesis.meta_analysis import as_json, meta_analysis

    estimates = read_estimates(args.estimates, args.moderator, args.measure)
    options = {"method": args.method, "hartung_knapp": args.hartung_knapp,
               "measure": args.measure}
    pooled = meta_analysis(estimates, **options)
    regression = (meta_analysis(estimates, moderators=args.moderator, **options)
                  if args.moderator else None)
    print(as_json(pooled, regression) if args.json
          else meta_analysis_report(estimates, pooled, regression))
    return 0


def _add_meta_analysis(command) -> None:
    meta = command("meta-analysis", _meta_analysis,
                   "random-effects meta-analysis (and meta-regression) of an estimates file, as "
                   "R metafor rma()")
    meta.add_argument("estimates", help="CSV, one row per study: study, estimate and se (or "
                                        "ci_low and ci_high, or mean/sd/n per group), optional "
                                        "moderator columns and a citation")
    meta.add_argument("--method", choices=("REML", "DL", "PM"), default="REML",
                      help="estimator of tau^2 (default REML)")
    meta.add_argument("--hartung-knapp", action="store_true",
                      help="Hartung-Knapp adjustment: t/F tests on k - p df (metafor "
                           "test='knha')")
    meta.add_argument("--moderator", nargs="+", default=[], metavar="COLUMN",
                      help="moderator columns of a meta-regression (text columns are coded "
                           "against their alphabetically first level)")
    meta.add_argument("--measure", choices=("SMD", "MD"), default="SMD",
                      help="scale of effects computed from summary statistics (default SMD, "
                           "Hedges' g)")
    meta.add_argument("--json", action="store_true",
                      help="print one JSON object: estimate, se, ci_low, ci_high, p, tau2, i2, "
                           "pi_low, pi_high and moderators [{term, estimate, se, p}]")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m burnout``."""
    parser = argparse.ArgumentParser(prog="python -m burnout", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def command(name, handler, text):
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    run = command("run", _run, "execute a study's stage notebooks (all, or those named)")
    run.add_argument("study")
    run.add_argument("stages", nargs="*", help="stage names (default: every stage it runs)")
    pending = command("run-pending", _run_pending,
                      "run, in one process, the stages of the recipes of a make dry run read "
                      "from stdin (make all does this)")
    for sub in (run, pending):
        sub.add_argument("--jobs", type=_positive, metavar="N",
                         help="stages run at once, each when those it reads from are done "
                              "(default: every core this process may use; 1: one at a time)")
    command("makefile", _makefile, "write .build/<study>.mk for the Makefile").add_argument(
        "studies", nargs="+")
    validate = command("validate", _validate,
                       "check a study file and its exports; list every problem at once")
    validate.add_argument("study")
    validate.add_argument("--skip-checksums", action="store_true",
                          help="do not compare the raw files with SHA256SUMS")
    command("accept", _accept, "accept the current raw files of a study (rewrite SHA256SUMS)"
            ).add_argument("study")
    rebuild = command("rebuild-check", _rebuild_check,
                      "rebuild in a clean copy (auditing every stage's file accesses) and "
                      "compare every generated file with the working tree")
    rebuild.add_argument("studies", nargs="*")
    rebuild.add_argument("--audit-only", action="store_true",
                         help="only run the dependency audit (make check-deps)")
    rebuild.add_argument("--perturb", action="store_true",
                         help="rebuild with one BLAS thread, another time zone, locale and hash "
                              "seed, and numpy's optional CPU features off")
    command("site", _site, "build the browsable site (site/) from the committed outputs and "
            "executed notebooks, without re-running them").add_argument(
        "--output", help="folder of the site (default: site/ in the project)")
    command("studies", _studies, "list the studies (folders with a study file)")
    command("stages", _stages, "list the stages a study runs").add_argument("study")
    _add_meta_analysis(command)
    command("synthesis", _synthesis, "run the evidence synthesis over every study "
            "(notebooks/11_synthesis.ipynb; make all runs it)")
    _add_simulate(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the command; return the exit status."""
    for name in _SLOW_UNUSED_MODULES:
        sys.modules.setdefault(name, None)  # None in sys.modules: "import name" fails fast
    from burnout.core.errors import DataError, StageError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (DataError, StageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
