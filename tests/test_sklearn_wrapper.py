"""nn.sklearn's Regressor and Classifier through clone, cross_val_score and RandomizedSearchCV."""
import importlib
import sys

import numpy as np
import pytest

import autograd
import nn
from nn.callbacks import Callback

pytest.importorskip("sklearn")
from scipy.stats import reciprocal  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV, cross_val_score  # noqa: E402

from nn.sklearn import Classifier, Regressor  # noqa: E402


def regression_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * np.sin(3 * X[:, 0])).astype(np.float32)
    return X, y


def iris():
    X, y = nn.data.load_iris()
    X = (X - X.mean(0)) / X.std(0)
    return X.astype(np.float32), np.array(["setosa", "versicolor", "virginica"])[y]


def build_model(n_hidden=1, n_neurons=16, learning_rate=3e-3, seed=0):
    autograd.manual_seed(seed)
    model = nn.MLP([4, *[n_neurons] * n_hidden, 1])
    model.compile("sgd", "mse", lr=learning_rate)
    return model


def build_classifier(n_neurons=16, loss="cross_entropy", n_out=3):
    autograd.manual_seed(0)
    model = nn.MLP([4, n_neurons, n_out], output_activation=nn.Softmax if loss == "categorical_crossentropy" else None)
    model.compile("adam", loss, lr=0.02)
    return model


def test_parameters_are_build_fn_arguments_and_fit_arguments():
    est = Regressor(build_model, epochs=3, n_neurons=8)
    params = est.get_params()
    assert params == {"build_fn": build_model, "n_hidden": 1, "n_neurons": 8, "learning_rate": 3e-3, "seed": 0,
                      "epochs": 3}
    copy = clone(est)
    assert copy.get_params() == params and copy is not est
    copy.set_params(n_hidden=2, batch_size=16)
    assert copy.n_hidden == 2 and copy.get_params()["batch_size"] == 16
    with pytest.raises(ValueError, match="unknown parameter 'n_layers'.*n_hidden"):
        est.set_params(n_layers=2)


def test_regressor_trains_the_same_model_as_fit_and_scores_r2():
    X, y = regression_data()
    est = Regressor(build_model, epochs=4, batch_size=16, seed=1).fit(X, y)
    direct = build_model(seed=1)
    direct.fit(X, y, epochs=4, batch_size=16, seed=1, verbose=0)
    np.testing.assert_allclose(est.predict(X), direct.predict(X)[:, 0], rtol=1e-6)
    assert est.predict(X).shape == (len(X),)
    assert est.score(X, y) == pytest.approx(r2_score(y, direct.predict(X)[:, 0]), rel=1e-6)
    assert len(est.history_.epoch) == 4 and est.n_features_in_ == 4


def test_a_float64_model_trains_in_float64():
    X, y = (a.astype(np.float64) for a in regression_data())

    def build():
        autograd.manual_seed(0)
        model = nn.MLP([4, 1], dtype=np.float64)
        model.compile("sgd", "mse", lr=0.05)
        return model

    est = Regressor(build, epochs=2, seed=0).fit(X, y)
    direct = build()
    direct.fit(X, y, epochs=2, seed=0, verbose=0)
    assert est.model_[0].weight.dtype == np.float64
    np.testing.assert_allclose(est.predict(X), direct.predict(X)[:, 0], rtol=1e-12)


def test_fit_arguments_pass_through():
    X, y = regression_data()
    epochs_seen = []
    record = Callback()
    record.on_epoch_end = lambda epoch, logs=None: epochs_seen.append(epoch)
    est = Regressor(build_model, epochs=3, validation_data=(X[:20], y[:20]), callbacks=[record]).fit(X, y)
    assert epochs_seen == [0, 1, 2] and "val_loss" in est.history_.history
    est.fit(X, y, epochs=1)  # fit's own keyword arguments win
    assert len(est.history_.epoch) == 1


def test_classifier_labels_probabilities_and_accuracy():
    X, y = iris()
    est = Classifier(build_classifier, epochs=15).fit(X, y)
    assert list(est.classes_) == ["setosa", "versicolor", "virginica"]
    proba = est.predict_proba(X)
    logits = est.model_.predict(X).astype(np.float64)
    softmax = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(proba, softmax, rtol=1e-6)
    assert est.score(X, y) == pytest.approx(accuracy_score(y, est.predict(X))) and est.score(X, y) > 0.85


@pytest.mark.parametrize("loss, n_out", [("categorical_crossentropy", 3), ("bce_with_logits", 1)])
def test_classifier_probabilities_follow_the_loss(loss, n_out):
    X, y = iris()
    if n_out == 1:
        y = y == "setosa"
    est = Classifier(build_classifier, loss=loss, n_out=n_out, epochs=10).fit(X, y)
    proba = est.predict_proba(X)
    out = est.model_.predict(X).astype(np.float64)
    expected = out if n_out == 3 else 1 / (1 + np.exp(-out[:, 0]))
    np.testing.assert_allclose(proba[:, -1], expected[:, -1] if n_out == 3 else expected, rtol=1e-6)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    assert est.score(X, y) > 0.8


def test_cross_val_score_and_negated_mse():
    X, y = iris()
    scores = cross_val_score(Classifier(build_classifier, epochs=5), X, y, cv=3)
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
    Xr, yr = regression_data()
    est = Regressor(build_model, epochs=2)
    neg_mse = cross_val_score(est, Xr, yr, cv=2, scoring="neg_mean_squared_error")
    first = clone(est).fit(Xr[60:], yr[60:])
    assert neg_mse[0] == pytest.approx(-mean_squared_error(yr[:60], first.predict(Xr[:60])), rel=1e-5)


def test_randomized_search_as_in_the_lesson():
    X, y = regression_data()
    grid = {"n_hidden": [0, 1, 2], "n_neurons": range(1, 30), "learning_rate": reciprocal(3e-4, 3e-2)}
    search = RandomizedSearchCV(Regressor(build_model, epochs=3), grid, n_iter=3, cv=2, random_state=0).fit(X, y)
    assert set(search.best_params_) == {"n_hidden", "n_neurons", "learning_rate"}
    assert search.best_score_ == pytest.approx(np.max(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    assert best.n_hidden == search.best_params_["n_hidden"] and hasattr(best, "model_")
    n_linear = sum(isinstance(m, nn.Linear) for m in best.model_.modules())
    assert n_linear == best.n_hidden + 1


BAD = [
    (lambda: Regressor(lambda: nn.MLP([4, 1]), epochs=1).fit(*regression_data()), ValueError, "not compiled"),
    (lambda: Regressor(lambda: "model").fit(*regression_data()), TypeError, "must return an nn.Module"),
    (lambda: Regressor("model").fit(*regression_data()), TypeError, "build_fn must be a function"),
    (lambda: Regressor(build_model, n_layers=2).fit(*regression_data()), ValueError,
     "'n_layers' is neither an argument of build_model"),
    (lambda: Regressor(build_model).predict(np.zeros((2, 4))), RuntimeError, "not fitted yet"),
    (lambda: Regressor(build_model).fit(np.zeros(4), np.zeros(4)), ValueError, "X must be 2-D"),
    (lambda: Classifier(build_classifier).fit(np.zeros((4, 4)), np.zeros((4, 2))), ValueError, "one label per sample"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_without_sklearn_the_error_says_what_to_install(monkeypatch):
    for name in ("sklearn", "sklearn.base"):
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "nn.sklearn")
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        importlib.import_module("nn.sklearn")
