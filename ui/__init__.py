"""Streamlit-side helpers of the govdecide app (session state, shared controls, caching).

The library (``govdecide/``) never imports Streamlit; everything that needs a session, a
widget or a cache lives here, so pages stay thin: read widgets, call govdecide, show.
"""
