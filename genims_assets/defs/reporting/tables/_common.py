"""Small helpers shared by the transformations: safe ratios, merges on the grain, column limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

UNASSIGNED = "UNASSIGNED"  # a grain id the source leaves empty (sql/mysql/README.md)
PCT_LIMIT = 9999.999  # DECIMAL(7,3): a percentage beyond it means nothing on a dashboard and is stored NULL


def ratio(numerator, denominator, scale: float = 1.0) -> pd.Series:
    """numerator / denominator * scale, NaN (stored as NULL) where the denominator is 0 or missing."""
    numerator = pd.to_numeric(numerator, errors="coerce")
    denominator = pd.to_numeric(denominator, errors="coerce")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = numerator.astype(float) / denominator.astype(float) * scale
    return out.where(denominator.astype(float) != 0)


def pct(numerator, denominator) -> pd.Series:
    return ratio(numerator, denominator, 100.0)


def outer(frames: list[pd.DataFrame], on: list[str]) -> pd.DataFrame:
    """Outer-join per-database results on the grain, treating absent measures as 0 (nothing happened)."""
    frames = [f for f in frames if f is not None]
    if not frames:
        return pd.DataFrame(columns=on)
    merged = frames[0]
    for frame in frames[1:]:
        merged = merged.merge(frame, on=on, how="outer")
    return merged


def zero_fill(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        if column not in frame.columns:
            frame[column] = 0
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0)
    return frame


def as_dates(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Normalise a date column to datetime.date objects (grain keys must compare equal across databases)."""
    if len(frame):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def bounded(values: pd.Series) -> pd.Series:
    """A percentage, NULL where it does not fit DECIMAL(7,3)."""
    return values.where(values.abs() <= PCT_LIMIT)


def grain_ids(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Grain ids never empty: NULL or blank becomes UNASSIGNED."""
    for column in columns:
        values = frame[column].astype("object")
        frame[column] = values.mask(values.isna() | values.astype(str).str.strip().eq(""), UNASSIGNED)
    return frame


def as_int(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Counts and pieces as integers (rounded; 0 where absent)."""
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0).round().astype("int64")
    return frame
