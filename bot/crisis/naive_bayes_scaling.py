"""Naive-Bayes feature scaling for a linear model over n-grams (Wang & Manning 2012, "NBSVM").

Each feature is multiplied by its log-count ratio: how much more often it occurs in crisis
messages than in everyday ones (binarised counts, smoothed by `alpha`). A logistic regression
on the scaled features leans on the n-grams that separate the two classes and less on the
frequent ones both share; it makes other mistakes than the plain model, and the crisis
classifier averages the two (bot/crisis/classifier.py).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin


class NaiveBayesScaling(TransformerMixin, BaseEstimator):
    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, features: sparse.spmatrix, labels: np.ndarray) -> NaiveBayesScaling:
        labels = np.asarray(labels)
        present = (features > 0).astype(np.float64)
        positive = self.alpha + np.asarray(present[labels == 1].sum(axis=0)).ravel()
        negative = self.alpha + np.asarray(present[labels == 0].sum(axis=0)).ravel()
        self.ratio_ = np.log((positive / positive.sum()) / (negative / negative.sum()))
        return self

    def transform(self, features: sparse.spmatrix) -> sparse.spmatrix:
        return sparse.csr_matrix(features @ sparse.diags(self.ratio_))
