"""Streamlit-side helpers of the govdecide app (session state, shared controls, caching).

The library (``govdecide/``) never imports Streamlit; everything that needs a session, a
widget or a cache lives here, so pages stay thin: read widgets, call govdecide, show.
What a page shows (tables, sentences, charts, maps) is built by ``govdecide.present``,
pure functions that the tests call directly.

What a page uses (see ``app_pages/allocate.py`` for a complete one):

* ``ui.state.current_lang()`` first (it also makes deep links work on a fresh server),
  then ``ui.sidebar.require_scenario(lang) -> (entry, scenario)``;
* ``ui.controls``: the scenario's sliders (``control_specs``), this session's values
  (``current_values(entry.key, specs)``) and ``settings_from_values(values)``;
* ``ui.solving.solve(entry.fingerprint, scenario, solving.interactive(settings))``: a
  cached solve on the server's one ``Allocator`` for the scenario; ``ui.analysis_cache``
  does the same for the analyses, and ``ui.analysis_page.start`` begins an analysis page;
* ``ui.state.register_scenario(key, scenario, label)``: add an uploaded scenario to the
  picker (and select it on the next run);
* ``ui.workspace``: the store (once per server), the session's workspace and what pages
  save in it (options, scenarios, decisions); ``ui.workspace_view`` its widgets (the
  sidebar's saved-work panel, "record this decision", the log's downloads);
* ``ui.messages`` to show a rejected scenario's problems, ``ui.tables.number_columns``
  for number formats in a table, ``ui.text.md_escape`` / ``label_escape`` /
  ``bullet_list`` for scenario text shown as Markdown or labels.
"""
