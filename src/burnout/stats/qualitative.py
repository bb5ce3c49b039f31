"""Thematic analysis of free-text answers: codebook, coder agreement, reconciliation, quotes.

Two coders read every free-text answer and mark, for each theme of the codebook, whether the
answer expresses it (1) or not (0). The tidy table of their codes (``theme_codes.csv``) has one
row per response, coder and theme. From it this module computes

* :func:`burnout.stats.agreement.cohen_kappa_by_theme` — how well the two coders agree on
  each theme (percent agreement and Cohen's kappa);
* :func:`reconcile_codes` — one final present/absent decision per response and theme, by a
  documented rule, and :func:`coding_disagreements` — the pairs left for adjudication;
* :func:`theme_frequencies` — how many students and mentors expressed each theme;
* :func:`exemplar_quotes` — illustrative quotes chosen by a deterministic rule;
* :func:`load_codebook`, :func:`collect_free_text` and :func:`theme_numbers` — reading the
  codebook, gathering the answers, and the citable numbers.

The codebook is data (``themes.csv``: theme, label, definition, inclusion, exclusion), never
code: adding a theme means adding a row.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.core.results import key_part
from burnout.stats.agreement import DEFAULT_CODERS, checked_codes, paired_codes

__all__ = [
    "CODEBOOK_COLUMNS",
    "RECONCILIATION_RULES",
    "load_codebook",
    "reconcile_codes",
    "coding_disagreements",
    "theme_frequencies",
    "collect_free_text",
    "exemplar_quotes",
    "theme_numbers",
]

# Columns of the codebook, themes.csv.
CODEBOOK_COLUMNS = ("theme", "label", "definition", "inclusion", "exclusion")
# How a disagreement is settled: "both" = present only when both coders marked it
# (conservative), "either" = present when at least one coder marked it (liberal).
RECONCILIATION_RULES = ("both", "either")

# Patterns that must not appear in a quote: the free text is scrubbed upstream (the cleaning
# stage, burnout.data.privacy), this is a second check with the same layouts (e-mail addresses;
# phone numbers such as 310-555-0142, (310) 555 0142, +1 310.555.0142, 555-0142, 3105550142).
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\w])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}(?![\w])"
    r"|(?<![\w])\d{10}(?![\w])"
)


def load_codebook(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and check the theme codebook (``themes.csv``).

    Parameters
    ----------
    path : path-like
        CSV with columns ``theme``, ``label``, ``definition``, ``inclusion``, ``exclusion``.

    Returns
    -------
    pandas.DataFrame
        The codebook in file order (the order themes are reported in).

    Raises
    ------
    DataError
        When the file or a column is missing, a cell is empty or a theme is repeated.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "themes.csv"
    >>> _ = path.write_text("theme,label,definition,inclusion,exclusion\\n"
    ...                     "self_reflection,Self-reflection,Thinking about oneself,a,b\\n")
    >>> load_codebook(path)["label"].tolist()
    ['Self-reflection']
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise DataError(f"{path}: the theme codebook is missing")
    codebook = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in CODEBOOK_COLUMNS if column not in codebook.columns]
    if missing:
        raise DataError(f"{path}: column(s) {missing} missing; rule: a codebook has columns "
                        f"{list(CODEBOOK_COLUMNS)}")
    for position, row in enumerate(codebook.itertuples(index=False), start=2):
        for column in CODEBOOK_COLUMNS:
            if not str(getattr(row, column)).strip():
                raise DataError(f"{path}, row {position}, column '{column}': empty; rule: every "
                                f"theme has a {column}")
    repeated = codebook["theme"].duplicated().to_numpy()
    for position in np.flatnonzero(repeated):
        raise DataError(f"{path}, row {position + 2}, column 'theme': value "
                        f"{codebook['theme'].iloc[position]!r} repeated; rule: one row per theme")
    return codebook[list(CODEBOOK_COLUMNS)].reset_index(drop=True)


def reconcile_codes(codes: pd.DataFrame, rule: str = "both",
                    adjudications: pd.DataFrame | None = None,
                    themes: Sequence[str] | None = None,
                    coders: Sequence[str] = DEFAULT_CODERS,
                    source: str = "theme_codes.csv") -> pd.DataFrame:
    """One final present/absent decision per response and theme, by a documented rule.

    Parameters
    ----------
    codes : pandas.DataFrame
        Long code table (see :func:`cohen_kappa_by_theme`).
    rule : {"both", "either"}
        How a disagreement is settled before adjudication. ``"both"`` (default,
        conservative): a theme is present only when both coders marked it. ``"either"``
        (liberal): present when at least one coder marked it.
    adjudications : pandas.DataFrame, optional
        Decisions of a third reader, columns ``response_id``, ``theme``, ``present``; each
        replaces the rule for a disagreement or a single-coder pair.
    themes : sequence of str, optional
        Codebook themes (a coded theme outside it is an error).
    coders : pair of str
        The two coders, default ``("coder_1", "coder_2")``.
    source : str
        Name of the table, used in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per response x theme coded by at least one coder: ``response_id``,
        ``respondent_type``, ``theme``, one column per coder (their 0/1 code, NA when that
        coder did not code it), ``coders`` (1 or 2), ``present`` (final 0/1), ``decision``
        (``"agreement"``, ``"disagreement"``, ``"single coder"`` or ``"adjudicated"``) and
        ``flagged`` (True when only one coder coded the pair: it takes that coder's code).

    Raises
    ------
    DataError
        On an unknown rule, invalid codes, or an adjudication that is not 0/1 or does not
        concern a disagreement or single-coder pair.

    Notes
    -----
    Reconciliation follows the usual consensus procedure of double coding: agreements stand;
    disagreements are settled by ``rule`` and listed by :func:`coding_disagreements` so a
    third reader (or the two coders together) can adjudicate them; an adjudication, when
    given, overrides the rule. A response that only one coder coded cannot be checked, so
    it takes that coder's codes and is flagged.

    Examples
    --------
    >>> codes = pd.DataFrame({
    ...     "response_id": ["R1", "R1", "R2", "R2", "R3"],
    ...     "respondent_type": "mentor",
    ...     "coder": ["coder_1", "coder_2", "coder_1", "coder_2", "coder_1"],
    ...     "theme": "knowledge_sharing",
    ...     "present": [1, 1, 1, 0, 1]})
    >>> print(reconcile_codes(codes)[["response_id", "present", "decision"]].to_string(index=False))
    response_id  present     decision
             R1        1    agreement
             R2        0 disagreement
             R3        1 single coder
    """
    if rule not in RECONCILIATION_RULES:
        raise DataError(f"reconciliation rule {rule!r}: rule: one of {list(RECONCILIATION_RULES)}")
    table, _ = checked_codes(codes, coders, themes, source)
    paired = paired_codes(table, coders)
    first, second = coders
    has_first, has_second = paired[first].notna(), paired[second].notna()
    single = has_first ^ has_second
    agree = has_first & has_second & (paired[first] == paired[second])
    disagree = has_first & has_second & (paired[first] != paired[second])
    present = pd.Series(0, index=paired.index)
    present[agree] = paired.loc[agree, first].astype(int)
    present[single] = paired.loc[single, first].fillna(paired.loc[single, second]).astype(int)
    present[disagree] = 1 if rule == "either" else 0
    decision = pd.Series("agreement", index=paired.index, dtype=object)
    decision[disagree] = "disagreement"
    decision[single] = "single coder"
    if adjudications is not None:
        keyed = paired.set_index(["response_id", "theme"]).index
        for position, row in enumerate(adjudications.itertuples(index=False), start=2):
            key = (str(row.response_id), str(row.theme))
            if str(row.present) not in {"0", "1"}:
                raise DataError(f"adjudications, row {position}, column 'present': value "
                                f"{row.present!r}; rule: 0 or 1")
            matches = np.flatnonzero(keyed == key)
            if matches.size == 0 or decision.iloc[matches[0]] == "agreement":
                raise DataError(f"adjudications, row {position}: response {key[0]!r}, theme "
                                f"{key[1]!r} is not a disagreement or single-coder pair; rule: "
                                f"only those are adjudicated")
            present.iloc[matches[0]] = int(row.present)
            decision.iloc[matches[0]] = "adjudicated"
    result = paired.assign(
        **{first: paired[first].astype("Int64"), second: paired[second].astype("Int64")},
        coders=(has_first.astype(int) + has_second.astype(int)),
        present=present.astype(int), decision=decision.astype(str),
        flagged=single.to_numpy())
    return result[["response_id", "respondent_type", "theme", first, second, "coders",
                   "present", "decision", "flagged"]]


def coding_disagreements(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The response x theme pairs to adjudicate: coders disagree, or only one coder coded.

    Parameters
    ----------
    reconciled : pandas.DataFrame
        Output of :func:`reconcile_codes`.

    Returns
    -------
    pandas.DataFrame
        The rows of ``reconciled`` whose decision is not ``"agreement"``, with a ``reason``
        column (``"coders disagree"``, ``"coded by one coder only"``, or ``"adjudicated"``
        for pairs already settled), sorted by theme and response.

    Examples
    --------
    >>> codes = pd.DataFrame({"response_id": ["R1", "R1"], "respondent_type": "student",
    ...                       "coder": ["coder_1", "coder_2"], "theme": "self_reflection",
    ...                       "present": [1, 0]})
    >>> coding_disagreements(reconcile_codes(codes))["reason"].tolist()
    ['coders disagree']
    """
    reasons = {"disagreement": "coders disagree", "single coder": "coded by one coder only",
               "adjudicated": "adjudicated"}
    listed = reconciled[reconciled["decision"] != "agreement"]
    listed = listed.assign(reason=listed["decision"].map(reasons))
    return listed.sort_values(["theme", "response_id"], kind="mergesort").reset_index(drop=True)


def theme_frequencies(reconciled: pd.DataFrame, respondents: Mapping[str, int] | None = None,
                      themes: Sequence[str] | None = None,
                      respondent_types: Sequence[str] | None = None) -> pd.DataFrame:
    """How many responses of each respondent type express each theme.

    Parameters
    ----------
    reconciled : pandas.DataFrame
        Output of :func:`reconcile_codes`.
    respondents : mapping of str to int, optional
        Denominator per respondent type (e.g. survey respondents
        ``{"student": 48, "mentor": 37}``). Default: the number of coded responses of that
        type (respondents who wrote a free-text answer).
    themes : sequence of str, optional
        Themes in reporting order; default the themes in ``reconciled``, sorted.
    respondent_types : sequence of str, optional
        Types in reporting order; default those in ``reconciled``, sorted in reverse
        (``student`` before ``mentor``).

    Returns
    -------
    pandas.DataFrame
        One row per theme and respondent type: ``theme``, ``respondent_type``, ``count``
        (responses whose reconciled code is present), ``respondents`` (denominator),
        ``percent`` (0-100; NaN when the denominator is 0).

    Raises
    ------
    DataError
        When a denominator is missing for a type, or smaller than the count.

    Examples
    --------
    >>> reconciled = pd.DataFrame({"response_id": ["R1", "R2", "M1"],
    ...                            "respondent_type": ["student", "student", "mentor"],
    ...                            "theme": "self_reflection", "present": [1, 0, 1]})
    >>> theme_frequencies(reconciled)[["respondent_type", "count", "respondents"]].values.tolist()
    [['student', 1, 2], ['mentor', 1, 1]]
    """
    order = list(themes) if themes is not None else sorted(reconciled["theme"].unique())
    types = (list(respondent_types) if respondent_types is not None
             else sorted(reconciled["respondent_type"].unique(), reverse=True))
    coded = reconciled.groupby("respondent_type")["response_id"].nunique()
    rows = []
    for theme in order:
        for kind in types:
            selected = reconciled[(reconciled["theme"] == theme)
                                  & (reconciled["respondent_type"] == kind)]
            count = int(selected.loc[selected["present"] == 1, "response_id"].nunique())
            if respondents is None:
                denominator = int(coded.get(kind, 0))
            elif kind not in respondents:
                raise DataError(f"respondents: no denominator for respondent type {kind!r}")
            else:
                denominator = int(respondents[kind])
            if count > denominator:
                raise DataError(f"theme {theme!r}, {kind}: {count} responses but a denominator "
                                f"of {denominator}; rule: count <= respondents")
            percent = 100 * count / denominator if denominator else float("nan")
            rows.append({"theme": theme, "respondent_type": kind, "count": count,
                         "respondents": denominator, "percent": percent})
    return pd.DataFrame(rows, columns=["theme", "respondent_type", "count", "respondents",
                                       "percent"])


def collect_free_text(surveys: Mapping[str, pd.DataFrame],
                      text_column: str | Mapping[str, str] = "comments",
                      id_column: str = "response_id") -> pd.DataFrame:
    """Gather the non-empty free-text answers of several surveys into one table.

    Parameters
    ----------
    surveys : mapping of str to pandas.DataFrame
        ``{respondent_type: survey}``, e.g. ``{"student": students, "mentor": mentors}``.
    text_column : str or mapping
        The column holding the (already scrubbed) text, or one per respondent type.
    id_column : str
        The column holding the response identifier.

    Returns
    -------
    pandas.DataFrame
        ``response_id``, ``respondent_type``, ``text`` (stripped), one row per non-empty
        answer, in input order.

    Examples
    --------
    >>> students = pd.DataFrame({"response_id": ["SR01", "SR02"], "comments": ["Great", None]})
    >>> collect_free_text({"student": students})["response_id"].tolist()
    ['SR01']
    """
    frames = []
    for kind, survey in surveys.items():
        column_of_text = text_column[kind] if isinstance(text_column, Mapping) else text_column
        for column in (id_column, column_of_text):
            if column not in survey.columns:
                raise DataError(f"{kind} survey: column '{column}' is missing")
        text = survey[column_of_text].astype("string").str.strip()
        keep = text.notna() & (text != "")
        frames.append(pd.DataFrame({"response_id": survey.loc[keep, id_column].astype(str),
                                    "respondent_type": kind,
                                    "text": text[keep].astype(str)}))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["response_id", "respondent_type", "text"])
    repeated = combined["response_id"].duplicated()
    if repeated.any():
        raise DataError(f"free text: response_id {combined.loc[repeated, 'response_id'].iloc[0]!r}"
                        f" appears in two surveys; rule: response identifiers are unique")
    return combined


def exemplar_quotes(reconciled: pd.DataFrame, responses: pd.DataFrame, per_theme: int = 3,
                    themes: Sequence[str] | None = None,
                    coders: Sequence[str] = DEFAULT_CODERS) -> pd.DataFrame:
    """Choose illustrative quotes for each theme by a deterministic, documented rule.

    Parameters
    ----------
    reconciled : pandas.DataFrame
        Output of :func:`reconcile_codes`.
    responses : pandas.DataFrame
        Free-text answers with ``response_id`` and ``text`` (see :func:`collect_free_text`),
        already scrubbed of e-mail addresses and phone numbers.
    per_theme : int
        Maximum number of quotes per theme (fewer when fewer responses express it).
    themes : sequence of str, optional
        Themes in reporting order; default the themes in ``reconciled``, sorted.
    coders : pair of str
        The coder columns of ``reconciled``.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``rank`` (1 = best), ``response_id``, ``respondent_type``,
        ``coded_by_both`` (both coders marked the theme), ``other_themes`` (number of other
        themes present in the response), ``characters`` (quote length), ``quote``.

    Raises
    ------
    DataError
        When ``per_theme`` is below 1, a coded response has no text, or a quote still
        contains something that looks like an e-mail address or a phone number.

    Notes
    -----
    Candidates are the responses whose reconciled code for the theme is present. They are
    ranked by (1) both coders marked the theme before a single coder or an adjudication;
    (2) fewest other themes present (a quote that illustrates one theme cleanly); (3) length
    closest to the median length of the candidates (neither a fragment nor an essay);
    (4) ``response_id``, so ties are broken the same way on every run.

    Examples
    --------
    >>> reconciled = pd.DataFrame({"response_id": ["R1", "R2"],
    ...                            "respondent_type": "student", "theme": "self_reflection",
    ...                            "coder_1": [1, 1], "coder_2": [1, 0], "present": [1, 1]})
    >>> responses = pd.DataFrame({"response_id": ["R1", "R2"],
    ...                           "text": ["I reflected a lot.", "Made me think."]})
    >>> exemplar_quotes(reconciled, responses, per_theme=1)["response_id"].tolist()
    ['R1']
    """
    if int(per_theme) < 1:
        raise DataError(f"per_theme = {per_theme!r}; rule: at least 1 quote per theme")
    first, second = coders
    for column in ("response_id", "text"):
        if column not in responses.columns:
            raise DataError(f"responses: column '{column}' is missing")
    texts = dict(zip(responses["response_id"].astype(str), responses["text"], strict=True))
    present = reconciled[reconciled["present"] == 1]
    themes_per_response = present.groupby("response_id")["theme"].nunique()
    order = list(themes) if themes is not None else sorted(reconciled["theme"].unique())
    columns = ["theme", "rank", "response_id", "respondent_type", "coded_by_both",
               "other_themes", "characters", "quote"]
    rows = []
    for theme in order:
        candidates = present[present["theme"] == theme]
        if candidates.empty:
            continue
        table = []
        for row in candidates.itertuples(index=False):
            response_id = str(row.response_id)
            text = texts.get(response_id)
            if text is None or (isinstance(text, float) and math.isnan(text)) \
                    or not str(text).strip():
                raise DataError(f"response {response_id!r} is coded with theme {theme!r} but "
                                f"has no free text; rule: every coded response has text")
            text = str(text).strip()
            if _EMAIL.search(text) or _PHONE.search(text):
                raise DataError(f"response {response_id!r}: the text contains an e-mail address "
                                f"or phone number; rule: quotes come from scrubbed text")
            codes = (getattr(row, first), getattr(row, second))
            coded_by_both = all(pd.notna(code) and int(code) == 1 for code in codes)
            table.append({"theme": theme, "response_id": response_id,
                          "respondent_type": row.respondent_type,
                          "coded_by_both": coded_by_both,
                          "other_themes": int(themes_per_response[response_id]) - 1,
                          "characters": len(text), "quote": text})
        frame = pd.DataFrame(table)
        median = float(frame["characters"].median())
        frame = frame.assign(distance=(frame["characters"] - median).abs(),
                             single=~frame["coded_by_both"])
        frame = frame.sort_values(["single", "other_themes", "distance", "response_id"],
                                  kind="mergesort").head(int(per_theme))
        frame = frame.assign(rank=np.arange(1, len(frame) + 1))
        rows.append(frame[columns])
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)


def theme_numbers(agreement: pd.DataFrame, frequencies: pd.DataFrame,
                  prefix: str = "themes") -> dict[str, object]:
    """Citable numbers: per theme, counts by respondent type, kappa and percent agreement.

    Keys are ``<prefix>.<theme>.<respondent type>s`` (count, e.g. ``themes.self_reflection.
    students``), ``.<respondent type>s_percent``, ``.kappa`` (with ``.kappa_ci_low`` and
    ``.kappa_ci_high`` when the agreement table has the interval) and ``.percent_agreement``
    (NaN kappa becomes ``null`` in the JSON file).

    Examples
    --------
    >>> agreement = pd.DataFrame({"theme": ["t"], "kappa": [0.5], "percent_agreement": [75.0]})
    >>> frequencies = pd.DataFrame({"theme": ["t"], "respondent_type": ["student"],
    ...                             "count": [3], "percent": [30.0]})
    >>> theme_numbers(agreement, frequencies)["themes.t.students"]
    3
    """
    numbers: dict[str, object] = {}
    for row in agreement.itertuples(index=False):
        theme = key_part(row.theme)
        numbers[f"{prefix}.{theme}.kappa"] = float(row.kappa)
        for bound in ("kappa_ci_low", "kappa_ci_high"):
            if hasattr(row, bound):
                numbers[f"{prefix}.{theme}.{bound}"] = float(getattr(row, bound))
        numbers[f"{prefix}.{theme}.percent_agreement"] = float(row.percent_agreement)
    for row in frequencies.itertuples(index=False):
        stem = f"{prefix}.{key_part(row.theme)}.{key_part(row.respondent_type)}s"
        numbers[stem] = int(row.count)
        numbers[f"{stem}_percent"] = float(row.percent)
    return numbers
