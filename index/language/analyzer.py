"""The analyser shared by the keyword index, the answerer and the checker: lemmas, folded
diacritics, stopwords."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from index.cache import cached_table

STOPWORDS = set(
    """
a an and are as at be been by can could did do does for from had has have how i in into is it its
of on or that the their there these this those to was were what when where which who whom why will
with within about also any between both did each more most other over such than then they through
under until up very would does tell me please describe explain give list name
a aby ale ani ano asi az až bez bude budou by byl byla byli bylo byt být co či do ho i jak jaka jaká
jake jaké jaky jaký jako je jeho jej jeji její jejich jen jsem jsi jsme jsou jste k kde kdo kdy
když ktera
která ktere které ktery který kteri kteří ma má mají maji me mě mi mezi mu na nad nam nám nas nás ne
nebo neni není o od po pod pro proc proč protože pri při s se si sve své svůj ta tak také take tam
te té tech těch to tom tomu tu ty u uz už v ve vsak však z za ze že zda jaké jakou kolik
""".split()
)
STOPWORDS |= set(
    """
а без бы был была были было быть в вам вас весь во вот все всё вы где да даже для до его ее её ей
ему если есть ещё же за здесь и из или им их к как какие какой когда кто ли либо мне может мы на над
не него нее неё нет ни них но ну о об однако он она они оно от по под при про с со так также там то
того тоже только том тот у уже чем что чтобы эта эти это этот я ли сколько где расскажи скажи
""".split()
)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Recorded in the manifest: a keyword index built by another analyzer version is rebuilt by ingest
# and refused by readers. 2: English terms are cut at 7 characters whether or not lemmatised, so
# that
# 'Conferences' and 'conference' meet. 3: Czech words typed without diacritics are lemmatised
# through
# the forms with them ('tretimi zememi' meets 'třetími zeměmi'), and a word whose lemma is a
# stopword
# is one ('jakých'). 4: Russian words are lemmatised as Russian in any document.
ANALYZER_VERSION = 4


def fold(text: str) -> str:
    """Lower case without diacritics, so 'Pražský' and 'prazsky' meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_FOLDED_STOPWORDS = {fold(w) for w in STOPWORDS}  # 'jakých' is 'jaký' once lemmatised


@lru_cache(maxsize=1)
def _czech_lemmas() -> dict[str, tuple[str, ...]]:
    """Czech word forms typed without diacritics -> the folded lemmas they can be, from simplemma's
    Czech dictionary ('tretimi' is only 'treti'; 'ceska' is Česká or Češka). Built once per process,
    on the first Czech word without diacritics (2 s; read back from the cache in 0.2 s)."""
    import simplemma

    name = f"czech-lemmas-simplemma{simplemma.__version__}-a{ANALYZER_VERSION}"
    return cached_table(name, _build_czech_lemmas)


def _build_czech_lemmas() -> dict[str, tuple[str, ...]]:
    # fold() a character at a time, for 360k words
    table = {c: fold(chr(c)) for c in range(0x80, 0x300)}
    lemmas: dict[str, set[str]] = {}
    for form, lemma in dictionaries().get_dictionary("cs").items():
        key, value = form.lower().translate(table), lemma.lower().translate(table)
        lemmas.setdefault(key, set()).add(value)
        lemmas.setdefault(value, set()).add(value)  # a lemma is a form of itself
    return {key: tuple(sorted(values)) for key, values in lemmas.items()}


_TRANSLIT = str.maketrans(
    dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            [
                "a",
                "b",
                "v",
                "g",
                "d",
                "e",
                "e",
                "zh",
                "z",
                "i",
                "i",
                "k",
                "l",
                "m",
                "n",
                "o",
                "p",
                "r",
                "s",
                "t",
                "u",
                "f",
                "kh",
                "ts",
                "ch",
                "sh",
                "shch",
                "",
                "y",
                "",
                "e",
                "yu",
                "ya",
            ],
        )
    )
)
_COGNATE = [
    ("ph", "f"),
    ("th", "t"),
    ("kh", "h"),
    ("ts", "c"),
    ("ch", "c"),
    ("ck", "c"),
    ("k", "c"),
    ("z", "s"),
    ("w", "v"),
    ("y", "i"),
    ("x", "cs"),
    ("q", "c"),
]


def translit(word: str) -> str:
    """A Cyrillic word in Latin letters ('Фронтекс' -> 'frontek…'), lower case, without
    diacritics."""
    return fold(word).translate(_TRANSLIT)


def cognate(term: str) -> str:
    """A key that international words share across English, Czech and Russian ('declaration',
    'deklarace', 'декларация' -> '~decla'); '' for words too short to tell."""
    key = translit(term)
    for a, b in _COGNATE:
        key = key.replace(a, b)
    key = re.sub(r"(.)\1+", r"\1", key)
    return f"~{key[:5]}" if len(key) >= 6 and key.isalpha() else ""


def czech_form(word: str) -> bool:
    """A word typed without diacritics is some form of a Czech word (lower case, ASCII)."""
    return word in _czech_lemmas()


def plain_czech_terms(token: str) -> set[str]:
    """Every term a Czech word typed without diacritics can stand for ('ceska': Česká and Češka)."""
    lower = token.lower()
    if not lower.isascii():
        return set()
    return {lemma[:6] for lemma in _czech_lemmas().get(lower, ())}


@lru_cache(maxsize=1)
def dictionaries() -> Any:
    """simplemma's dictionaries, each decoded once and kept in the cache: marshal reads the Russian
    one in 0.4 s, simplemma's own format takes 1.6 s (all four used: 2.9 s against 0.7 s)."""
    import simplemma
    from simplemma.strategies.dictionaries import dictionary_factory as shipped

    class Kept(shipped.CachingDictionaryFactory):
        def _get_dictionary_uncached(self, lang: str) -> Any:
            name = f"simplemma{simplemma.__version__}-{lang}"
            return shipped.MappingStrToByteString(
                cached_table(name, lambda: shipped._load_dictionary_from_disk(lang))
            )

    return Kept()


@lru_cache(maxsize=1)
def _lemmatizer() -> Any:
    import simplemma
    from simplemma.strategies import DefaultStrategy

    return simplemma.Lemmatizer(
        lemmatization_strategy=DefaultStrategy(dictionary_factory=dictionaries())
    )


@lru_cache(maxsize=200_000)
def _term(token: str, lang: str) -> str:
    lemmatize = _lemmatizer().lemmatize
    if token.isdigit() or (token.isupper() and len(token) > 1):
        return fold(token)
    if _CYRILLIC.search(token):
        return fold(lemmatize(token.lower(), lang=("ru", "uk")))[:7]
    if lang in ("cs", "sk"):
        lower = token.lower()
        plain = (
            _czech_lemmas().get(lower, ()) if lower.isascii() else ()
        )  # 'spolupraci' without diacritics
        return (plain[0] if len(plain) == 1 else fold(lemmatize(lower, lang=(lang, "en"))))[:6]
    return fold(lemmatize(token.lower(), lang=("en", "cs")))[:7]


def analyze(text: str, lang: str = "en") -> list[str]:
    """Keyword terms: lemmatised (simplemma), diacritics folded, stopwords dropped, light
    stemming."""
    return list(_analysed(text, lang))


@lru_cache(maxsize=4096)
def _analysed(text: str, lang: str) -> tuple[str, ...]:
    """The same chunks are analysed by search after search (near-duplicate checks)."""
    terms = []
    for token in _TOKEN.findall(text):
        if fold(token) in STOPWORDS or (len(token) < 2 and not token.isdigit()):
            continue
        term = _term(token, lang)
        if term not in _FOLDED_STOPWORDS:
            terms.append(term)
    return tuple(terms)
