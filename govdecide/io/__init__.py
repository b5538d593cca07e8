"""Data in and out: scenario files, district tables, downloads and the filed report.

Scenario files: :mod:`~govdecide.io.scenario` (load, validate, write back; the API the rest
of the package uses), built on :mod:`~govdecide.io.scenario_schema` (the pydantic models),
:mod:`~govdecide.io.scenario_yaml` (YAML with line numbers) and
:mod:`~govdecide.io.scenario_checks` (references between parts of a file).

District tables, in the order the data flows: :mod:`~govdecide.io.table_read` (a CSV or
Excel file to a raw table), :mod:`~govdecide.io.table_mapping` (which column is which
field), :mod:`~govdecide.io.table_import` (a scenario from the table and a template), and
:mod:`~govdecide.io.table_edit` (a scenario as the app's editable tables and back).

Every entry is bounded and refuses, with a message, what the model, the charts or the
files cannot use: sizes, depths and counts before any work is done, characters no chart or
workbook can hold (:func:`~govdecide.io.scenario_schema.unsafe_character`), numbers outside
:data:`~govdecide.io.scenario_schema.MAX_NUMBER` / ``MIN_NONZERO``, and values that
contradict their field (a share above 1).

Results out: :mod:`~govdecide.io.exports` (CSV, Excel, chart images) and
:mod:`~govdecide.io.report` (one self-contained HTML file).
"""
