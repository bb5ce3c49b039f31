"""Realistic, invented inputs of every figure of the pipeline, for each design that draws it.

Sizes, score ranges, label lengths and counts are those of the shipped studies (a trial of about
200 per arm with seven scores of five instruments, a comparison of 51 and 84 with the three MBI
scores, a single group), so a layout that works here works for them; the numbers are made up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TRIAL_SCORES", "MBI_SCORES", "analysis_table", "long_table", "flow_table",
           "primary_estimates", "diagnostics_table", "likert_summaries", "theme_frequencies",
           "meta_inputs", "simulation_summary"]

# score -> (instrument, lowest, highest) of the shipped instruments
_RANGES = {"ee": ("mbi_hss_mp", 0, 54), "dp": ("mbi_hss_mp", 0, 30),
           "pa": ("mbi_hss_mp", 0, 48), "impostor": ("young_impostor_scale", 0, 8),
           "moral_injury": ("moral_injury_symptom_scale_hp", 10, 100),
           "self_compassion": ("self_compassion_scale_sf", 12, 60),
           "flourishing": ("secure_flourish_index", 0, 10)}
TRIAL_SCORES = tuple(_RANGES)
MBI_SCORES = ("ee", "dp", "pa")


def analysis_table(groups: dict[str, int], scores=TRIAL_SCORES, seed: int = 1) -> pd.DataFrame:
    """``analysis.csv``: ``group`` (left out when ``groups`` is ``{"all": n}``) and scores."""
    generator = np.random.default_rng(seed)
    frame = pd.DataFrame({"group": [group for group, size in groups.items()
                                    for _ in range(size)]})
    for score in scores:
        _, low, high = _RANGES[score]
        pre = generator.uniform(low, high, len(frame)).round()
        post = np.clip(pre + generator.normal(0, (high - low) / 8, len(frame)), low, high).round()
        post[generator.random(len(frame)) < 0.3] = np.nan  # lost to follow-up
        frame[f"{score}_pre"], frame[f"{score}_post"] = pre, post
        frame[f"{score}_change"] = post - pre
    return frame.drop(columns="group") if list(groups) == ["all"] else frame


def long_table(groups: dict[str, int], seed: int = 2) -> pd.DataFrame:
    """``analysis_long.csv`` with the 0/1 ``burnout`` flag at ``pre`` and ``post``."""
    generator = np.random.default_rng(seed)
    rows = [{"group": group, "time": time, "burnout": int(generator.random() < 0.55)}
            for group, size in groups.items() for _ in range(size) for time in ("pre", "post")]
    frame = pd.DataFrame(rows)
    return frame.drop(columns="group") if list(groups) == ["all"] else frame


def flow_table(design: str) -> pd.DataFrame:
    """``flow.csv`` of a design (its steps are those of :mod:`burnout.data.linking`)."""
    if design == "randomized":
        steps = ["randomized", "completed_pre", "completed_post", "per_protocol", "analysed"]
        counts = {"intervention": [197, 197, 121, 98, 197], "control": [193, 193, 136, 136, 193]}
    else:
        steps = ["enrolled", "completed_pre", "completed_post", "analysed"]
        counts = ({"all": [1200, 1154, 987, 987]} if design == "single_group"
                  else {"intervention": [57, 54, 51, 51], "control": [93, 90, 84, 84]})
    return pd.DataFrame([{"step": step, "group": group, "n": n}
                         for group, values in counts.items()
                         for step, n in zip(steps, values, strict=True)])


def primary_estimates(scores=TRIAL_SCORES, seed: int = 3) -> pd.DataFrame:
    """The primary analysis's table: ``outcome``, ``estimate``, ``ci_low``, ``ci_high``, ``p``."""
    generator = np.random.default_rng(seed)
    rows = []
    for score in scores:
        _, low, high = _RANGES[score]
        half = (high - low) / 40 * generator.uniform(0.5, 2.0)
        estimate = generator.normal(0, half)
        rows.append({"outcome": score, "estimate": estimate, "ci_low": estimate - half,
                     "ci_high": estimate + half, "p": float(generator.uniform(0.0004, 0.9))})
    return pd.DataFrame(rows)


def diagnostics_table(count: int = 135, seed: int = 4) -> pd.DataFrame:
    """A regression diagnostics table of ``count`` participants."""
    generator = np.random.default_rng(seed)
    fitted = generator.normal(-1, 2, count)
    residual = generator.normal(0, 7, count)
    return pd.DataFrame({"fitted": fitted, "residual": residual,
                         "standardized_residual": residual / 7,
                         "influential": np.abs(residual) > 14})


def likert_summaries() -> dict[str, pd.DataFrame]:
    """Two surveys (students, mentors) of long item wordings, as ``likert_summary`` gives them."""
    from burnout.stats.survey import likert_summary

    generator = np.random.default_rng(5)
    wordings = {
        "Students": ["The mentorship program had a positive impact on my rotation",
                     "The mentorship program decreased my stress during the rotation",
                     "I would recommend the program to next year's students",
                     "My mentor was available when I needed advice"],
        "Mentors": ["I enjoyed participating in the mentorship program",
                    "I would participate again next year",
                    "The time the program asked of me was manageable",
                    "Mentoring improved my own teaching", "I connected with my students"],
    }
    summaries = {}
    for panel, items in wordings.items():
        columns = {f"item_{index}": wording for index, wording in enumerate(items)}
        answers = pd.DataFrame({column: generator.integers(1, 6, 48) for column in columns})
        summaries[panel] = likert_summary(answers, columns)
    return summaries


def theme_frequencies() -> tuple[pd.DataFrame, dict[str, str]]:
    """Theme frequencies of students and mentors, and the codebook's labels."""
    labels = {"relationship_building": "Relationship building",
              "different_perspective": "Different perspective",
              "knowledge_sharing": "Knowledge sharing",
              "personal_fulfillment": "Personal fulfillment",
              "self_reflection": "Self-reflection"}
    rows = [{"theme": theme, "respondent_type": kind, "count": count,
             "respondents": respondents, "percent": 100 * count / respondents}
            for theme, counts in zip(labels, [(12, 8), (19, 11), (25, 14), (7, 21), (38, 3)],
                                     strict=True)
            for kind, count, respondents in zip(("student", "mentor"), counts, (38, 29),
                                                strict=True)]
    return pd.DataFrame(rows), labels


def meta_inputs() -> tuple[pd.DataFrame, pd.Series]:
    """Studies of a meta-analysis with long labels, and the pooled row."""
    studies = pd.DataFrame({
        "label": ["mentorship (synthetic replica)", "coaching (synthetic replica)",
                  "Dyrbye 2019, professional coaching (published)",
                  "McGill 2021, near-peer mentoring of first-year students (published)"],
        "estimate": [-0.42, -0.01, -0.35, 0.12], "ci_low": [-0.77, -0.26, -0.71, -0.25],
        "ci_high": [-0.07, 0.23, 0.01, 0.49], "weight": [24.1, 31.5, 22.9, 21.5]})
    pooled = pd.Series({"estimate": -0.17, "ci_low": -0.52, "ci_high": 0.18, "pi_low": -1.04,
                        "pi_high": 0.70, "tau2": 0.04, "i2": 55.0})
    return studies, pooled


def simulation_summary(scores=TRIAL_SCORES) -> pd.DataFrame:
    """A simulation summary: three analyses, three sample sizes, four effects per score."""
    rows = []
    for score in scores:
        _, low, high = _RANGES[score]
        for method in ("rank_sum", "mixed_model", "ols_change"):
            for size in ((99, 97), (197, 193), (394, 386)):
                for step in range(4):
                    rows.append({"outcome": score, "method": method,
                                 "effect": step * (high - low) / 20, "n_intervention": size[0],
                                 "n_control": size[1],
                                 "rejection_rate": min(1.0, 0.05 + 0.3 * step * size[0] / 197),
                                 "bias": 0.0})
    return pd.DataFrame(rows)
