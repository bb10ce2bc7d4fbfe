"""Text similarity between vacancies and trainee profiles (TF-IDF weighted term coverage)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
from scipy import sparse

from matching.encoding import rows_matrix
from matching.models import Trainee, Vacancy
from matching.taxonomy import Taxonomy


def _words(name: str) -> tuple[str, ...]:
    text = resources.files("matching").joinpath("data", name).read_text("utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@cache
def french_stop_words() -> tuple[str, ...]:
    """Return the folded French stop words shipped with the package."""
    return _words("stopwords_fr.txt")


@cache
def boilerplate_words() -> frozenset[str]:
    """Return the folded words every security vacancy writes, which the text component ignores."""
    return frozenset(_words("boilerplate_fr.txt"))


@dataclass(frozen=True, eq=False)
class TextRules:
    """What the texts are made of: skill labels, and what a vacancy's text must not echo."""

    labels: dict[str, str]  # skill code → French label
    skill_phrases: dict[str, re.Pattern[str]]  # skill code → its labels and aliases, as words between spaces
    certification_phrases: re.Pattern[str]  # every certification's code, labels and aliases, as words between spaces


_RULES: dict[int, tuple[Taxonomy, TextRules]] = {}


def text_rules(taxonomy: Taxonomy) -> TextRules:
    """Return the text rules of a taxonomy (made once per taxonomy)."""
    found = _RULES.get(id(taxonomy))
    if found is None or found[0] is not taxonomy:
        found = _RULES[id(taxonomy)] = (taxonomy, _text_rules(taxonomy))
    return found[1]


def _text_rules(taxonomy: Taxonomy) -> TextRules:

    def phrases(names: Sequence[str]) -> re.Pattern[str]:
        """Return a pattern of the names as words between spaces, the longest tried first."""
        found = sorted({" ".join(tokens(name)) for name in names} - {""}, key=lambda p: (-len(p), p))
        return re.compile(rf"(?<= )(?:{'|'.join(map(re.escape, found))})(?= )" if found else r"(?!)")

    return TextRules(
        labels={s.code: s.fr for s in taxonomy.skills},
        skill_phrases={s.code: phrases([s.fr, s.en, *s.aliases]) for s in taxonomy.skills},
        certification_phrases=phrases([n for c in taxonomy.certifications for n in (c.code, c.fr, c.en, *c.aliases)]),
    )


def vacancy_text(vacancy: Vacancy, taxonomy: Taxonomy) -> str:
    """Return the text a vacancy is compared on: its title and description without what they echo (see `_vacancy_text`)."""
    return _vacancy_text(vacancy, text_rules(taxonomy))


def trainee_text(trainee: Trainee, taxonomy: Taxonomy) -> str:
    """Return the text a trainee is compared on: summary, skills and experience titles."""
    return _trainee_text(trainee, text_rules(taxonomy).labels)


def _vacancy_text(vacancy: Vacancy, rules: TextRules) -> str:
    """Return the vacancy's title and description as words, without its own skills' names, any certification's
    name and the boilerplate every vacancy writes: what is left is what the free text adds to the lists."""
    skills = tuple(dict.fromkeys((*vacancy.required_skills, *vacancy.preferred_skills)))
    return _compared_text(rules, vacancy.title + " " + (vacancy.description or ""), skills)


@lru_cache(maxsize=8192)
def _compared_text(rules: TextRules, written: str, skills: tuple[str, ...]) -> str:
    """Return `_vacancy_text` of a title and description, remembered: the same vacancies are prepared again and again
    (the ranking worker on each change, the officers' pages)."""
    text = " " + " ".join(tokens(written)) + " "
    for code in skills:
        if code in rules.skill_phrases:
            text = rules.skill_phrases[code].sub(" ", text)
    text = rules.certification_phrases.sub(" ", text)
    return " ".join(w for w in text.split() if w not in boilerplate_words())


def _trainee_text(trainee: Trainee, labels: dict[str, str]) -> str:
    return " ".join(_trainee_parts(trainee, labels))


def _trainee_parts(trainee: Trainee, labels: dict[str, str]) -> list[str]:
    """Return the parts of a trainee's text: summary, skills' labels and experience titles."""
    return [trainee.summary or "", *(labels.get(code, code) for code in trainee.skills), *(e.title for e in trainee.experience)]


class _Combining(dict[int, int | None]):
    """A `str.translate` table that deletes combining characters, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING = _Combining()


def strip_accents(text: str) -> str:
    """Return the text decomposed (NFKD) without its combining characters.

    The same result as scikit-learn's `strip_accents_unicode`, a character loop in Python, in one
    `str.translate` call.
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING)


#: Words of two or more letters or digits: scikit-learn's default token pattern.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tokens(doc: str) -> list[str]:
    """Return a text's words as the TF-IDF counts them: lower case, accents stripped, two characters or more."""
    return _TOKEN.findall(strip_accents(doc.lower()))


def _counts(docs: Iterable[str], vocabulary: dict[str, int], grow: bool, skip: frozenset[str]) -> sparse.csr_matrix:
    """Count each document's words (rows) by their column in `vocabulary`, adding new words when `grow`."""
    indptr, columns, values = [0], list[int](), list[int]()
    for doc in docs:
        counted: dict[int, int] = {}
        for word in tokens(doc):
            if word in skip:
                continue
            column = vocabulary.setdefault(word, len(vocabulary)) if grow else vocabulary.get(word)
            if column is not None:
                counted[column] = counted.get(column, 0) + 1
        columns.extend(counted)
        values.extend(counted.values())
        indptr.append(len(columns))
    shape = (len(indptr) - 1, len(vocabulary))
    out = sparse.csr_matrix((np.array(values, dtype=np.float64), np.array(columns, dtype=np.int64), indptr), shape=shape)
    out.sort_indices()
    return out


@dataclass
class TraineeWords:
    """Every word of each trainee's text: the trainees' side of the text component, whichever vacancies they meet."""

    by_word: sparse.csr_matrix  # [word, trainee] 1 where the trainee's text has the word
    words: dict[str, int]  # word → row


def trainee_words(trainees: Sequence[Trainee], taxonomy: Taxonomy) -> TraineeWords:
    """Return the words of each trainee's text (summary, skills' labels, experience titles).

    No word spans a space, so a text's words are those of its parts and of their pieces between spaces; each
    distinct part and piece (most recur from trainee to trainee) is read once.
    """
    labels = text_rules(taxonomy).labels
    words: dict[str, int] = {}
    pieces: dict[str, frozenset[int]] = {}
    parts: dict[str, frozenset[int]] = {}

    def piece_words(piece: str) -> frozenset[int]:
        found = pieces.get(piece)
        if found is None:
            found = pieces[piece] = frozenset(words.setdefault(word, len(words)) for word in tokens(piece))
        return found

    def part_words(part: str) -> frozenset[int]:
        found = parts.get(part)
        if found is None:
            found = parts[part] = frozenset().union(*map(piece_words, part.split()))
        return found

    rows = [frozenset().union(*map(part_words, _trainee_parts(t, labels))) for t in trainees]
    return TraineeWords(rows_matrix(rows, len(words)).T.tocsr(), words)


def held_terms(words: TraineeWords, terms: Sequence[str]) -> sparse.csr_matrix:
    """Return [term, trainee] 1 where the trainee's text has the term."""
    rows = np.array([words.words.get(term, -1) for term in terms], dtype=np.intp)
    has = rows >= 0
    picked = words.by_word[rows[has]]
    lengths = np.zeros(len(terms), dtype=np.int64)
    lengths[has] = np.diff(picked.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return sparse.csr_matrix((picked.data, picked.indices, indptr), shape=(len(terms), words.by_word.shape[1]))


def _row_l2_normalise(m: sparse.csr_matrix) -> None:
    """Divide each row by its Euclidean norm, in place (rows of zeros stay zero)."""
    lengths = np.diff(m.indptr)
    filled = lengths > 0  # reduceat needs each segment's start, and an empty row has none of its own
    norms = np.ones(len(lengths))
    if m.nnz:
        norms[filled] = np.sqrt(np.add.reduceat(m.data**2, m.indptr[:-1][filled]))
    m.data /= np.repeat(np.where(norms > 0, norms, 1.0), lengths)


def tfidf_matrices(
    vacancies: Sequence[Vacancy], trainees: Sequence[Trainee], taxonomy: Taxonomy
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, list[str]]:
    """Return the vacancies' squared TF-IDF weights (rows sum to 1), the trainees' terms (columns), the terms.

    Their product is the share of a vacancy's text weight that a trainee's profile covers, in [0, 1].
    Unlike a cosine, it never drops when a profile gains a word (a skill, a job title), and the
    weights depend on the vacancies only, so one trainee's profile never moves another's score.
    """
    found = vacancy_terms(vacancies, taxonomy)
    return found.weights, held_terms(trainee_words(trainees, taxonomy), found.terms), found.terms


@dataclass
class VacancyTerms:
    """The vacancies' side of the text component: their squared TF-IDF weights over the terms of their texts."""

    weights: sparse.csr_matrix  # [vacancy, term], each row summing to 1 (0 for a text without terms)
    terms: list[str]  # alphabetical


def vacancy_terms(vacancies: Sequence[Vacancy], taxonomy: Taxonomy) -> VacancyTerms:
    """Return the vacancies' squared TF-IDF weights and their terms (one empty term when no text has any).

    The weights are scikit-learn's `TfidfVectorizer(sublinear_tf=True)` (smooth idf, rows of unit
    length), computed here so that ranking does not import scikit-learn (seconds at start-up).
    """
    rules = text_rules(taxonomy)
    found: dict[str, int] = {}
    counts = _counts((_vacancy_text(v, rules) for v in vacancies), found, True, frozenset(french_stop_words()))
    if not found:  # no vacancy text has a word outside the stop words
        return VacancyTerms(sparse.csr_matrix((len(vacancies), 1)), [""])
    terms = sorted(found)
    alphabetical = np.empty(len(terms), dtype=np.int64)
    alphabetical[[found[t] for t in terms]] = np.arange(len(terms))
    counts = sparse.csr_matrix((counts.data, alphabetical[counts.indices], counts.indptr), shape=counts.shape)
    counts.sort_indices()
    documents = np.bincount(counts.indices, minlength=len(terms)) + 1.0
    idf = np.log((len(vacancies) + 1) / documents) + 1.0
    weights = counts.copy()
    weights.data = (np.log(weights.data) + 1.0) * idf[weights.indices]
    _row_l2_normalise(weights)
    return VacancyTerms(weights.multiply(weights).tocsr(), terms)
