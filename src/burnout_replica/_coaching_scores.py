"""Study B replica, steps 1-4: the roster, the calibrated score sums and their item answers.

The data-generating model is documented in :mod:`burnout_replica.coaching`. Everything here
draws from the generator's random stream in a fixed order.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from burnout_replica._common import split_sum

__all__ = ["INSTRUMENTS", "OUTCOMES", "SITES", "GENDER", "item_columns", "draw_students",
           "calibrate", "draw_offsets", "answers"]

# --- Instruments as answered (prefix, items, minimum, maximum, reverse-scored items) ------------
_MBI_KEY = {"ee": (1, 2, 3, 6, 8, 13, 14, 16, 20), "dp": (5, 10, 11, 15, 22),
            "pa": (4, 7, 9, 12, 17, 18, 19, 21)}
INSTRUMENTS = {
    "mbi": ("mbi_", 22, 0, 6, ()),
    "impostor": ("impostor_", 8, 0, 1, ()),
    "moral_injury": ("moral_injury_", 10, 1, 10, (5, 6, 7)),
    "self_compassion": ("self_compassion_", 12, 1, 5, (1, 4, 8, 9, 11, 12)),
    "flourishing": ("flourishing_", 12, 0, 10, ()),
}
# Outcome: (instrument, item numbers, divisor of the sum (12 = reported as the mean)).
OUTCOMES = {
    "ee": ("mbi", _MBI_KEY["ee"], 1),
    "dp": ("mbi", _MBI_KEY["dp"], 1),
    "pa": ("mbi", _MBI_KEY["pa"], 1),
    "impostor": ("impostor", tuple(range(1, 9)), 1),
    "moral_injury": ("moral_injury", tuple(range(1, 11)), 1),
    "self_compassion": ("self_compassion", tuple(range(1, 13)), 1),
    "flourishing": ("flourishing", tuple(range(1, 13)), 12),
}

# --- Published targets (known to the generator only) -------------------------------------------
_RANDOMIZED = {"intervention": 197, "control": 193}
_AGE_MEAN, _AGE_SD = 25.3, 2.38
# outcome: (group x time difference, its standard error or None = left as drawn). Published:
# self_compassion 3.00 (SE 1.29, p = 0.021), flourishing 0.45 (SE 0.23, CI 0.01-0.90,
# p = 0.048); the SEs below are the ones that make estimate, interval and p agree under a
# Wald interval. The other five are invented non-significant differences.
_TARGETS = {
    "ee": (-0.4, None), "dp": (-0.15, None), "pa": (0.5, None), "impostor": (-0.05, None),
    "moral_injury": (-1.2, None), "self_compassion": (3.00, 1.295),
    "flourishing": (0.45, 0.2275),
}
_DIFFERENCE_TOLERANCE = {"flourishing": 0.002}
_DEFAULT_TOLERANCE = 0.01

# --- Design of the cohort (assumptions of the replica) -----------------------------------------
SITES = tuple(f"site_{number}" for number in range(1, 8))
_SITE_WEIGHTS = np.array([0.22, 0.18, 0.16, 0.13, 0.12, 0.10, 0.09])
_POST_COMPLETERS = {"intervention": 121, "control": 136}  # completed the follow-up survey
_SESSIONS_OFFERED = 16
GENDER = {"female": ("Woman", 0.62), "male": ("Man", 0.35), "nonbinary": ("Non-binary", 0.03)}
# outcome: (baseline mean, person SD, residual SD, control drift, loading on latent distress)
_LEVELS = {
    "ee": (27.0, 8.5, 5.5, 0.8, 0.8),
    "dp": (9.5, 4.5, 3.2, 0.4, 0.6),
    "pa": (35.0, 5.5, 4.0, 0.3, -0.5),
    "impostor": (4.6, 1.7, 1.1, -0.1, 0.5),
    "moral_injury": (38.0, 9.0, 6.5, 0.5, 0.6),
    "self_compassion": (34.0, 5.5, 6.5, 0.4, -0.6),
    "flourishing": (6.6, 1.0, 1.2, -0.05, -0.6),
}


def item_columns() -> list[str]:
    """Every item column of a survey export, instrument by instrument, in item order."""
    return [f"{prefix}{item:02d}" for prefix, count, *_ in INSTRUMENTS.values()
            for item in range(1, count + 1)]


# ================================================================================================
# 1. Roster
# ================================================================================================


def draw_students(rng: np.random.Generator) -> pd.DataFrame:
    """Roster: id, site, arm (randomized within site), age, gender, year, sessions, follow-up."""
    total = sum(_RANDOMIZED.values())
    sites = rng.choice(len(SITES), total, p=_SITE_WEIGHTS)
    groups = _randomize(rng, sites)
    age = rng.normal(0, 1, total)
    spread = np.sqrt(_AGE_SD ** 2 - 1 / 12)  # rounding to whole years adds variance 1/12
    age = np.round((age - age.mean()) / age.std(ddof=1) * spread + _AGE_MEAN).astype(int)
    shortfall = int(round(_AGE_MEAN * total)) - int(age.sum())  # rounding moved the mean
    age[rng.choice(total, abs(shortfall), replace=False)] += int(np.sign(shortfall))
    genders = list(GENDER)
    gender = rng.choice(genders, total, p=[GENDER[name][1] for name in genders])
    completers = np.zeros(total, dtype=bool)
    for arm, count in _POST_COMPLETERS.items():
        members = np.flatnonzero(groups == arm)
        completers[rng.choice(members, count, replace=False)] = True
    sessions = np.where(groups == "intervention",
                        np.clip(np.round(rng.beta(2.2, 1.6, total) * _SESSIONS_OFFERED
                                         + np.where(completers, 1.5, -2.0)), 0,
                                _SESSIONS_OFFERED), -1).astype(int)
    return pd.DataFrame({
        "student_id": [f"C{number:03d}" for number in range(1, total + 1)],
        "site": [SITES[index] for index in sites],
        "group": groups.astype(str),
        "age": age,
        "gender": gender,
        "training_year": rng.choice([1, 2, 3, 4], total, p=[0.3, 0.3, 0.2, 0.2]),
        "sessions": sessions,
        "completed_post": completers,
    })


def _randomize(rng: np.random.Generator, sites: np.ndarray) -> np.ndarray:
    """Arms alternating within site from a random start (randomization stratified by site),
    then a few random flips so the arms have the published sizes."""
    total = len(sites)
    order = np.lexsort((rng.random(total), sites))  # within site, random order
    groups = np.empty(total, dtype=object)
    arms = np.array(["intervention", "control"])
    groups[order] = arms[(np.arange(total) + rng.integers(2)) % 2]
    surplus = int((groups == "intervention").sum()) - _RANDOMIZED["intervention"]
    if surplus:
        source, target = ("intervention", "control") if surplus > 0 else (
            "control", "intervention")
        flip = rng.choice(np.flatnonzero(groups == source), abs(surplus), replace=False)
        groups[flip] = target
    return groups


# ================================================================================================
# 2-3. Scores and calibration
# ================================================================================================


def _interaction(pre: np.ndarray, post: np.ndarray, intervention: np.ndarray,
                 completers: np.ndarray) -> tuple[float, float]:
    """REML group x time estimate and SE on every available observation (statsmodels)."""
    n = len(pre)
    subjects = np.concatenate([np.arange(n), np.flatnonzero(completers)])
    outcome = np.concatenate([pre, post[completers]])
    is_post = np.concatenate([np.zeros(n), np.ones(int(completers.sum()))])
    arm = intervention[subjects].astype(float)
    exog = np.column_stack([np.ones(len(outcome)), arm, is_post, arm * is_post])
    model = sm.MixedLM(outcome, exog, groups=subjects)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("lbfgs", "powell"):
            try:
                fit = model.fit(reml=True, method=[method])
                break
            except (np.linalg.LinAlgError, ValueError):
                continue
        else:  # pragma: no cover - a failure of both optimizers is a bug of the generator
            raise RuntimeError("replica calibration: the mixed model could not be fitted")
    return float(fit.fe_params[3]), float(fit.bse_fe[3])


@dataclass
class _Draw:
    """One outcome's draw: integer sums from person levels and noise, given scale and shift."""

    mean: float
    person: np.ndarray
    noise: np.ndarray
    residual_sd: float
    drift: float
    intervention: np.ndarray
    bounds: tuple[int, int]

    def sums(self, scale: float, shift: float) -> tuple[np.ndarray, np.ndarray]:
        """Pre and post sums: the residual SD times ``scale``, the intervention's extra change
        ``shift``; rounded and clipped to the instrument's range."""
        low, high = self.bounds
        pre = self.mean + self.person + self.residual_sd * scale * self.noise[0]
        post = (self.mean + self.person + self.drift + shift * self.intervention
                + self.residual_sd * scale * self.noise[1])
        return (np.clip(np.round(pre), low, high), np.clip(np.round(post), low, high))


def calibrate(rng: np.random.Generator, students: pd.DataFrame, latent: np.ndarray,
              outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer pre and post sums of one outcome hitting its targeted difference (and SE)."""
    instrument, items, divisor = OUTCOMES[outcome]
    _, _, minimum, maximum, _ = INSTRUMENTS[instrument]
    mean, person_sd, residual_sd, drift, loading = (value * (divisor if index < 4 else 1)
                                                    for index, value in
                                                    enumerate(_LEVELS[outcome]))
    target, target_se = _TARGETS[outcome]
    target, target_se = target * divisor, (target_se * divisor if target_se else None)
    n = len(students)
    intervention = (students["group"] == "intervention").to_numpy()
    completers = students["completed_post"].to_numpy()
    person = person_sd * (loading * latent + np.sqrt(1 - loading ** 2) * rng.normal(0, 1, n))
    draw = _Draw(mean, person, rng.normal(0, 1, (2, n)), residual_sd, drift, intervention,
                 (minimum * len(items), maximum * len(items)))
    fitted: dict[tuple[bytes, bytes], tuple[float, float]] = {}

    def fit(pre: np.ndarray, post: np.ndarray) -> tuple[float, float]:
        key = (pre.tobytes(), post.tobytes())  # a refit of the same sums gives the same fit
        if key not in fitted:
            fitted[key] = _interaction(pre, post, intervention, completers)
        return fitted[key]

    scale = _fit_scale(draw, fit, target, target_se, divisor)
    pre, post = _fit_shift(draw, fit, scale, target)
    tolerance = _DIFFERENCE_TOLERANCE.get(outcome, _DEFAULT_TOLERANCE) * divisor
    _nudge(rng, fit, pre, post, np.flatnonzero(intervention & completers), target, tolerance,
           divisor, draw.bounds)
    return pre.astype(int), post.astype(int)


def _fit_scale(draw: _Draw, fit: Callable, target: float, target_se: float | None,
               divisor: int) -> float:
    """The residual scale whose interaction SE is within 0.001 (per item) of ``target_se``."""
    scale = 1.0
    for _ in range(6 if target_se else 0):
        _, se = fit(*draw.sums(scale, target))
        if abs(se - target_se) < 0.001 * divisor:
            break
        scale *= target_se / se
    return scale


def _fit_shift(draw: _Draw, fit: Callable, scale: float,
               target: float) -> tuple[np.ndarray, np.ndarray]:
    """The sums whose interaction estimate is within 0.2 of ``target`` (shifting the
    intervention arm's change)."""
    shift = target
    for _ in range(6):
        pre, post = draw.sums(scale, shift)
        estimate, _ = fit(pre, post)
        if abs(estimate - target) < 0.2:
            break
        shift += target - estimate
    return pre, post


def _nudge(rng: np.random.Generator, fit: Callable, pre: np.ndarray, post: np.ndarray,
           movable: np.ndarray, target: float, tolerance: float, divisor: int,
           bounds: tuple[int, int]) -> None:
    """Move single follow-up sums of intervention completers by +-1 (in place) until the
    estimate (on the reported scale, sum / divisor) is within ``tolerance / divisor``."""
    low, high = bounds
    for _ in range(12):
        estimate, _ = fit(pre / divisor, post / divisor)
        gap = target / divisor - estimate
        if abs(gap) < tolerance / divisor:
            return
        step = 1 if gap > 0 else -1
        per_move = 1.0 / divisor / len(movable)
        moves = max(1, int(round(abs(gap) / per_move)))
        room = movable[(post[movable] + step >= low) & (post[movable] + step <= high)]
        post[rng.choice(room, min(moves, len(room)), replace=False)] += step
    raise RuntimeError("replica calibration did not converge")  # pragma: no cover


# ================================================================================================
# 4. Items
# ================================================================================================


def draw_offsets(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Fixed item offsets per outcome (SD 8% of the answer range): some items run higher."""
    return {outcome: rng.normal(0, 0.08 * (INSTRUMENTS[spec[0]][3] - INSTRUMENTS[spec[0]][2]),
                                len(spec[1]))
            for outcome, spec in OUTCOMES.items()}


def answers(rng: np.random.Generator, sums: dict[str, int],
            offsets: dict[str, np.ndarray]) -> dict[str, int]:
    """Every item answer of one survey (as answered: reverse-scored items reversed back)."""
    found: dict[str, int] = {}
    for outcome, (instrument, items, _) in OUTCOMES.items():
        prefix, _, minimum, maximum, reverse = INSTRUMENTS[instrument]
        values = split_sum(rng, int(sums[outcome]), offsets[outcome], minimum, maximum,
                           0.35 * (maximum - minimum) / 6 + 0.3)
        for item, value in zip(items, values, strict=True):
            answer = minimum + maximum - int(value) if item in reverse else int(value)
            found[f"{prefix}{item:02d}"] = answer
    return found
