"""Language knowledge shared by both floors: the analyser, folding, stopwords, sentence splitting,
detection."""

from index.language.analyzer import (
    ANALYZER_VERSION,
    STOPWORDS,
    analyze,
    cognate,
    fold,
    plain_czech_terms,
    translit,
)
from index.language.detect import LANGUAGES, detect_language
from index.language.sentences import Sentence, ends_in_abbreviation, split_sentences

__all__ = [
    "ANALYZER_VERSION",
    "LANGUAGES",
    "STOPWORDS",
    "cognate",
    "translit",
    "Sentence",
    "analyze",
    "detect_language",
    "ends_in_abbreviation",
    "fold",
    "plain_czech_terms",
    "split_sentences",
]
