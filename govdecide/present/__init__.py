"""What a person reads: results and scenarios as sentences, charts and display tables.

Every builder here is pure (frames in, a frame, a chart or text out; no Streamlit), so the
pages, the command line, the report and the tests show the same thing:

* ``summary`` — the plain-language summary of a result (who gains, what binds, what more
  budget buys);
* ``charts``, ``analysis_charts`` — Altair charts, ``DataFrame -> alt.Chart``;
* ``maps`` — the district map (tiles, or the scenario's boundaries);
* ``scenario_tables`` — the place: districts, programs, where the figures come from;
* ``result_tables`` — a result by district and by (district, program);
* ``analysis_tables`` — frontier, budget curve, robustness, comparison and equity tables;
* ``data_tables`` — previews and headings of the data page's tables.
"""
