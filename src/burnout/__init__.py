"""Re-executable analyses of mentorship and coaching programs against trainee burnout.

Subpackages by role (imports run one way, top to bottom)::

    pipeline   stages and their declared files, runner, Makefile generation, checks
    report     tables, figures, numbers, results text, reproduction report
    stats      measures   designs      the statistics, scoring, what each design runs
    data       study file, survey-tool importers, cleaning, codebook, registry
    core       paths, file catalog, errors, atomic writing, result vocabulary
"""

from burnout.core.audit import install_from_environment as _install_audit

__version__ = "0.1.0"

_install_audit()  # records file accesses only when the runner asks (BURNOUT_AUDIT_LOG)
