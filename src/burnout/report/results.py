"""The drafted Results paragraph: written from the estimates and their intervals.

:func:`render_results` fills a jinja2 template with the study's citable numbers
(``numbers.json``). Every number goes through a look-up that raises on a missing key, so a gap is
an error, never a blank. The wording is decided by the numbers, not by the template's author:

* :meth:`ResultsHelpers.finding` writes one finding from an estimate and its confidence interval:
  a comparative word ("lower", "higher") only when the interval excludes zero, otherwise "no
  evidence of a difference" (never "no change", which a non-significant p does not show), always
  with the estimate, its interval and p beside each other;
* the design supplies the nouns and the caveat (a non-randomized comparison is named as such and
  its confounding stated, naming the study file's ``confounders``; a single group makes no
  between-group claim);
* an effect size stands beside every p: Hedges' g (the standardized mean change in one group),
  the Hodges-Lehmann shift and rank-biserial correlation of a rank test; the secondary outcomes
  declared in the parameters are called exploratory and get their Holm-adjusted p
  (:func:`multiplicity_numbers`) beside the raw one.

Each design has a generic template (``src/burnout/report/templates/results_<design>.md.j2``); a
study may bring its own (``params/<study>_results.md.j2``), which sees the same helpers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2

from burnout.core.errors import DataError
from burnout.inference.multiplicity import holm_adjust
from burnout.report.numbers import analysis_numbers
from burnout.report.tables import format_interval, format_number, format_p_value

__all__ = ["TEMPLATES_DIR", "ResultsHelpers", "render_results", "design_template",
           "results_context", "multiplicity_numbers", "burnout_definition"]

# The generic templates, one per design, shipped inside the package.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Data files this module reads (the pipeline re-runs a stage when one changes).
DATA_FILES = ("templates/*.j2",)
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten")
# Keys under which an estimate and its interval are recorded, by the analyses' key families.
_ESTIMATE_KEYS = (("difference", "ci_low", "ci_high"), ("estimate", "ci_low", "ci_high"),
                  ("shift", "shift_ci_low", "shift_ci_high"), ("change", "ci_low", "ci_high"))
# The estimate key of each design's primary analysis (its p sits beside it, ``.p``).
_PRIMARY_KEYS = {"mixed_model": "mixed.{}.difference", "ols_change": "adjusted.{}.difference",
                 "signed_rank": "unadjusted.{}.signed_rank.estimate"}
# Standardized effects, by key family: between groups, then within one group.
_EFFECT_FAMILIES = (("hedges_g", "Hedges' g"),
                    ("standardized_mean_change", "standardized mean change"))
# Sensitivity analyses that are not a re-estimate of the difference (left out of its range).
_NOT_ESTIMATES = ("e_value", "tipping_point")


def design_template(design_name: str) -> Path:
    """The generic template of a design.

    Examples
    --------
    >>> design_template("single_group").name
    'results_single_group.md.j2'
    """
    return TEMPLATES_DIR / f"results_{design_name}.md.j2"


class ResultsHelpers:
    """The functions a Results template calls; each reads ``numbers`` by dotted key.

    Examples
    --------
    >>> helpers = ResultsHelpers({"x.difference": -1.5, "x.ci_low": -2.9, "x.ci_high": -0.1,
    ...                           "x.p": 0.04}, "demo")
    >>> helpers.finding("x", "exhaustion", "the program group", "the others")
    'exhaustion was lower in the program group than in the others (difference -1.5, 95% CI -2.9 \
to -0.1; p = 0.04)'
    """

    def __init__(self, numbers: Mapping[str, object], template_name: str, p_decimals: int = 2,
                 estimate_decimals: int = 1):
        self._numbers = dict(numbers)
        self._template_name = template_name
        self.p_decimals = p_decimals
        self.estimate_decimals = estimate_decimals

    def has(self, key: str) -> bool:
        """Whether ``key`` is recorded with a finite value."""
        value = self._numbers.get(key)
        return value is not None and not (isinstance(value, float) and not math.isfinite(value))

    def value(self, key: str) -> object:
        """The raw value of ``key``; a missing or null value is an error."""
        if key not in self._numbers:
            raise DataError(f"template {self._template_name}: numbers.json has no key '{key}' "
                            f"(rule: every number the text cites must be recorded by a stage)")
        if not self.has(key):
            raise DataError(f"template {self._template_name}: numbers.json key '{key}' is null "
                            f"or not finite (rule: a cited number must be a finite value)")
        return self._numbers[key]

    def number(self, key: str, decimals: int | None = None) -> str:
        """``key`` with a fixed number of decimals (default: the estimates')."""
        return format_number(self.value(key),
                             self.estimate_decimals if decimals is None else decimals)

    def count(self, key: str) -> str:
        """``key`` as an integer count."""
        value = self.value(key)
        if not float(value).is_integer():
            raise DataError(f"template {self._template_name}: numbers.json key '{key}' = "
                            f"{value!r} is not a whole count")
        return str(int(value))

    def p(self, key: str, decimals: int | None = None) -> str:
        """``key`` as a journal-style p-value with its sign: ``"= 0.40"`` or ``"< 0.001"``."""
        text = format_p_value(self.value(key), self.p_decimals if decimals is None else decimals)
        return text.replace("<", "< ") if text.startswith("<") else f"= {text}"

    def percent(self, count_key: str, total_key: str, decimals: int = 0) -> str:
        """Percent of ``count_key`` out of ``total_key``, e.g. ``"81%"``."""
        total = float(self.value(total_key))
        if total <= 0:
            raise DataError(f"template {self._template_name}: numbers.json key '{total_key}' "
                            f"must be positive to compute a percent")
        return f"{format_number(100.0 * float(self.value(count_key)) / total, decimals)}%"

    def total(self, keys: Sequence[str]) -> str:
        """The sum of several counts (e.g. both groups)."""
        return str(int(sum(float(self.value(key)) for key in keys)))

    def _estimate(self, prefix: str) -> tuple[str, float, float, float]:
        for name, low, high in _ESTIMATE_KEYS:
            if f"{prefix}.{name}" in self._numbers:
                return (name, float(self.value(f"{prefix}.{name}")),
                        float(self.value(f"{prefix}.{low}")),
                        float(self.value(f"{prefix}.{high}")))
        raise DataError(f"template {self._template_name}: numbers.json has no estimate under "
                        f"'{prefix}' (one of {[name for name, _, _ in _ESTIMATE_KEYS]})")

    def estimate(self, prefix: str, measure: str | None = None,
                 decimals: int | None = None, also: str | Sequence[str] = "",
                 null: float = 0.0) -> str:
        """"difference -1.5, 95% CI -2.9 to -0.1; p = 0.04" for the estimate under ``prefix``.

        ``also``: further statistics (an effect size, an adjusted p) appended after p, "; "
        between them; empty ones are left out. An interval that excludes ``null`` (no
        difference) but whose bound would print as it gets more decimals ("0.004 to 0.90",
        not "0.00 to 0.90"), so the printed interval says what the words say.
        """
        name, estimate, low, high = self._estimate(prefix)
        decimals = self.estimate_decimals if decimals is None else decimals
        text = (f"{measure or name} {format_number(estimate, decimals)}, 95% CI "
                f"{_interval_text(low, high, decimals, null)}")
        if f"{prefix}.p" in self._numbers:
            text += f"; p {self.p(f'{prefix}.p')}"
        return text + _joined(also)

    def effect(self, outcome: str) -> str:
        """The standardized effect of ``outcome``'s change with its interval, or "".

        Hedges' g between groups (``hedges_g.<outcome>``), the standardized mean change within
        one group (``standardized_mean_change.<outcome>``), two decimals.

        Examples
        --------
        >>> ResultsHelpers({"hedges_g.ee.estimate": -0.31, "hedges_g.ee.ci_low": -0.6,
        ...                 "hedges_g.ee.ci_high": -0.02}, "demo").effect("ee")
        "Hedges' g -0.31, 95% CI -0.60 to -0.02"
        """
        for family, name in _EFFECT_FAMILIES:
            prefix = f"{family}.{outcome}"
            if self.has(f"{prefix}.estimate"):
                low, high = (float(self.value(f"{prefix}.{bound}"))
                             for bound in ("ci_low", "ci_high"))
                return (f"{name} {self.number(f'{prefix}.estimate', 2)}, 95% CI "
                        f"{format_interval(low, high, 2)}")
        return ""

    def adjusted_p(self, outcome: str) -> str:
        """"Holm-adjusted p = 0.08" for a secondary outcome (``holm.<outcome>.p``), or ""."""
        key = f"holm.{outcome}.p"
        return f"Holm-adjusted p {self.p(key)}" if self.has(key) else ""

    def share(self, key: str, decimals: int = 0) -> str:
        """A proportion (0-1) under ``key`` as a percent, e.g. ``"61%"``."""
        return f"{format_number(100.0 * float(self.value(key)), decimals)}%"

    def estimate_range(self, prefix: str, decimals: int | None = None) -> str:
        """"from -0.5 to 0.3 across 4 analyses": the estimates recorded under ``prefix``.

        Reads ``<prefix>.<analysis>.estimate`` for every analysis except those that are not a
        re-estimate of the same difference (E-value, tipping point); "" when none is recorded.

        Examples
        --------
        >>> ResultsHelpers({"s.ee.ancova.estimate": -0.4, "s.ee.mi.estimate": 0.21,
        ...                 "s.ee.e_value.estimate": 1.9}, "demo").estimate_range("s.ee")
        'from -0.4 to 0.2 across 2 analyses'
        """
        found = sorted(float(value) for key, value in self._numbers.items()
                       if key.startswith(f"{prefix}.") and key.endswith(".estimate")
                       and key.count(".") == prefix.count(".") + 2
                       and key.split(".")[-2] not in _NOT_ESTIMATES and self.has(key))
        if not found:
            return ""
        decimals = self.estimate_decimals if decimals is None else decimals
        return (f"from {format_number(found[0], decimals)} to {format_number(found[-1], decimals)}"
                f" across {len(found)} analyses")

    def interval(self, prefix: str, decimals: int | None = None,
                 also: str | Sequence[str] = "") -> str:
        """"-1.5 (95% CI -2.9 to -0.1; p = 0.04)": the estimate under ``prefix``, bare.

        Examples
        --------
        >>> ResultsHelpers({"x.estimate": 2.0, "x.ci_low": 0.5, "x.ci_high": 3.5},
        ...                "demo").interval("x")
        '2.0 (95% CI 0.5 to 3.5)'
        """
        _, estimate, low, high = self._estimate(prefix)
        decimals = self.estimate_decimals if decimals is None else decimals
        text = f"{format_number(estimate, decimals)} (95% CI {_interval_text(low, high, decimals)}"
        if f"{prefix}.p" in self._numbers:
            text += f"; p {self.p(f'{prefix}.p')}"
        return text + _joined(also) + ")"

    def finding(self, prefix: str, label: str, first: str | None = None,
                second: str | None = None, measure: str | None = None,
                also: str | Sequence[str] = "") -> str:
        """One finding, worded from the interval of the estimate under ``prefix``.

        ``first`` and ``second`` name the groups compared ("the intervention group", "the
        comparison group"); the estimate is first minus second. Without them the finding is a
        single group's change, after minus before. A comparative word is used only when the
        interval excludes zero; otherwise the text says there was no evidence of a difference.
        ``also`` adds statistics after p (an effect size, a Holm-adjusted p).
        """
        _, estimate, low, high = self._estimate(prefix)
        numbers = f"({self.estimate(prefix, measure, also=also)})"
        word = "higher" if estimate > 0 else "lower"
        if low > 0 or high < 0:
            if first is None:
                return f"{label} was {word} after the program than before {numbers}"
            return f"{label} was {word} in {first} than in {second} {numbers}"
        if first is None:
            return f"there was no evidence of a change in {label} {numbers}"
        return f"there was no evidence of a difference in {label} between {first} and {second} " \
               f"{numbers}"

    def ratio_finding(self, prefix: str, label: str, first: str, second: str,
                      measure: str = "risk ratio") -> str:
        """A finding about a risk ratio (first over second), worded from whether its interval
        excludes 1.

        Examples
        --------
        >>> helpers = ResultsHelpers({"r.estimate": 0.8, "r.ci_low": 0.5, "r.ci_high": 1.3,
        ...                           "r.p": 0.41}, "demo")
        >>> helpers.ratio_finding("r", "burnout", "group A", "group B")
        'there was no evidence of a difference in burnout between group A and group B (risk \
ratio 0.80, 95% CI 0.50 to 1.30; p = 0.41)'
        """
        _, estimate, low, high = self._estimate(prefix)
        numbers = f"({self.estimate(prefix, measure, decimals=2, null=1.0)})"
        if low > 1 or high < 1:
            word = "more" if estimate > 1 else "less"
            return f"{label} was {word} frequent in {first} than in {second} {numbers}"
        return (f"there was no evidence of a difference in {label} between {first} and "
                f"{second} {numbers}")

    def number_word(self, count: int) -> str:
        """Small counts as words, as journals write them at the start of a sentence."""
        count = int(count)
        return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def render_results(numbers: Mapping[str, object], template: str | Path,
                   p_decimals: int = 2, estimate_decimals: int = 1,
                   **context: object) -> str:
    """Draft a Results paragraph from the citable numbers and a jinja2 template.

    Parameters
    ----------
    numbers : mapping
        Flat mapping of dotted keys to values (``numbers.json``).
    template : str or Path
        The template file (a design's generic one, :func:`design_template`, or a study's own).
    p_decimals, estimate_decimals : int
        Decimals of p-values (from 0.01 up) and of estimates.
    **context
        Further template variables (the study, its design's words, outcome labels ...).

    Returns
    -------
    str
        The rendered Markdown, ending with one newline; each paragraph on one line.

    Raises
    ------
    DataError
        When the template cites a key that is missing or null, uses an undefined variable, or
        does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.md.j2"
    >>> _ = path.write_text("{{ count('n.peers') }} peers ({{ p('x.p') }})")
    >>> render_results({"n.peers": 12, "x.p": 0.031}, path)
    '12 peers (= 0.03)\\n'
    """
    path = Path(template)
    if not path.is_file():
        raise DataError(f"results template {path} not found")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path.parent), str(TEMPLATES_DIR)]),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True)
    environment.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    environment.filters["listed"] = lambda names: _listed(list(names)) if names else ""
    helpers = ResultsHelpers(numbers, path.name, p_decimals, estimate_decimals)
    functions = {name: getattr(helpers, name) for name in
                 ("has", "value", "number", "count", "p", "percent", "total", "estimate",
                  "interval", "finding", "ratio_finding", "number_word", "effect", "adjusted_p",
                  "share", "estimate_range")}
    try:
        text = environment.get_template(path.name).render(**functions, **context)
    except jinja2.UndefinedError as error:
        raise DataError(f"template {path.name}: {error} (rule: every variable the text uses "
                        f"must be defined)") from error
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"


def _interval_text(low: float, high: float, decimals: int, null: float = 0.0) -> str:
    """"low to high"; up to 3 more decimals when it excludes ``null`` but a bound prints as it.

    Examples
    --------
    >>> _interval_text(0.004, 0.9, 2), _interval_text(-0.004, 0.9, 2)
    ('0.004 to 0.900', '0.00 to 0.90')
    """
    shown = decimals
    if low > null or high < null:
        while shown < decimals + 3 and format_number(null, shown) in (
                format_number(low, shown), format_number(high, shown)):
            shown += 1
    return format_interval(low, high, shown)


def _joined(also: str | Sequence[str]) -> str:
    """"; a; b" of the non-empty texts of ``also`` (one text or several), or ""."""
    parts = [also] if isinstance(also, str) else list(also)
    return "".join(f"; {part}" for part in parts if part)


def _phrase(label: str) -> str:
    """A display name inside a sentence: first letter lower case ("emotional exhaustion")."""
    return label[:1].lower() + label[1:]


def _covariate_label(study, name: str) -> str:
    """A covariate inside a sentence: its label in the study file, else its name."""
    labels = getattr(getattr(study, "roster", None), "labels", None) or {}
    return _phrase(labels[name]) if name in labels else name


def _listed(names: Sequence[str]) -> str:
    names = [name.replace("_", " ") for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def results_context(numbers: Mapping[str, object], study, design, scores: Sequence[str],
                    covariates: Sequence[str] = (), roles=None,
                    definitions=None) -> dict:
    """The variables a Results template sees besides the helpers.

    ``outcomes`` are the scores whose primary estimate was recorded (dicts with ``name``,
    ``label`` and ``role``: ``primary`` or ``secondary``); ``rosters`` the evaluation surveys
    with their own roster; ``described_variables`` the characteristics summarized by the
    describe stage; ``themes`` the coded themes with the respondent types counted;
    ``evaluations`` the study's evaluation surveys; ``words`` the design's vocabulary;
    ``covariates`` the adjustment set in words (the study file's ``roster.labels``);
    ``synthetic``; ``roles_declared`` (whether the parameters declare outcome roles: ``roles``
    has ``primary``, ``secondary`` and ``declared``, as
    :func:`burnout.pipeline.parameters.outcome_roles` returns them; None: not declared);
    ``confounders`` (the study file's, dicts with ``name`` and ``why``);
    ``burnout_definition`` (a sentence, see :func:`burnout_definition`, from ``definitions``,
    the score stage's ``binary_outcomes.csv``; "" without it).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from burnout.designs import get_design
    >>> study = SimpleNamespace(evaluations=(), synthetic=False, qualitative=None)
    >>> context = results_context({"mixed.ee.difference": 1.0}, study, get_design("randomized"),
    ...                           ["ee", "dp"])
    >>> context["outcomes"]
    [{'name': 'ee', 'label': 'emotional exhaustion', 'role': 'primary'}]
    """
    from burnout.report.labels import outcome_label

    secondary = set(roles.secondary) if roles is not None else set()
    primary = _PRIMARY_KEYS[design.primary]
    outcomes = [{"name": score, "label": _phrase(outcome_label(score)),
                 "role": "secondary" if score in secondary else "primary"}
                for score in scores if primary.format(score) in numbers]
    described = sorted({key.split(".")[1] for key in numbers
                        if key.startswith("describe.") and key.endswith(".mean")})
    kinds = list(study.qualitative.sources) if study.qualitative is not None else []
    themes = [{"name": key.split(".")[1], "label": key.split(".")[1].replace("_", " "),
               "kinds": kinds}
              for key in numbers if key.startswith("themes.") and key.endswith(".kappa")]
    return {"outcomes": outcomes, "described_variables": described,
            "rosters": [evaluation.name for evaluation in study.evaluations
                        if evaluation.respondents is not None],
            "evaluations": list(study.evaluations), "themes": themes, "words": design.words,
            "covariates": _listed([_covariate_label(study, name) for name in covariates])
            if covariates else "no other covariate",
            "synthetic": bool(study.synthetic),
            "roles_declared": bool(roles is not None and roles.declared),
            "confounders": [{"name": item.name, "why": item.why}
                            for item in getattr(study, "confounders", ())],
            "burnout_definition": burnout_definition(definitions)}


def multiplicity_numbers(numbers: Mapping[str, object], primary_analysis: str,
                         secondary: Sequence[str]) -> dict:
    """``holm.<score>.p``: the primary comparison's p of each secondary outcome, Holm-adjusted.

    The family is the ``secondary`` outcomes (declared in the parameters) whose primary p is
    recorded; their p-values are adjusted together (:func:`burnout.inference.multiplicity.
    holm_adjust`, R ``p.adjust(method = "holm")``). ``holm.<score>.family_size`` records how
    many. No secondary outcome: no key.

    Examples
    --------
    >>> numbers = {"mixed.grit.p": 0.01, "mixed.sleep.p": 0.04, "mixed.ee.p": 0.2}
    >>> multiplicity_numbers(numbers, "mixed_model", ["grit", "sleep"])["holm.sleep.p"]
    0.04
    """
    key = _PRIMARY_KEYS[primary_analysis].rsplit(".", 1)[0] + ".p"
    family = {score: numbers[key.format(score)] for score in secondary
              if key.format(score) in numbers}
    if not family:
        return {}
    return analysis_numbers("holm", holm_adjust(family))


def burnout_definition(definitions) -> str:
    """The burnout definition in words, with its cut-offs and the edition they come from.

    ``definitions`` is ``binary_outcomes.csv`` (``outcome``, ``instrument``, ``rule``,
    ``definition``). The source of the cut-offs (the instrument registry's
    ``cutoffs_source``) is named only when every cut-off the definition uses is the registry's
    default; cut-offs changed in the parameters are called so. "" without a ``burnout`` row.
    """
    from burnout.data.registry import load_instrument

    if definitions is None or "burnout" not in set(definitions["outcome"]):
        return ""
    rows = definitions.set_index("outcome")
    row = rows.loc["burnout"]
    instrument = load_instrument(row["instrument"])
    flags = [flag for flag in _rule_flags(instrument.burnout_rules.get(row["rule"], {}))
             if flag in rows.index]
    text = f"Burnout was defined as {row['definition']}"
    if flags:
        text += f" ({'; '.join(rows.loc[flag, 'definition'] for flag in flags)})"
        defaults = all(rows.loc[flag, "rule"] == " ".join(
            instrument.cutoffs[flag].describe().split(" ")[1:]) for flag in flags
            if flag in instrument.cutoffs)
        if defaults and instrument.cutoffs_reference:
            text += f", the cut-offs of {instrument.cutoffs_reference}"
            text += f"; {instrument.cutoffs_note}" if instrument.cutoffs_note else ""
        elif not defaults:
            text += ", cut-offs set in the study's parameters"
    return text + "."


def _rule_flags(rule) -> list[str]:
    """The cut-off names a burnout rule (a tree of any_of / all_of) uses, in order."""
    if isinstance(rule, str):
        return [rule]
    if isinstance(rule, Mapping):
        return [flag for value in rule.values() for flag in _rule_flags(value)]
    if isinstance(rule, list):
        return [flag for item in rule for flag in _rule_flags(item)]
    return []
