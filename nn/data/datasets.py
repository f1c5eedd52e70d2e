"""Real data sets that ship inside an installed package, so nothing is ever downloaded.

`load_digits`, `load_iris`, `load_wine`, `load_breast_cancer` and `load_diabetes` read the copies
bundled with scikit-learn. California housing is not bundled there (scikit-learn downloads it),
so `load_california_housing` is not offered; `make_housing` generates a housing-like regression
set instead, named as synthetic. Each loader returns `(X, y)`: X float32, y int64 for
classification and float32 for regression.
"""
import numpy as np

__all__ = ["load_digits", "load_iris", "load_wine", "load_breast_cancer", "load_diabetes", "make_housing",
           "DATASETS"]


def _sklearn(name):
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(f"{name}: this data set ships with scikit-learn, which is not installed; "
                          f"install it with `pip install scikit-learn` (or `pip install chainrule[data]`)") from None
    X, y = getattr(datasets, name)(return_X_y=True)
    return np.asarray(X, dtype=np.float32), y


def load_digits():
    """8x8 images of handwritten digits: X (1797, 64) float32 with raw pixel values 0-16, y (1797,) int64 in 0-9."""
    X, y = _sklearn("load_digits")
    return X, y.astype(np.int64)


def load_iris():
    """Fisher's iris: X (150, 4) float32 (sepal/petal length and width, cm), y (150,) int64 in 0-2."""
    X, y = _sklearn("load_iris")
    return X, y.astype(np.int64)


def load_wine():
    """Wine cultivars: X (178, 13) float32 chemical measurements, y (178,) int64 in 0-2."""
    X, y = _sklearn("load_wine")
    return X, y.astype(np.int64)


def load_breast_cancer():
    """Wisconsin breast cancer: X (569, 30) float32, y (569,) int64 (0 malignant, 1 benign)."""
    X, y = _sklearn("load_breast_cancer")
    return X, y.astype(np.int64)


def load_diabetes():
    """Diabetes progression (regression): X (442, 10) float32 (standardised by scikit-learn), y (442,) float32."""
    X, y = _sklearn("load_diabetes")
    return X, y.astype(np.float32)


def make_housing(n_samples=2000, seed=0):
    """A synthetic housing-like regression set (not real data): 8 features in the spirit of
    California housing (income, house age, rooms, bedrooms, population, occupancy, latitude,
    longitude) and a price in units of $100,000 made from them plus noise. X (n, 8), y (n,) float32."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(1.2, 0.4, n_samples)
    age = rng.uniform(1, 52, n_samples)
    rooms = rng.normal(5.4, 1.0, n_samples).clip(1)
    bedrooms = (rooms * rng.normal(0.2, 0.02, n_samples)).clip(0.5)
    population = rng.lognormal(7.0, 0.7, n_samples)
    occupancy = rng.normal(3.0, 0.6, n_samples).clip(1)
    lat = rng.uniform(32.5, 42.0, n_samples)
    lon = rng.uniform(-124.3, -114.3, n_samples)
    coast = np.exp(-np.abs(lon + 122.0) / 2)  # prices rise towards the coast
    price = 0.4 * income + 0.005 * age + 0.05 * (rooms - bedrooms) + 1.2 * coast - 0.1 * occupancy
    price = (price + rng.normal(0, 0.3, n_samples)).clip(0.15, 5.0)
    X = np.stack([income, age, rooms, bedrooms, population, occupancy, lat, lon], 1).astype(np.float32)
    return X, price.astype(np.float32)


# Name -> (loader, task); the command line's `--dataset` choices come from here.
DATASETS = {
    "digits": (load_digits, "classification"),
    "iris": (load_iris, "classification"),
    "wine": (load_wine, "classification"),
    "breast-cancer": (load_breast_cancer, "classification"),
    "diabetes": (load_diabetes, "regression"),
    "housing": (make_housing, "regression"),
}
