"""The audit trail: one line per question through the CLI (and the API and app elsewhere), whole
lines after a kill -9 mid-write, rotation, export per user and date."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.audit import AuditLog
from assistant.settings import PROJECT_ROOT, Settings

WRITER = """
import sys
from pathlib import Path
from assistant.audit import AuditLog
log = AuditLog(Path(sys.argv[1]), max_bytes=10**9)
print("ready", flush=True)
i = 0
while True:
    log.write({"time": "2026-12-01T10:00:00Z", "user": "w", "i": i, "pad": "x" * 20000})
    i += 1
"""


def test_the_cli_records_who_asked_and_the_spans_shown(indexed: Settings, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "When was PP DATA officially launched?",
         "--json", "--store", str(indexed.store_dir), "--corpus", str(indexed.corpus_dir)],
        env={**os.environ, "PP_AUDIT_PATH": str(path), "HF_HUB_OFFLINE": "1"},
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    (line,) = AuditLog(path).lines()
    assert line["channel"] == "cli" and line["user"] and line["answer_id"] == answer["id"]
    assert line["question"] == answer["question"] and line["backend"] == "extractive"
    shown = [(c["doc_id"], c["start"], c["end"]) for c in answer["citations"]]
    assert [(s["doc_id"], s["start"], s["end"]) for s in line["spans"]] == shown
    assert "1 January 2018" not in json.dumps(line)  # spans, not the documents' words


def test_kill_9_mid_write_leaves_every_earlier_line_whole(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
    time.sleep(1.0)
    writer.send_signal(signal.SIGKILL)
    writer.wait(10)
    raw = path.read_bytes().split(b"\n")
    lines = list(AuditLog(path).lines())
    assert len(lines) >= 5 and [x["i"] for x in lines] == list(range(len(lines)))
    assert len(lines) >= len(raw) - 2  # at most the torn last line is lost
    with path.open("ab") as f:  # a torn line, as a crash between two writes leaves it
        f.write(b'{"time": "2026-12-01T10:00:00Z", "user": "torn')
    AuditLog(path).write({"time": "2026-12-02T09:00:00Z", "user": "after"})
    assert list(AuditLog(path).lines())[-1]["user"] == "after"


def test_rotation_keeps_old_files_and_export_filters_by_user_and_date(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", max_bytes=400, keep=3)
    for day in range(1, 21):
        log.write({"time": f"2026-11-{day:02d}T12:00:00Z", "user": "ab"[day % 2], "q": "x" * 60})
    assert len(log.files()) == 4  # audit.jsonl and .1 .. .3; older ones dropped
    days = [int(x["time"][8:10]) for x in log.lines()]
    assert days == sorted(days) and days[-1] == 20
    assert {x["user"] for x in log.export(user="a")} == {"a"}
    ranged = log.export(since="2026-11-18", until="2026-11-19")
    assert [x["time"][:10] for x in ranged] == ["2026-11-18", "2026-11-19"]
    assert oct(os.stat(log.path).st_mode & 0o777) == "0o600"  # not readable by other users
