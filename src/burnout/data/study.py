"""The study file, ``data/raw/<study>/study.yaml``: the one file a user writes.

It sits beside the exports, as exported, and says what is what: the design, the roster (who was
enrolled, in which group, at which site), the waves of the survey in time order, and which columns
hold which instrument's items. Nothing is guessed from column or file names: a column is an item
only when this file says so. :func:`load_study` reads and checks it, and every problem is reported
at once with the key it concerns (``roster.group``, ``waves[1].file``, ...). An unknown key is an
error, with the closest known key suggested, so a typo never passes silently.

The keys (see the README, section "Bring your own study", for a worked example)::

    study: nurses_coaching              # = the folder name
    title: Group coaching for new nurses
    design: randomized                  # randomized | nonrandomized | single_group
    synthetic: false                    # true for a synthetic replica (labelled everywhere)
    roster:                             # one row per enrolled participant
      file: enrolment.csv
      format: csv                       # csv | qualtrics | redcap (default csv)
      event: enrolment_arm_1            # REDCap longitudinal exports only (a name or a list)
      dictionary: DataDictionary.csv    # REDCap only: labels of coded values
      id: record_id
      group: arm                        # required unless single_group
      site: hospital                    # optional
      strata: [hospital]                # optional: randomization strata
      identifiers: [name, email]        # dropped at import; never leave data/raw
      covariates: {age: age, gender: sex}   # analysis name: column (roster first, then first wave)
      withdrawn: {status: [Withdrawn]}  # optional: column: values marking a withdrawal
      sessions: sessions_attended       # optional: sessions attended (dose, per protocol)
      labels:                           # optional: how tables name a covariate (or the site)
        gender: {label: Gender, levels: {f: Female, m: Male}}   # and its levels (by value)
    groups: {intervention: Coaching, control: Waitlist}   # labels as they appear
    waves:                              # in time order; the first is the baseline
      - {name: baseline, file: t0.csv, format: qualtrics, id: ExternalReference}
      - {name: four months, file: t1.csv, format: qualtrics, id: ExternalReference}
    # a wave may name its own columns for an instrument: columns: {mbi_hss_mp: "post_Q{item}"}
    # every roster, wave or evaluation entry may also name: submitted (submission time column),
    # finished (completion column), response_id (a response's own id), identifiers (more columns
    # to drop); Qualtrics and REDCap exports need none of them.
    instruments:                        # registry name: which columns hold its items
      mbi_hss_mp:
        columns: "Q{item}"              # a pattern with {item} (or {item:02d}), or a list
        responses: {"A few times a year": 1}   # optional: labels the registry does not know
    duplicates: latest                  # optional: latest (default) | first complete response

Optional sections for a program evaluation (Study A has both)::

    evaluations:                        # surveys about the program, summarised descriptively
      students:                         # a name of your choice (used in file names and keys)
        file: evaluation.csv
        id: student_id                  # who answered (an id of the respondents' roster)
        respondents: participants       # or another roster: {file: mentors.csv, id: mentor_id, ...}
        eligible: {group: intervention, analysed: true}   # who was asked (default: everyone)
        scale: agreement_5              # a response scale of data/registry/response_scales/
        items: {helpful: "The program was helpful"}       # column: wording
        numeric: [hours]                # optional numeric answers
        free_text: [comments]           # optional free text (scrubbed of identifiers)
        response_id: response_id        # optional column identifying a response (coded text)
    qualitative:                        # thematic coding of the evaluations' free text
      codebook: themes.csv              # theme, label, definition, inclusion, exclusion
      codes: theme_codes.csv            # response_id, respondent_type, coder, 0/1 per theme
      sources: {student: students}      # respondent_type: evaluation holding its free text

An optional list of known confounders, named in the drafted Results (Study A has one)::

    confounders:      # differences between the groups that no adjustment removes
      - name: rotation block (time of year)
        why: the groups were formed by rotation period, so group and time of year coincide
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from burnout.core.errors import DataError
from burnout.core.paths import RAW_DIR
from burnout.data.registry import load_instrument

__all__ = ["STUDY_FILE", "DESIGNS", "FORMATS", "Source", "Roster", "Wave", "InstrumentColumns",
           "Evaluation", "Qualitative", "Confounder", "Study", "load_study", "list_studies",
           "StudyFileError"]

STUDY_FILE = "study.yaml"  # the study file's name inside data/raw/<study>/
DESIGNS = ("randomized", "nonrandomized", "single_group")
FORMATS = ("csv", "qualtrics", "redcap")

class StudyFileError(DataError):
    """The study file breaks a rule; ``problems`` lists every one (key: rule)."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = list(problems)
        lines = [f"{path}: {len(problems)} problem(s) in the study file:"]
        lines += [f"  - {problem}" for problem in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Source:
    """One export file and how to read it (see :mod:`burnout.data.importers`)."""

    file: str
    format: str = "csv"
    id: str = ""
    event: tuple[str, ...] = ()
    dictionary: str | None = None
    submitted: str | None = None
    finished: str | None = None
    identifiers: tuple[str, ...] = ()
    response_id: str | None = None


@dataclass(frozen=True)
class Roster(Source):
    """The roster: one row per enrolled participant."""

    group: str | None = None
    site: str | None = None
    strata: tuple[str, ...] = ()
    covariates: dict[str, str] = field(default_factory=dict)
    withdrawn: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sessions: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Wave(Source):
    """One wave of the survey: its name as the study calls it and its time code.

    ``time`` is ``pre`` for the first wave, ``post`` for the last and ``wave_<k>`` for a wave in
    between (k = its position, counted from 1): the analyses compare the first with the last.
    ``columns`` overrides, for this wave, which columns hold an instrument's items (instrument
    name -> columns in item order), e.g. a REDCap project with ``pre_mbi_1`` and ``post_mbi_1``.
    """

    name: str = ""
    time: str = ""
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class InstrumentColumns:
    """Which columns of the waves hold an instrument's items (in item order)."""

    name: str
    columns: tuple[str, ...]
    responses: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation(Source):
    """An evaluation survey of the program, summarised descriptively."""

    name: str = ""
    respondents: Source | None = None  # None: the study's participants
    eligible: dict[str, object] = field(default_factory=dict)
    scale: str | None = None
    responses: dict[str, float | None] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)
    numeric: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Qualitative:
    """Thematic coding of free text: the codebook, the coders' codes and their sources."""

    codebook: str
    codes: str
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Confounder:
    """A known difference between the groups that no adjustment removes, and why."""

    name: str
    why: str = ""


@dataclass(frozen=True)
class Study:
    """A validated study file."""

    study: str
    title: str
    design: str
    synthetic: bool
    roster: Roster
    groups: dict[str, str]
    waves: tuple[Wave, ...]
    instruments: tuple[InstrumentColumns, ...]
    duplicates: str = "latest"
    evaluations: tuple[Evaluation, ...] = ()
    qualitative: Qualitative | None = None
    folder: Path = Path(".")
    # The program's design (``program`` section): format, matching, dose, setting, population.
    program: dict[str, str] = field(default_factory=dict)
    # Known confounders (``confounders`` section), named in the Results' caveat.
    confounders: tuple[Confounder, ...] = ()

    @property
    def has_groups(self) -> bool:
        """Whether participants belong to an intervention and a control group."""
        return self.roster.group is not None

    @property
    def instrument_names(self) -> list[str]:
        """Registry names of the instruments, the primary one first."""
        return [instrument.name for instrument in self.instruments]

    def item_columns(self, wave: Wave, instrument: str) -> tuple[str, ...]:
        """The columns holding ``instrument``'s items in ``wave`` (its override, or the default)."""
        if instrument in wave.columns:
            return wave.columns[instrument]
        return next(item.columns for item in self.instruments if item.name == instrument)

    def wave(self, time: str) -> Wave:
        """The wave with time code ``time`` (``pre``, ``post``, ``wave_2``, ...)."""
        for wave in self.waves:
            if wave.time == time:
                return wave
        raise KeyError(f"{self.study}: no wave with time code {time!r}")

    def files(self) -> list[str]:
        """Every file the study file names, in the order it names them."""
        names = [self.roster.file, self.roster.dictionary]
        for source in (*self.waves, *self.evaluations):
            names += [source.file, source.dictionary]
        for evaluation in self.evaluations:
            if evaluation.respondents is not None:
                names += [evaluation.respondents.file, evaluation.respondents.dictionary]
        if self.qualitative is not None:
            names += [self.qualitative.codebook, self.qualitative.codes]
        return list(dict.fromkeys(name for name in names if name))


def list_studies(raw_dir: Path = RAW_DIR) -> list[str]:
    """Names of the studies that have a study file, sorted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "pilot").mkdir()
    >>> _ = (folder / "pilot" / "study.yaml").write_text("study: pilot")
    >>> list_studies(folder)
    ['pilot']
    """
    return sorted(path.parent.name for path in Path(raw_dir).glob(f"*/{STUDY_FILE}"))


def load_study(study: str, raw_dir: Path = RAW_DIR) -> Study:
    """Read and check ``data/raw/<study>/study.yaml``.

    Parameters
    ----------
    study : str
        The study's name: its folder under ``raw_dir``.
    raw_dir : Path
        The folder holding one folder per study (default ``data/raw``).

    Returns
    -------
    Study
        The validated study description.

    Raises
    ------
    DataError
        When the study does not exist (the message lists the studies that do).
    StudyFileError
        Listing every problem of the file at once, each with its key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "pilot"
    >>> folder.mkdir()
    >>> _ = (folder / "people.csv").write_text("id,arm\\n1,A\\n")
    >>> _ = (folder / "t0.csv").write_text("id,Q1\\n1,3\\n")
    >>> _ = (folder / "t1.csv").write_text("id,Q1\\n1,2\\n")
    >>> _ = (folder / "study.yaml").write_text('''
    ... study: pilot
    ... title: A pilot
    ... design: single_group
    ... roster: {file: people.csv, id: id}
    ... waves:
    ...   - {name: before, file: t0.csv, id: id}
    ...   - {name: after, file: t1.csv, id: id}
    ... instruments: {mbi_hss_mp: {columns: "Q{item}"}}
    ... ''')
    >>> pilot = load_study("pilot", folder.parent)
    >>> pilot.design, [wave.time for wave in pilot.waves], pilot.instruments[0].columns[:2]
    ('single_group', ['pre', 'post'], ('Q1', 'Q2'))
    >>> text = (folder / "study.yaml").read_text()
    >>> _ = (folder / "study.yaml").write_text(text.replace("waves:", "wave:"))
    >>> load_study("pilot", folder.parent)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    burnout.data.study.StudyFileError: .../study.yaml: 2 problem(s) in the study file:
      - key 'wave': is not a key of the study file; did you mean 'waves'? (allowed: ...)
      - key 'waves': is required
    """
    folder = Path(raw_dir) / study
    path = folder / STUDY_FILE
    if not path.is_file():
        known = ", ".join(list_studies(raw_dir)) or "none"
        raise DataError(f"no study '{study}': {path} not found (studies: {known})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise StudyFileError(path, [f"not valid YAML: {error}"]) from None
    from burnout.data import study_sections as sections  # the parsers use this module's classes

    check = sections.Checker()
    raw = check.mapping(raw, "", sections.TOP_KEYS, required=("study", "design", "roster", "waves",
                                                      "instruments"))
    if raw.get("study") not in (None, study):
        check.add("study", f"must equal the folder name '{study}', got "
                           f"{sections.shown(raw['study'])}")
    design = check.choice(raw.get("design"), "design", DESIGNS, "")
    synthetic = raw.get("synthetic", False)
    if not isinstance(synthetic, bool):
        check.add("synthetic", f"must be true or false, got {sections.shown(synthetic)}")
    roster = (sections.parse_roster(check, raw.get("roster"), folder, design)
              if "roster" in raw else None)
    instruments = (sections.parse_instruments(check, raw.get("instruments"), load_instrument)
                   if "instruments" in raw else ())
    waves = (sections.parse_waves(check, raw.get("waves"), folder, instruments, load_instrument)
             if "waves" in raw else ())
    evaluations = sections.parse_evaluations(check, raw.get("evaluations"), folder)
    qualitative = sections.parse_qualitative(check, raw.get("qualitative"), folder, evaluations)
    groups = sections.parse_groups(check, raw.get("groups"), design)
    duplicates = check.choice(raw.get("duplicates"), "duplicates", sections.DUPLICATE_RULES,
                              "latest")
    program = sections.parse_program(check, raw.get("program"))
    confounders = sections.parse_confounders(check, raw.get("confounders"))
    if check.problems:
        raise StudyFileError(path, check.problems)
    return Study(study=study, title=str(raw.get("title") or study), design=design,
                 synthetic=bool(synthetic), roster=roster, groups=groups, waves=waves,
                 instruments=instruments, duplicates=duplicates, evaluations=evaluations,
                 qualitative=qualitative, folder=folder, program=program,
                 confounders=confounders)
