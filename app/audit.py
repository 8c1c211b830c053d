"""The audit trail for records requests: who asked what and which spans were shown, filtered by
user and date range, downloadable as JSON lines or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import streamlit as st

from assistant.audit import AuditLog
from assistant.settings import Settings


def audit_page(settings: Settings) -> None:
    st.title("Audit trail")
    if not settings.audit_path:
        st.info("The audit trail is off (PP_AUDIT_PATH is empty).", icon=":material/info:")
        return
    log = AuditLog(Path(settings.audit_path))
    cols = st.columns([2, 1, 1])
    user = cols[0].text_input("User (empty: everyone)", key="audit_user").strip()
    today = dt.date.today()
    since = cols[1].date_input("From", today - dt.timedelta(days=30), key="audit_since")
    until = cols[2].date_input("To", today, key="audit_until")
    lines = log.export(user, str(since), str(until))
    st.caption(f"{len(lines)} questions · {settings.audit_path}")
    rows = [
        {
            "time": x.get("time"),
            "user": x.get("user"),
            "channel": x.get("channel"),
            "question": x.get("question"),
            "backend": x.get("backend"),
            "abstained": x.get("abstained"),
            "spans": "; ".join(
                f"{s['doc_id']} {s['start']}–{s['end']}" for s in x.get("spans") or []
            ),
            "notice": x.get("notice"),
        }
        for x in lines
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    name = f"audit-{user or 'all'}-{since}-{until}"
    jsonl = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["time"])
    writer.writeheader()
    writer.writerows(rows)
    left, right = st.columns(2)
    left.download_button("Download JSON lines", jsonl, f"{name}.jsonl", "application/x-ndjson")
    right.download_button("Download CSV", buffer.getvalue(), f"{name}.csv", "text/csv")
