"""How the app formats numbers in a table: Streamlit column settings by heading."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from govdecide.present.result_tables import table_formats

PERCENT = "percent"  # a share 0.412 shown as 41.2%
LOCALIZED = "localized"  # digit grouping (1,106,214) as the reader's browser writes it


def number_columns(formats: Mapping[str, str]) -> dict[str, object]:
    """A number column per heading, in its display format (:data:`PERCENT`,
    :data:`LOCALIZED` or a printf format like ``%.1f``)."""
    return {label: st.column_config.NumberColumn(format=fmt) for label, fmt in formats.items()}


def show_table(frame: pd.DataFrame | None) -> None:
    """A table made by ``govdecide.present`` with each figure in its kind's format
    (``table_formats``); nothing for None (a table with nothing to show)."""
    if frame is not None:
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config=number_columns(table_formats(frame)),
        )
