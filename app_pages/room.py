"""Room: a workshop participant joins with the room's code, sets priorities, sees plans.

Opened from the QR code or the join link (``?room=CODE``); after joining, the address
also holds the seat's token, so a reload keeps the seat and its submission.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from ui import room_common as rc
from ui import room_seat
from ui.state import current_lang

lang = current_lang()
lang = rc.language_switch(lang, "room_lang")
st.title(t("room.title", lang))
store = rc.store_or_stop(lang)
code = rc.query(rc.ROOM_PARAM)
info = store.rooms.info(code) if code else None
if info is None:
    if code:
        st.warning(t("err.room_not_found", lang))
    room_seat.ask_code(lang)
    st.stop()
seat, token = room_seat.find_seat(store, info.code)
if seat is None:
    rc.set_query({rc.ROOM_PARAM: info.code, "lang": lang})
    st.caption(t("room.join.intro", lang, code=info.code))
    room_seat.join_form(store, info, lang)
    st.stop()
rc.set_query({rc.ROOM_PARAM: info.code, rc.SEAT_PARAM: token or "", "lang": lang})
room_seat.show_seat(store, seat, info, lang)
