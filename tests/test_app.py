"""The Streamlit app driven by AppTest over the real index: ask, cite, follow up, abstain, filter,
manage."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from assistant.errors import UserError
from assistant.runtime import Runtime
from assistant.settings import PROJECT_ROOT, Settings
from index.manage import remove_document, save_upload
from index.pipeline import ingest

APP = str(PROJECT_ROOT / "streamlit_app.py")


@pytest.fixture
def app(indexed: Settings, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PP_STORE_DIR", str(indexed.store_dir))
    monkeypatch.setenv("PP_CORPUS_DIR", str(indexed.corpus_dir))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    return at


def _assistant_texts(at: AppTest) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.name == "assistant" and m.markdown]


def test_ask_shows_answer_with_openable_citations(app: AppTest) -> None:
    app.chat_input[0].set_value("When was PP DATA officially launched?").run()
    assert not app.exception
    assert "1 January 2018. [1]" in _assistant_texts(app)[-1]
    labels = [e.label for e in app.expander]
    assert any(label.startswith("[1] ") and "2018" in label for label in labels)
    assert any(
        "<mark>" in md.value for md in app.markdown
    )  # the cited span highlighted in its context


def test_follow_up_uses_the_conversation(app: AppTest) -> None:
    app.chat_input[0].set_value("What is the Migration Observatory?").run()
    app.chat_input[0].set_value("Who hosts it?").run()
    assert "ICMPD" in _assistant_texts(app)[-1]


def test_abstention_looks_different(app: AppTest) -> None:
    app.chat_input[0].set_value("What is the asylum recognition rate in Germany in 2023?").run()
    assert any("do not cover" in w.value for w in app.warning)
    assert not any(e.label.startswith("[1]") for e in app.expander)


def test_filters_restrict_the_sources(app: AppTest) -> None:
    app.sidebar.multiselect(key="f_docs").set_value(["mvcr-european-migration-network-en"]).run()
    app.chat_input[0].set_value("What are the outputs of the European Migration Network?").run()
    labels = [e.label for e in app.expander if e.label.startswith("[")]
    assert labels and all("European Migration Network" in label for label in labels)


def test_starter_question_and_feedback_file(
    app: AppTest, indexed: Settings, tmp_path, monkeypatch
) -> None:
    feedback = tmp_path / "fb.jsonl"
    monkeypatch.setenv("PP_FEEDBACK_PATH", str(feedback))
    starter = app.button(key="starter0")
    assert starter.label == "What is the Prague Process?"  # made from the corpus's main subject
    starter.click().run()
    assert "2009" in _assistant_texts(app)[-1]
    app.button(key="up1").click().run()
    record = json.loads(feedback.read_text().splitlines()[0])
    assert record["rating"] == 1 and record["citations"] and "OPENAI" not in json.dumps(record)


def test_onboarding_glossary_and_timeline(app: AppTest) -> None:
    app.sidebar.radio(key="page").set_value("Onboarding").run()
    assert not app.exception
    labels = " ".join(e.label for e in app.expander)
    for acronym in ("ICMPD", "SOM", "PP DATA", "MPF", "NCPI"):
        assert acronym in labels
    for year in ("April 2009", "February 2013", "2016", "1 January 2018"):  # each opens its source
        assert f"{year}** — " in labels


def test_corpus_page_lists_documents(app: AppTest) -> None:
    app.sidebar.radio(key="page").set_value("Corpus").run()
    assert not app.exception
    assert "pp-data-project-en" in app.dataframe[0].value.to_string()


def test_upload_remove_and_reindex(small_corpus: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(small_corpus.index)
    with pytest.raises(UserError, match="unsupported type"):
        save_upload(small_corpus.index, "evil.exe", b"MZ")
    with pytest.raises(UserError, match="over the"):
        save_upload(replace(small_corpus, max_file_mb=0.000001), "big.txt", b"x" * 100)
    path = save_upload(
        small_corpus.index,
        "../../Nová zpráva.md",
        "# Nová zpráva\n\nSOM se sešel v Praze v roce 2024.".encode(),
    )
    assert path.parent == small_corpus.corpus_dir / "uploads"
    monkeypatch.setenv("PP_STORE_DIR", str(small_corpus.store_dir))
    monkeypatch.setenv("PP_CORPUS_DIR", str(small_corpus.corpus_dir))
    monkeypatch.setenv("PP_EMBEDDERS", "minilm")
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.sidebar.radio(key="page").set_value("Corpus").run()
    at.button(key="reindex").click().run()
    assert not at.exception
    assert any("1 new" in s.value for s in at.success)
    assert "uploads/Nová zpráva" in at.dataframe[0].value.to_string()
    remove_document(small_corpus.index, "uploads/Nová zpráva")
    assert ingest(small_corpus.index).removed == ["uploads/Nová zpráva"]


def test_script_in_documents_is_shown_as_text() -> None:
    from assistant.render import highlighted_context
    from assistant.types import Citation

    source = "Intro <script>alert('x')</script> and <b>bold</b> end."
    c = Citation(
        n=1, doc_id="d", title="t", chunk_id="d#0", quote=source[6:34], start=6, end=34, score=1.0
    )
    html = highlighted_context(source, c)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>" in html


def test_evaluation_page_loads_a_report(
    indexed: Settings, runtime: Runtime, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evals.report import gate, load_thresholds
    from evals.run import THRESHOLDS, run_eval

    reports = {
        name: run_eval(indexed, out_dir=tmp_path / name, limit=4, runtime=runtime)
        for name in ("first", "second")
    }
    passed = gate(reports["second"], load_thresholds(THRESHOLDS))["passed"]
    monkeypatch.setenv("PP_STORE_DIR", str(indexed.store_dir))
    monkeypatch.setenv("PP_CORPUS_DIR", str(indexed.corpus_dir))
    monkeypatch.setenv("PP_EVAL_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.sidebar.radio(key="page").set_value("Evaluation").run()
    at.selectbox(key="eval_pick").set_value("second").run()
    assert not at.exception
    shown = at.success if passed else at.error
    assert any(x.value.startswith("Gate: PASS" if passed else "Gate: FAIL") for x in shown), (
        passed,
        shown,
    )
    assert len(at.metric) == 8 and at.dataframe
    at.selectbox(key="eval_base").set_value("first").run()
    assert not at.exception


def test_question_cut_short_by_the_next_one_is_still_answered(app: AppTest) -> None:
    # A run interrupted by the next question leaves a question without its answer: nothing is lost.
    app.session_state["messages"] = [
        {"role": "user", "content": "When was PP DATA officially launched?"}
    ]
    app.chat_input[0].set_value("Who hosts the Migration Observatory?").run()
    assert not app.exception
    roles = [m.name for m in app.chat_message]
    assert roles == ["user", "assistant", "user", "assistant"]
    texts = _assistant_texts(app)
    assert "2018" in texts[0] and "ICMPD" in texts[1]


def test_question_with_no_words_is_one_error_and_the_chat_goes_on(app: AppTest) -> None:
    app.chat_input[0].set_value("?!").run()
    assert any("no words" in e.value for e in app.error)
    app.chat_input[0].set_value("When was PP DATA officially launched?").run()
    assert "2018" in _assistant_texts(app)[-1]


def test_sign_in_on_without_a_provider_says_what_to_configure_and_shows_nothing_else(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PP_STORE_DIR", str(indexed.store_dir))
    monkeypatch.setenv("PP_SIGN_IN", "1")
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    assert "no identity provider is configured" in at.error[0].value
    assert not at.chat_input and not at.sidebar.radio and not at.button
