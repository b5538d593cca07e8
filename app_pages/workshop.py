"""Workshop: the facilitator opens a room, the room answers on its phones, the optimizer
shows the room's plan.

Without a room in the address it offers to open one; with ``?room=CODE&host=SECRET`` it
shows the code and QR code for the projector, the round's buttons, the live view (it
refreshes by itself), the decision and the exports.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from ui import room_common as rc
from ui import room_host, room_live
from ui.state import current_lang

lang = current_lang()
lang = rc.language_switch(lang, "workshop_lang")
st.title(t("room.host.title", lang))
store = rc.store_or_stop(lang)
host, code, secret = room_host.find_host(store)
if host is None or secret is None:
    if code:
        st.warning(t("room.host.wrong_link", lang))
    st.caption(t("room.host.intro", lang))
    room_host.open_form(store, lang)
    st.stop()
rc.set_query({rc.ROOM_PARAM: host.info().code, rc.HOST_PARAM: secret, "lang": lang})
info = host.info()
scenario = rc.room_scenario(info.scenario_hash, host.scenario_text())
room_host.header(info, secret, scenario, lang)
room_host.controls(host, info, scenario, lang)
room_live.live_view(host, scenario, lang)
st.divider()
room_host.record_form(host, info, scenario, lang)
room_host.exports(host, info, scenario, lang)
room_host.report(host, info, scenario, lang)
room_host.close_form(host, info, lang)
