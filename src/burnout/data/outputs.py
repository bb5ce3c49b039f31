"""Writing the cleaned tables, and what the cleaning stage shows and records.

:func:`write_clean_outputs` writes every table of :func:`burnout.data.cleaning.clean_study` to
its catalog path; :func:`clean_numbers` turns the flow and the evaluation counts into citable
numbers; :func:`describe_study` and :func:`exclusion_summary` are what the cleaning notebook
shows a reader.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from burnout.core.catalog import StudyFiles
from burnout.core.io import write_csv
from burnout.data.study import Study

__all__ = ["write_clean_outputs", "clean_numbers", "describe_study", "exclusion_summary"]

# Exclusion-log stages that change the participant flow (the others concern single responses).
FLOW_STAGES = ("withdrawal", "pre_survey", "post_survey", "per_protocol", "analysis")


def _path(files: StudyFiles, name: str) -> Path:
    """The catalog path of a cleaned table named as :func:`clean_study` names it."""
    if name.startswith("evaluation_") and name.endswith("_roster"):
        return files.evaluation_roster(name[len("evaluation_"):-len("_roster")])
    if name.startswith("evaluation_"):
        return files.evaluation(name[len("evaluation_"):])
    return files.path(name)


def write_clean_outputs(tables: dict[str, pd.DataFrame], files: StudyFiles) -> list[Path]:
    """Write every cleaned table to its catalog path (atomically); return the paths.

    Examples
    --------
    >>> import tempfile
    >>> from burnout.core.catalog import study_files
    >>> files = study_files("pilot", tempfile.mkdtemp())
    >>> paths = write_clean_outputs({"flow": pd.DataFrame({"n": [3]})}, files)
    >>> paths[0].relative_to(files.root).as_posix()
    'data/processed/pilot/flow.csv'
    """
    return [write_csv(table, _path(files, name)) for name, table in tables.items()]


def clean_numbers(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """The citable numbers of cleaning: flow counts and evaluation respondents.

    Keys ``n.<step>.<group>`` for every flow step and group; for every evaluation survey
    ``n.<name>.respondents``, and ``n.<name>`` (the respondents' roster) when the survey's
    respondents are not the participants.

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["enrolled", "analysed"], "group": "all", "n": [12, 10]})
    >>> clean_numbers({"flow": flow, "evaluation_peers": pd.DataFrame({"response_id": [1, 2]})})
    {'n.enrolled.all': 12, 'n.analysed.all': 10, 'n.peers.respondents': 2}
    """
    numbers = {f"n.{row.step}.{row.group}": int(row.n)
               for row in tables["flow"].itertuples(index=False)}
    for name, table in tables.items():
        if name.startswith("evaluation_") and name.endswith("_roster"):
            numbers[f"n.{name[len('evaluation_'):-len('_roster')]}"] = len(table)
        elif name.startswith("evaluation_"):
            numbers[f"n.{name[len('evaluation_'):]}.respondents"] = len(table)
    return numbers


def describe_study(study: Study) -> str:
    """The study file in a few Markdown lines: design, groups, waves, instruments, extras.

    Examples
    --------
    >>> from burnout.data.study import Roster, Wave, InstrumentColumns
    >>> study = Study("pilot", "A pilot", "single_group", False, Roster("p.csv", id="id"), {},
    ...     (Wave("t0.csv", id="id", name="before", time="pre"),
    ...      Wave("t1.csv", id="id", name="after", time="post")),
    ...     (InstrumentColumns("mbi_hss_mp", ("Q1",)),))
    >>> print(describe_study(study).splitlines()[0])
    **A pilot** (`pilot`): single group design.
    """
    lines = [f"**{study.title}** (`{study.study}`): {study.design.replace('_', ' ')} design"
             + (" — a **synthetic replica**, not participant data." if study.synthetic else ".")]
    if study.has_groups:
        lines.append("- groups: " + ", ".join(f"{name} = '{label}'"
                                              for name, label in study.groups.items()))
    lines.append(f"- roster: `{study.roster.file}` ({study.roster.format})")
    lines += [f"- wave `{wave.time}`: {wave.name}, `{wave.file}` ({wave.format})"
              for wave in study.waves]
    lines.append("- instruments: " + ", ".join(f"`{name}`" for name in study.instrument_names))
    if study.evaluations:
        lines.append("- evaluation surveys: " + ", ".join(f"`{evaluation.name}`"
                                                           for evaluation in study.evaluations))
    if study.qualitative is not None:
        lines.append(f"- coded free text: `{study.qualitative.codes}`")
    return "\n".join(lines)


def exclusion_summary(exclusions: pd.DataFrame) -> pd.DataFrame:
    """Records of the exclusion log counted by stage and group (flow stages first).

    Examples
    --------
    >>> log = pd.DataFrame({"stage": ["post_survey", "deduplicate", "post_survey"],
    ...                     "group": ["control", None, "control"]})
    >>> exclusion_summary(log).to_dict("records")
    [{'stage': 'post_survey', 'group': 'control', 'records': 2}, \
{'stage': 'deduplicate', 'group': '', 'records': 1}]
    """
    counted = (exclusions.assign(group=exclusions["group"].fillna(""))
               .groupby(["stage", "group"], sort=False).size().rename("records").reset_index())
    order = {stage: position for position, stage in enumerate(FLOW_STAGES)}
    counted["_order"] = counted["stage"].map(order).fillna(len(order))
    return (counted.sort_values("_order", kind="stable").drop(columns="_order")
            .reset_index(drop=True))
