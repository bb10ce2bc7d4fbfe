"""Text similarity between vacancies and trainee profiles (TF-IDF weighted term coverage)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from matching.models import Trainee, Vacancy
from matching.taxonomy import Taxonomy


@cache
def french_stop_words() -> tuple[str, ...]:
    """Return the folded French stop words shipped with the package."""
    text = resources.files("matching").joinpath("data", "stopwords_fr.txt").read_text("utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _skill_labels(codes: Sequence[str], taxonomy: Taxonomy) -> list[str]:
    labels = {s.code: s.fr for s in taxonomy.skills}
    return [labels.get(code, code) for code in codes]


def vacancy_text(vacancy: Vacancy, taxonomy: Taxonomy) -> str:
    """Return the text a vacancy is compared on: title, description and skills."""
    skills = _skill_labels([*vacancy.required_skills, *vacancy.preferred_skills], taxonomy)
    return " ".join([vacancy.title, vacancy.description or "", *skills])


def trainee_text(trainee: Trainee, taxonomy: Taxonomy) -> str:
    """Return the text a trainee is compared on: summary, skills and experience titles."""
    titles = [e.title for e in trainee.experience]
    return " ".join([trainee.summary or "", *_skill_labels(trainee.skills, taxonomy), *titles])


def tfidf_matrices(
    vacancies: Sequence[Vacancy], trainees: Sequence[Trainee], taxonomy: Taxonomy
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, list[str]]:
    """Return the vacancies' squared TF-IDF weights (rows sum to 1), the trainees' terms (columns), the terms.

    Their product is the share of a vacancy's text weight that a trainee's profile covers, in [0, 1].
    Unlike a cosine, it never drops when a profile gains a word (a skill, a job title), and the
    weights depend on the vacancies only, so one trainee's profile never moves another's score.
    """
    vacancy_docs = [vacancy_text(v, taxonomy) for v in vacancies]
    trainee_docs = [trainee_text(t, taxonomy) for t in trainees]
    vectorizer = TfidfVectorizer(
        strip_accents="unicode",
        lowercase=True,
        stop_words=list(french_stop_words()),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w\w+\b",
        dtype=np.float64,
    )
    try:
        weights = vectorizer.fit_transform(vacancy_docs).tocsr()
    except ValueError:  # no vacancy text has a word outside the stop words
        return sparse.csr_matrix((len(vacancy_docs), 1)), sparse.csr_matrix((1, len(trainee_docs))), [""]
    terms = CountVectorizer(
        vocabulary=vectorizer.vocabulary_,
        binary=True,
        strip_accents="unicode",
        lowercase=True,
        token_pattern=r"(?u)\b\w\w+\b",
        dtype=np.float64,
    )
    vocabulary = [str(t) for t in vectorizer.get_feature_names_out()]
    return weights.multiply(weights).tocsr(), terms.transform(trainee_docs).T.tocsr(), vocabulary
