"""The classic models against least squares and scikit-learn's answers, and the estimator protocol."""
import numpy as np
import pytest

from nn.models import LinearRegression, LogisticRegression, Perceptron, SoftmaxRegression

sklearn = pytest.importorskip("sklearn")
from sklearn import linear_model  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def regression_data(n_targets=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3))
    W = rng.normal(size=(3, n_targets or 1))
    y = X @ W + rng.normal(size=n_targets or 1) + 0.1 * rng.normal(size=(60, n_targets or 1))
    return X, (y[:, 0] if n_targets is None else y)


def iris(standardise=True):
    data = load_iris()
    X = StandardScaler().fit_transform(data.data) if standardise else data.data
    return X, data.target


@pytest.mark.parametrize("n_targets", [None, 2])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_reaches_least_squares(n_targets, fit_intercept):
    X, y = regression_data(n_targets)
    gd = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    exact = LinearRegression(fit_intercept=fit_intercept, closed_form=True).fit(X, y)
    reference = linear_model.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    for model, tol in ((gd, 1e-4), (exact, 1e-10)):  # 2000 steps of gradient descent leave ~1e-6
        np.testing.assert_allclose(model.coef_, reference.coef_, atol=tol)
        np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=tol)
        np.testing.assert_allclose(model.predict(X), reference.predict(X), atol=tol)
        assert model.score(X, y) == pytest.approx(reference.score(X, y), abs=tol)
    assert np.shape(gd.coef_) == np.shape(reference.coef_) and np.shape(gd.intercept_) == np.shape(reference.intercept_)


def test_linear_regression_lesson_line():
    """The lesson's three points on y = 2x with its settings (lr 0.01, 2000 epochs)."""
    model = LinearRegression().fit([[1.0], [2.0], [3.0]], [2.0, 4.0, 6.0])
    assert model.coef_[0] == pytest.approx(2, abs=0.01) and model.intercept_ == pytest.approx(0, abs=0.02)
    assert model.predict([[4.0]])[0] == pytest.approx(8, abs=0.02)


def test_logistic_regression_matches_sklearn():
    X, y = iris()
    y = np.where(y == 1, "versicolor", "other")  # not linearly separable: a unique optimum
    alpha = 0.01
    ours = LogisticRegression(alpha=alpha).fit(X, y)
    ref = linear_model.LogisticRegression(C=1 / (alpha * len(X)), tol=1e-10, max_iter=10_000).fit(X, y)
    assert list(ours.classes_) == list(ref.classes_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.score(X, y) == pytest.approx(ref.score(X, y))


def test_softmax_regression_matches_sklearn():
    X, y = iris()
    alpha = 0.01
    ours = SoftmaxRegression(lr=0.5, epochs=3000, alpha=alpha).fit(X, y)
    ref = linear_model.LogisticRegression(C=1 / (alpha * len(X)), tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    proba = ours.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    np.testing.assert_allclose(proba, ref.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_perceptron_iris_lesson():
    """Petal length and width, setosa or not: separable, so training ends without mistakes."""
    X, y = iris(standardise=False)
    X, y = X[:, 2:], (y == 0).astype(int)
    model = Perceptron(random_state=0).fit(X, y)
    assert model.errors_[-1] == 0 and model.n_iter_ < 1000 and model.score(X, y) == 1.0


@pytest.mark.parametrize("classes", ["binary", "three"])
def test_perceptron_follows_sklearn_update_rule(classes):
    X, y = iris(standardise=False)
    if classes == "binary":
        X, y = X[:, 2:], (y == 0).astype(int)
    ours = Perceptron(shuffle=False, max_iter=15).fit(X, y)
    ref = linear_model.Perceptron(shuffle=False, tol=None, max_iter=ours.n_iter_).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-12)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-12)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_perceptron_random_state_repeats():
    X, y = iris()
    a, b = Perceptron(random_state=3, max_iter=5).fit(X, y), Perceptron(random_state=3, max_iter=5).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


MODELS = [LinearRegression(epochs=200), LogisticRegression(epochs=50), SoftmaxRegression(epochs=50),
          Perceptron(max_iter=5, random_state=0)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_estimator_protocol(model):
    X, y = regression_data() if isinstance(model, LinearRegression) else iris()
    if isinstance(model, LogisticRegression):
        y = y == 0
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    assert copy.set_params(**model.get_params()) is copy
    assert copy.fit(X, y) is copy
    scores = cross_val_score(make_pipeline(StandardScaler(), clone(model)), X, y, cv=3)
    assert scores.shape == (3,) and np.all(np.isfinite(scores))
    with pytest.raises(ValueError, match="unknown parameter 'nope'"):
        model.set_params(nope=1)


BAD = [
    (lambda: LinearRegression().predict([[1.0]]), RuntimeError, "not fitted"),
    (lambda: LinearRegression(lr=-1).fit([[1.0], [2.0]], [1, 2]), ValueError, "lr must be a number > 0"),
    (lambda: LinearRegression(epochs=0).fit([[1.0], [2.0]], [1, 2]), ValueError, "epochs must be a positive"),
    (lambda: LinearRegression().fit([1.0, 2.0], [1, 2]), ValueError, r"X must be 2-D .* X.reshape\(-1, 1\)"),
    (lambda: LinearRegression().fit([[1.0], [2.0]], [1, 2, 3]), ValueError, "X has 2 samples but y has 3"),
    (lambda: LinearRegression().fit([[1.0], [np.nan]], [1, 2]), ValueError, "NaN or inf"),
    (lambda: LinearRegression(lr=10.0).fit([[1.0], [200.0]], [1, 2]), FloatingPointError, "lr=10.0 is too large"),
    (lambda: LinearRegression(epochs=5).fit([[1.0], [2.0]], [1, 2]).predict([[1.0, 2.0]]), ValueError,
     "X has 2 features, but the model was fitted with 1"),
    (lambda: LogisticRegression().fit([[1.0], [2.0], [3.0]], [0, 1, 2]), ValueError, "3 classes .* SoftmaxRegression"),
    (lambda: SoftmaxRegression().fit([[1.0], [2.0]], [1, 1]), ValueError, "single class"),
    (lambda: LogisticRegression(alpha=-1).fit([[1.0], [2.0]], [0, 1]), ValueError, "alpha must be"),
    (lambda: Perceptron(eta0=0).fit([[1.0], [2.0]], [0, 1]), ValueError, "eta0 must be a number > 0"),
    (lambda: Perceptron(max_iter=1.5).fit([[1.0], [2.0]], [0, 1]), ValueError, "max_iter must be a positive integer"),
]


@pytest.mark.filterwarnings("ignore:overflow encountered")  # the diverging run overflows before it is stopped
@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
