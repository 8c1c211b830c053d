"""Fixed texts of the assistant in the languages it answers in."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "abstain": {
        "en": "The documents do not cover this question.",
        "cs": "Dokumenty tuto otázku nepokrývají.",
        "ru": "Документы не отвечают на этот вопрос.",
    },
    "yes": {"en": "Yes.", "cs": "Ano.", "ru": "Да."},
    "no": {"en": "No.", "cs": "Ne.", "ru": "Нет."},
    "undecided": {
        "en": "The documents do not say so directly.",
        "cs": "Dokumenty to přímo neuvádějí.",
        "ru": "В документах это прямо не сказано.",
    },
    "closest": {
        "en": "Closest documents",
        "cs": "Nejbližší dokumenty",
        "ru": "Ближайшие документы",
    },
    "foreign_evidence": {
        "en": "The documents say (in {language}):",
        "cs": "Dokumenty k tomu uvádějí (v jazyce: {language}):",
        "ru": "В документах сказано (на языке: {language}):",
    },
    "conflict": {
        "en": "The sources differ: {items}.",
        "cs": "Zdroje se liší: {items}.",
        "ru": "Источники расходятся: {items}.",
    },
    "says": {
        "en": "{doc} (as of {date}) says {value}",
        "cs": "{doc} (stav k {date}) uvádí {value}",
        "ru": "{doc} (на {date}) указывает {value}",
    },
    "fallback": {
        "en": "The language model failed ({error}); this is the offline answer.",
        "cs": "Jazykový model selhal ({error}); toto je offline odpověď.",
        "ru": "Языковая модель не ответила ({error}); это офлайн-ответ.",
    },
    "model_language": {
        "en": "The model answered in English: it does not write the question's language "
        "({language}) reliably.",
        "cs": "Model odpověděl anglicky: jazykem otázky ({language}) nepíše spolehlivě.",
        "ru": "Модель ответила на английском: на языке вопроса ({language}) она пишет ненадёжно.",
    },
    "uncheckable": {
        "en": "The model's answer could not be checked against the sources; this is the offline "
        "answer.",
        "cs": "Odpověď jazykového modelu nešlo ověřit ve zdrojích; toto je offline odpověď.",
        "ru": "Ответ модели не удалось проверить по источникам; это офлайн-ответ.",
    },
    "truncated": {
        "en": "The question was shortened to {n} characters.",
        "cs": "Otázka byla zkrácena na {n} znaků.",
        "ru": "Вопрос сокращён до {n} символов.",
    },
    "unverified": {
        "en": "Some sentences could not be verified against the cited sources and are marked ⚠.",
        "cs": "Některé věty nebylo možné ověřit v citovaných zdrojích a jsou označeny ⚠.",
        "ru": "Некоторые предложения не подтверждены источниками и отмечены ⚠.",
    },
    "unsupported_language": {
        "en": "Answers are written in English, Czech or Russian, the documents' languages: this "
        "one is in English.",
        "cs": "Odpovědi jsou v angličtině, češtině nebo ruštině, v jazycích dokumentů: tato je "
        "v češtině.",
        "ru": "Ответы даются на английском, чешском или русском, языках документов: этот — на "
        "русском.",
    },
    "other_language": {
        "en": "Answering in English: the corpus has no documents in this language.",
        "cs": "Odpovídám anglicky: korpus nemá dokumenty v tomto jazyce.",
        "ru": "Отвечаю по-английски: в корпусе нет документов на этом языке.",
    },
}
LANGUAGE_NAMES = {
    "en": {"en": "English", "cs": "Czech", "ru": "Russian"},
    "cs": {"en": "angličtina", "cs": "čeština", "ru": "ruština"},
    "ru": {"en": "английский", "cs": "чешский", "ru": "русский"},
}
ANSWER_LANGUAGES = frozenset(
    LANGUAGE_NAMES
)  # the languages the assistant's own lines are written in


def text(key: str, lang: str, **values: str) -> str:
    """A fixed text in `lang`, falling back to English."""
    table = TEXTS[key]
    return table.get(lang, table["en"]).format(**values)


def language_name(code: str, in_lang: str) -> str:
    return LANGUAGE_NAMES.get(in_lang, LANGUAGE_NAMES["en"]).get(code, code)
