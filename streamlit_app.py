"""The Prague Process assistant in the browser: chat, onboarding, corpus, evaluation.

Only renders: every answer, glossary entry and report comes from assistant/, index/ and evals/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.settings import Settings, configure_offline_runtime, load_settings

configure_offline_runtime()

from assistant import memory, onboarding  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.feedback import record_feedback  # noqa: E402
from assistant.render import highlighted_context, to_markdown  # noqa: E402
from assistant.retrieve import Filters  # noqa: E402
from assistant.runtime import Runtime, get_runtime  # noqa: E402
from assistant.service import ask_stream  # noqa: E402
from assistant.types import Answer  # noqa: E402

memory.limit_arenas()  # every script run is a new thread: without a cap the server's RSS climbs per round

BACKENDS = {"extractive": "Offline (extractive, no model)", "openai": "OpenAI", "openai-compatible": "OpenAI-compatible server",
            "llamacpp": "llama.cpp (local GGUF)"}
CSS = """<style>
.pp-source {white-space: pre-wrap; font-size: 0.9rem; line-height: 1.45; max-height: 22rem; overflow-y: auto;
            padding: .6rem .8rem; border-left: 3px solid #c9d3e0; background: #f7f9fc;}
.pp-source mark {background: #ffe58a; padding: 0 .1rem;}
</style>"""


@st.cache_resource(show_spinner="Loading the models and the index…")
def _runtime(store: str, corpus: str) -> Runtime:
    """Built once per server process; a finished ingest is picked up by Runtime.refresh()."""
    return get_runtime(load_settings(store_dir=Path(store), corpus_dir=Path(corpus)))


def _base_settings() -> Settings:
    settings = load_settings()
    try:
        key = st.secrets.get("OPENAI_API_KEY", "")  # Streamlit secrets, never shown
    except Exception:  # no secrets file
        key = ""
    return replace(settings, llm_api_key=settings.llm_api_key or str(key))


def _ensure_index(settings: Settings) -> Runtime | None:
    try:
        return _runtime(str(settings.store_dir), str(settings.corpus_dir))
    except AssistantError as exc:
        if "No index" not in str(exc):
            st.error(str(exc))
            return None
    _reindex(settings, "Indexing the corpus for the first time…")
    return _runtime(str(settings.store_dir), str(settings.corpus_dir))


def _reindex(settings: Settings, label: str) -> None:
    from index.pipeline import ingest

    bar = st.progress(0.0, text=label)
    try:
        report = ingest(settings, progress=lambda done, total: bar.progress(min(1.0, done / max(1, total)), text=label))
    except AssistantError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.empty()
    st.session_state["last_ingest"] = (report.summary(), report.warnings)
    _runtime.clear()
    st.rerun()


def _show_last_ingest() -> None:
    summary, warnings = st.session_state.pop("last_ingest", ("", []))
    for warning in warnings:
        st.warning(warning)
    if summary:
        st.success(summary)


def sidebar(settings: Settings, runtime: Runtime) -> tuple[Settings, Filters, str]:
    """Backend status, passages, filters and answer language; returns what the chat should use."""
    sb = st.sidebar
    name = settings.resolved_answerer
    sb.markdown(f"**Backend:** {BACKENDS.get(name, name)}")
    sb.caption(f"OpenAI key: {'set' if settings.llm_api_key else 'not set'}"
               + (f" · server: {settings.llm_base_url}" if settings.llm_base_url else ""))
    top_k = sb.slider("Passages per answer", 2, 12, settings.top_k, key="top_k")
    docs = onboarding.documents(settings)
    titles = {str(d["doc_id"]): str(d["title"]) for d in docs}
    chosen = sb.multiselect("Documents", list(titles), format_func=lambda d: titles.get(d, d), key="f_docs")
    langs = sb.multiselect("Document language", sorted({str(d["language"]) for d in docs}), key="f_langs")
    pubs = sb.multiselect("Publisher", sorted({str(d["publisher"]) for d in docs if d["publisher"]}), key="f_pubs")
    answer_lang = sb.selectbox("Answer language", ["auto", "en", "cs"], key="answer_lang",
                               format_func=lambda x: {"auto": "Auto (the question's)", "en": "English", "cs": "Čeština"}[x])
    return replace(settings, top_k=top_k), Filters(tuple(chosen), tuple(langs), tuple(pubs)), answer_lang


def show_answer(answer: Answer, runtime: Runtime, key: str) -> None:
    """The answer text (abstentions look different), then each citation opening onto its highlighted source."""
    if answer.abstained:
        st.warning(answer.text, icon="🔍")
        if answer.closest_documents:
            st.caption("Closest documents: " + ", ".join(answer.closest_documents))
    else:
        st.markdown(answer.text.replace("\n", "  \n"))
    if answer.notice:
        st.info(answer.notice, icon="ℹ️")
    for c in answer.citations:
        meta = " · ".join(x for x in (c.date and f"as of {c.date}", c.language, c.publisher) if x)
        with st.expander(f"[{c.n}] {c.title} — {meta}"):
            try:
                source = runtime.document_text(c.doc_id)
                st.markdown(highlighted_context(source, c), unsafe_allow_html=True)  # escaped in render.py
            except AssistantError:
                st.text(c.quote)
            st.caption(f"{c.doc_id} · characters {c.start}–{c.end} · retrieval score {c.score}")
    cols = st.columns([1.4, 1.1, 1.3, 4])
    cols[0].download_button("Download .md", to_markdown(answer), file_name=f"answer-{answer.id}.md", key=f"dl{key}")
    _feedback(answer, cols, key)


def _feedback(answer: Answer, cols: list[Any], key: str) -> None:
    done = st.session_state.setdefault("rated", {})
    if key in done:
        cols[3].caption("Thanks for the feedback.")
        return
    rating = 1 if cols[1].button("Helpful", key=f"up{key}") else -1 if cols[2].button("Not helpful", key=f"down{key}") else 0
    comment = cols[3].text_input("Comment (optional)", key=f"c{key}", label_visibility="collapsed",
                                 placeholder="Optional comment, then Helpful / Not helpful")
    if rating:
        record_feedback(_base_settings().feedback_path, answer, rating, comment)
        done[key] = rating
        st.rerun()


def chat_page(settings: Settings, runtime: Runtime) -> None:
    settings, filters, answer_lang = sidebar(settings, runtime)
    st.title("Prague Process assistant")
    st.caption("Answers come only from the indexed documents; every sentence cites its source. "
               "Ask in English or Czech.")
    messages: list[dict[str, Any]] = st.session_state.setdefault("messages", [])
    question = st.chat_input("Ask about the Prague Process, EU or Czech migration policy…")
    question = question or st.session_state.pop("pending", None)
    if not messages and not question:
        st.markdown("**Try:**")
        cols = st.columns(2)
        for i, q in enumerate(onboarding.STARTERS):
            if cols[i % 2].button(q, key=f"starter{i}", use_container_width=True):
                st.session_state["pending"] = q
                st.rerun()
    if question:  # kept before any slow work: a run interrupted by the next question loses nothing
        messages.append({"role": "user", "content": question})
    i = 0
    while i < len(messages):
        msg = messages[i]
        with st.chat_message(msg["role"]):
            if msg["role"] == "user":
                st.markdown(msg["content"])
            elif "answer" in msg:
                show_answer(msg["answer"], runtime, str(i))
            else:
                st.error(msg["content"])
        if msg["role"] == "user" and (i + 1 == len(messages) or messages[i + 1]["role"] != "assistant"):
            _answer_turn(i, messages, settings, filters, answer_lang, runtime)  # inserts the answer at i + 1
            i += 1
        i += 1
    if messages and st.sidebar.button("Clear conversation"):
        messages.clear()
        st.rerun()


def _answer_turn(at: int, messages: list[dict[str, Any]], settings: Settings, filters: Filters,
                 answer_lang: str, runtime: Runtime) -> None:
    """Answer the question at messages[at] (streamed), with the turns before it as history; the answer is
    inserted right after it. A question whose run was cut short by the next one is answered on the next run."""
    question = messages[at]["content"]
    history = [{"role": m["role"], "content": m["content"]} for m in messages[:at]]
    final: list[Answer] = []

    def tokens() -> Iterator[str]:
        for item in ask_stream(question, history, settings, filters, answer_lang):
            if isinstance(item, Answer):
                final.append(item)
            else:
                yield item
    with st.chat_message("assistant"):
        try:
            placeholder = st.empty()
            with placeholder.container():
                st.write_stream(tokens())
            placeholder.empty()
        except AssistantError as exc:
            st.error(str(exc))
            messages.insert(at + 1, {"role": "assistant", "content": str(exc)})
            return
        answer = final[-1]
        messages.insert(at + 1, {"role": "assistant", "content": answer.text, "answer": answer})
        show_answer(answer, runtime, str(at + 1))
    memory.release()


def onboarding_page(settings: Settings, runtime: Runtime) -> None:
    st.title("New to the Prague Process?")
    st.caption("Built from the documents by code: it grows with the corpus. Every statement links to its source.")
    tab_overview, tab_glossary, tab_timeline = st.tabs(["Overview", "Glossary", "Timeline"])
    with tab_overview:
        for i, (section, question) in enumerate(onboarding.OVERVIEW):
            st.subheader(section)
            show_answer(_cached_answer(question, settings), runtime, f"ov{i}")
    with tab_glossary:
        for term in onboarding.glossary(settings):
            label = f"**{term.acronym}** — {term.expansion}" if term.expansion else f"**{term.acronym}** — *not expanded in the documents*"
            with st.expander(label.replace("**", "")):
                st.markdown(highlighted_context(runtime.document_text(term.citation.doc_id), term.citation, 120),
                            unsafe_allow_html=True)
                st.caption(f"{term.citation.title} ({term.citation.doc_id})")
    with tab_timeline:
        for event in onboarding.timeline(settings):
            st.markdown(f"**{event.when}** — {event.text}  \n<small>{event.citation.title} · {event.citation.doc_id}"
                        f" · characters {event.citation.start}–{event.citation.end}</small>", unsafe_allow_html=False)


def _cached_answer(question: str, settings: Settings) -> Answer:
    cache = st.session_state.setdefault("overview", {})
    if question not in cache:
        *_, final = ask_stream(question, None, settings)
        cache[question] = final
    return cache[question]  # type: ignore[no-any-return]


def corpus_page(settings: Settings, runtime: Runtime) -> None:
    from index.manage import ALLOWED, remove_document, save_upload

    st.title("Corpus")
    docs = onboarding.documents(settings)
    st.dataframe(docs, use_container_width=True, hide_index=True,
                 column_order=["doc_id", "title", "language", "publisher", "date", "chunks", "indexed_at"])
    pick = st.selectbox("Open a document", [str(d["doc_id"]) for d in docs], index=None, key="open_doc")
    if pick:
        st.text_area("Source text", runtime.document_text(pick), height=300, disabled=True)
        if st.button(f"Remove {pick} from the corpus", key="remove"):
            try:
                remove_document(settings, pick)
                _reindex(settings, "Removing…")
            except AssistantError as exc:
                st.error(str(exc))
    files = st.file_uploader(f"Add documents ({', '.join(ALLOWED)}; up to {settings.max_file_mb:g} MB)",
                             accept_multiple_files=True, key="upload")
    if files and st.button("Add and re-index", key="add"):
        for f in files:
            try:
                save_upload(settings, f.name, f.getvalue())
            except AssistantError as exc:
                st.error(str(exc))
        _reindex(settings, "Indexing…")
    if st.button("Re-index the corpus folder", key="reindex"):
        _reindex(settings, "Indexing…")


def evaluation_page(settings: Settings) -> None:
    """Run the grounding evaluation or load a saved report; metrics, charts, per-question drill-down, baseline."""
    from evals.report import compare, gate, headline, load_report, load_thresholds
    from evals.run import GOLD, THRESHOLDS, run_eval

    st.title("Evaluation")
    out = settings.eval_dir
    reports = sorted(out.glob("*/report.json"), reverse=True) if out.exists() else []
    left, right = st.columns(2)
    if left.button("Run the evaluation now (about 3 minutes)", key="run_eval"):
        bar = st.progress(0.0, text="Asking the gold questions…")
        report = run_eval(settings, GOLD, progress=lambda i, n: bar.progress(i / n, text=f"{i}/{n} questions"))
        bar.empty()
        st.session_state["eval_report"] = report
    names = [str(p.parent.name) for p in reports]
    pick = right.selectbox("…or load a saved report", names, index=None, key="eval_pick")
    uploaded = right.file_uploader("…or upload a report.json", type=["json"], key="eval_upload")
    if pick:
        st.session_state["eval_report"] = load_report(out / pick / "report.json")
    if uploaded is not None:
        st.session_state["eval_report"] = json.loads(uploaded.getvalue())
    report = st.session_state.get("eval_report")
    if not report:
        st.info("No report loaded yet.")
        return
    metrics = report.get("metrics") or headline(report)
    verdict = gate(report, load_thresholds(THRESHOLDS))
    (st.success if verdict["passed"] else st.error)(
        "Gate: PASS" if verdict["passed"] else "Gate: FAIL — " + ", ".join(r["metric"] for r in verdict["results"] if not r["passed"]))
    keys = ["retrieval.hit@5.en", "retrieval.hit@5.cs", "retrieval.hit@5.cross-lingual", "answer.fact_recall",
            "grounding.citation_precision", "answer.unanswerable_refused", "answer.false_abstention", "latency.p50_ms"]
    cols = st.columns(4)
    for i, key in enumerate(keys):
        value = metrics.get(key, {}).get("value")
        cols[i % 4].metric(key, "—" if value is None else (f"{value:.0f} ms" if "latency" in key else f"{value:.3f}"))
    _eval_charts(report)
    _eval_cases(report)
    base_name = st.selectbox("Compare with a baseline report", names, index=None, key="eval_base")
    if base_name:
        rows = compare(report, load_report(out / base_name / "report.json"))
        st.dataframe([r for r in rows if r.get("delta") or r["metric"].startswith("case")], hide_index=True,
                     use_container_width=True)


def _eval_charts(report: dict[str, Any]) -> None:
    import pandas as pd

    tags = {tag: row["passed"]["value"] for tag, row in report.get("by_tag", {}).items()
            if row["passed"]["value"] is not None}
    left, right = st.columns(2)
    left.caption("Pass rate per tag")
    left.bar_chart(pd.Series(tags, name="pass rate"))
    right.caption("Latency per question (ms)")
    right.bar_chart(pd.Series([c["latency_ms"] for c in report["cases"]], name="ms").sort_values(ignore_index=True))


def _eval_cases(report: dict[str, Any]) -> None:
    cases = report["cases"]
    only_failed = st.toggle("Only failed questions", value=True, key="eval_failed")
    rows = [{"id": c["id"], "passed": c["passed"], "outcome": c["outcome"], "language": c["language"],
             "failures": ", ".join(c["failures"]), "question": c["question"]}
            for c in cases if not (only_failed and c["passed"])]
    st.dataframe(rows, hide_index=True, use_container_width=True)
    pick = st.selectbox("Open a question", [r["id"] for r in rows], index=None, key="eval_case")
    case = next((c for c in cases if c["id"] == pick), None)
    if case:
        st.markdown(f"**{case['question']}**")
        st.text(case["answer"])  # shown as text: answers quote documents
        for why, detail in case["failures"].items():
            st.warning(f"{why}: {detail}")
        st.json({"facts": case["facts"], "checks": case["checks"], "citations": case["citations"]}, expanded=False)


def main() -> None:
    st.set_page_config(page_title="Prague Process assistant", page_icon="🗂️", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    settings = _base_settings()
    page = st.sidebar.radio("Page", ["Chat", "Onboarding", "Corpus", "Evaluation"], key="page")
    if page == "Evaluation":
        evaluation_page(settings)
        return
    runtime = _ensure_index(settings)
    if runtime is None:
        return
    _show_last_ingest()
    {"Chat": chat_page, "Onboarding": onboarding_page, "Corpus": corpus_page}[page](settings, runtime)


main()
