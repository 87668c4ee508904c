"""The crisis classifier's second head scales each n-gram by its naive-Bayes log-count
ratio (bot/crisis/naive_bayes_scaling.py)."""

import numpy as np
from scipy import sparse

from bot.crisis.naive_bayes_scaling import NaiveBayesScaling


def test_ngrams_of_one_class_lean_to_it_and_shared_ones_stay_near_zero():
    # columns: only in crisis messages, only in everyday ones, in both alike
    features = sparse.csr_matrix(np.array([[1.0, 0.0, 1.0],
                                           [2.0, 0.0, 1.0],
                                           [0.0, 1.0, 1.0],
                                           [0.0, 3.0, 1.0]]))
    labels = np.array([1, 1, 0, 0])
    scaling = NaiveBayesScaling().fit(features, labels)
    crisis_only, everyday_only, shared = scaling.ratio_
    assert crisis_only > 0.5 and everyday_only < -0.5 and abs(shared) < 1e-9
    # counts are binarised for the ratio, so 1 and 2 occurrences weigh the same
    assert np.isclose(crisis_only, -everyday_only)


def test_transform_multiplies_each_column_by_its_ratio():
    features = sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    scaling = NaiveBayesScaling(alpha=1.0).fit(features, np.array([1, 0]))
    scaled = scaling.transform(sparse.csr_matrix(np.array([[2.0, 3.0]]))).toarray()[0]
    assert np.allclose(scaled, [2.0 * scaling.ratio_[0], 3.0 * scaling.ratio_[1]])
    assert sparse.issparse(scaling.transform(features))
