"""Command line of the compendium: ``python -m burnout <command>`` (see ``--help``).

Every command turns a :class:`burnout.errors.DataError` or a failed stage into a clear message
on stderr and a non-zero exit status; heavy modules are imported only by the commands that
need them, so ``make`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# nbformat validates notebooks with jsonschema, whose format checkers import rfc3987_syntax when
# it is installed (jupyter-events pulls it in through jsonschema's format-nongpl extra). That
# module compiles a lark grammar when imported: 1.2 of the 4 s a stage takes on the 2-core
# machine, paid once per stage process. Notebook schemas use no IRI format, so the command line
# marks the module as unavailable; jsonschema then skips only its "iri" format checks.
_SLOW_UNUSED_MODULES = ("rfc3987_syntax",)


def _run(args: argparse.Namespace) -> int:
    from burnout.runner import run_stage, run_study

    if args.stages:
        for stage in args.stages:
            run_stage(args.study, stage)
    else:
        run_study(args.study)
    return 0


def _makefile(args: argparse.Namespace) -> int:
    from burnout.makefile import write_study_makefile

    for study in args.studies:
        write_study_makefile(study)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from burnout.checksums import verify_checksums
    from burnout.validation import check_raw

    raw_dir = Path(args.raw_dir)
    if not args.skip_checksums:
        verify_checksums(raw_dir)
    check_raw(raw_dir)
    print(f"{raw_dir}: valid")
    return 0


def _checksums(args: argparse.Namespace) -> int:
    from burnout.checksums import verify_checksums, write_checksums

    raw_dir = Path(args.raw_dir)
    if args.accept:
        written = write_checksums(raw_dir)
        print(f"{written}: checksums recorded for the current files")
    else:
        verify_checksums(raw_dir)
        print(f"{raw_dir}: checksums match")
    return 0


def _replica(args: argparse.Namespace) -> int:
    import importlib

    from burnout.errors import DataError
    from burnout.parameters import load_parameters
    from burnout.paths import study_paths

    params = load_parameters(args.study)
    try:
        generator = importlib.import_module(f"burnout.replica.{args.study}")
    except ModuleNotFoundError:
        raise DataError(
            f"study '{args.study}' has no replica generator (src/burnout/replica/{args.study}.py)"
        ) from None
    out_dir = study_paths(args.study).raw
    generator.generate_replica(out_dir, seed=params["seed"])
    print(f"{out_dir}: synthetic replica written (seed {params['seed']})")
    return 0


def _rebuild_check(args: argparse.Namespace) -> int:
    from burnout.rebuild import rebuild_check

    return rebuild_check(studies=args.studies)


def _report(args: argparse.Namespace) -> int:
    from burnout.html_report import render_html_report

    for study in args.studies:
        print(f"{render_html_report(study)}: open it in a browser")
    return 0


def _studies(args: argparse.Namespace) -> int:
    from burnout.parameters import list_studies

    print(" ".join(list_studies()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m burnout``."""
    parser = argparse.ArgumentParser(prog="python -m burnout", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="execute a study's notebooks (all stages, or those named)"
    )
    run.add_argument("study")
    run.add_argument("stages", nargs="*", help="stage names (default: every stage of the study)")
    run.set_defaults(handler=_run)

    makefile = commands.add_parser("makefile", help="write .build/<study>.mk for the Makefile")
    makefile.add_argument("studies", nargs="+")
    makefile.set_defaults(handler=_makefile)

    validate = commands.add_parser(
        "validate", help="validate a raw-data folder, report every problem"
    )
    validate.add_argument("raw_dir")
    validate.add_argument(
        "--skip-checksums", action="store_true", help="do not compare the files with SHA256SUMS"
    )
    validate.set_defaults(handler=_validate)

    checksums = commands.add_parser(
        "checksums", help="verify (or --accept) a raw folder's SHA256SUMS"
    )
    checksums.add_argument("raw_dir")
    checksums.add_argument(
        "--accept", action="store_true", help="record the current files as the accepted raw data"
    )
    checksums.set_defaults(handler=_checksums)

    replica = commands.add_parser("replica", help="regenerate a study's synthetic raw data")
    replica.add_argument("study")
    replica.set_defaults(handler=_replica)

    rebuild = commands.add_parser(
        "rebuild-check", help="rebuild in a scratch copy, compare with the working tree"
    )
    rebuild.add_argument("studies", nargs="*")
    rebuild.set_defaults(handler=_rebuild_check)

    report = commands.add_parser("report", help="render the executed notebooks as HTML pages")
    report.add_argument("studies", nargs="+")
    report.set_defaults(handler=_report)

    studies = commands.add_parser("studies", help="list the studies that have a parameter file")
    studies.set_defaults(handler=_studies)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the command; return the exit status."""
    for name in _SLOW_UNUSED_MODULES:
        sys.modules.setdefault(name, None)  # None in sys.modules: "import name" fails fast
    from burnout.errors import DataError
    from burnout.runner import StageError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (DataError, StageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
