"""The dependency audit: every file a stage opens must be one it declared.

The runner executes each stage's kernel with the audit hook of :mod:`burnout.core.audit`
recording the project files it opens. :func:`undeclared_accesses` compares them with the stage's
declarations (:mod:`burnout.pipeline.stages`): a read of a file the stage neither reads nor
writes by declaration, or a write of a file it does not declare writing, is named, and the stage
fails. So the Makefile derived from the declarations cannot miss a dependency.
"""

from __future__ import annotations

from pathlib import Path

from burnout.core.catalog import matches
from burnout.pipeline.stages import Stage, patterns

__all__ = ["IGNORED_PREFIXES", "read_audit_log", "undeclared_accesses"]

# Project folders whose files are code or bookkeeping, not stage inputs or outputs.
IGNORED_PREFIXES = (".venv/", "src/", ".build/", "notebooks/", ".git/", ".ipynb_checkpoints/")


def read_audit_log(path: Path) -> tuple[set[str], set[str]]:
    """(files read, files written), root-relative, from an audit log.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.log"
    >>> _ = log.write_text("read\\tdata/x.csv\\nwrite\\tfigures/a.png\\nread\\tsrc/m.py\\n")
    >>> read_audit_log(log)
    ({'data/x.csv'}, {'figures/a.png'})
    """
    reads: set[str] = set()
    writes: set[str] = set()
    if not Path(path).is_file():
        return reads, writes
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        kind, _, name = line.partition("\t")
        if not name or name.startswith(IGNORED_PREFIXES) or "/__pycache__/" in name:
            continue
        (writes if kind == "write" else reads).add(name)
    return reads, writes - {name for name in writes if Path(name).name.startswith(".")}


def undeclared_accesses(stage: Stage, study: str, reads: set[str],
                        writes: set[str]) -> list[str]:
    """One sentence per file the stage opened without declaring it (empty when all declared).

    Examples
    --------
    >>> from burnout.pipeline.stages import STAGES
    >>> undeclared_accesses(STAGES["describe"], "pilot",
    ...                     {"data/processed/pilot/analysis.csv",
    ...                      "data/processed/pilot/flow.csv"}, set())
    ["stage 'describe' read data/processed/pilot/flow.csv, which it does not declare \
(declare it in src/burnout/pipeline/stages.py)"]
    """
    declared_writes = patterns(stage.writes, study)
    declared_reads = patterns(stage.reads, study) + declared_writes
    found = [f"stage '{stage.name}' read {name}, which it does not declare (declare it in "
             "src/burnout/pipeline/stages.py)"
             for name in sorted(reads) if not matches(name, declared_reads)]
    found += [f"stage '{stage.name}' wrote {name}, which it does not declare (declare it in "
              "src/burnout/pipeline/stages.py)"
              for name in sorted(writes) if not matches(name, declared_writes)]
    return found
