"""nn.data: batching, seeded shuffling, splits, scaling, one-hot, offline data sets, IDX files."""
import gzip

import numpy as np
import pytest

from autograd import Tensor
from nn import data


def test_tensor_dataset_rows_and_length_check():
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6)
    ds = data.TensorDataset(X, Tensor(y))
    assert len(ds) == 6
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi, X[4])
    assert yi == 4
    with pytest.raises(ValueError, match=r"different lengths \[6, 5\]"):
        data.TensorDataset(X, y[:5])


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 1, False), (10, 3, False), (10, 3, True), (10, 10, False),
                                                      (10, 32, False)])
def test_loader_batches_cover_the_data_once(n, batch_size, drop_last):
    X, y = np.arange(n * 2.0).reshape(n, 2), np.arange(n)
    loader = data.DataLoader(data.TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert len(batches) == len(loader)
    assert all(isinstance(t, Tensor) for b in batches for t in b)
    sizes = [len(b[1]) for b in batches]
    expected = [batch_size] * (n // batch_size) + ([] if drop_last or n % batch_size == 0 else [n % batch_size])
    assert sizes == expected
    seen = np.concatenate([b[1].data for b in batches])
    np.testing.assert_array_equal(seen, np.arange(len(seen)))  # no shuffle: in order
    for xb, yb in batches:
        np.testing.assert_array_equal(xb.data, X[yb.data])


def test_shuffling_is_a_permutation_and_seeded():
    ds = data.TensorDataset(np.arange(50))

    def epochs(seed):
        loader = data.DataLoader(ds, batch_size=8, shuffle=True, seed=seed)
        return [np.concatenate([b[0].data for b in loader]) for _ in range(2)]

    a, b, c = epochs(3), epochs(3), epochs(4)
    for e in a:
        np.testing.assert_array_equal(np.sort(e), np.arange(50))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], a[1])  # a new order each epoch
    assert not np.array_equal(a[0], c[0])


def test_loader_over_a_plain_dataset_stacks_samples():
    class Squares(data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=np.float32), i

    (xb, yb), _ = list(data.DataLoader(Squares(), batch_size=3))
    np.testing.assert_array_equal(xb.data, [[0, 0], [1, 1], [2, 4]])
    np.testing.assert_array_equal(yb.data, [0, 1, 2])


def test_loader_rejects_a_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        data.DataLoader(data.TensorDataset(np.zeros(3)), batch_size=0)


def test_stratified_split_keeps_class_shares():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    X = np.arange(100)
    X_tr, X_te, y_tr, y_te = data.train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
    assert np.bincount(y_te).tolist() == [10, 6, 4]
    assert sorted(np.concatenate([X_tr, X_te]).tolist()) == list(range(100))
    np.testing.assert_array_equal(y[X_te], y_te)  # rows stay aligned
    again = data.train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
    np.testing.assert_array_equal(again[1], X_te)


@pytest.mark.parametrize("test_size", [0.0, 1.0, 100, -1, "a"])
def test_split_rejects_bad_sizes(test_size):
    with pytest.raises(ValueError, match="test_size"):
        data.train_test_split(np.arange(100), test_size=test_size)


def test_standard_scaler_matches_scikit_learn_and_uses_training_statistics():
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    rng = np.random.default_rng(0)
    X_tr, X_te = rng.normal(3, 2, (40, 3)), rng.normal(0, 1, (10, 3))
    X_tr[:, 2] = 5.0  # a constant feature is left unscaled, not divided by zero
    ours = data.StandardScaler().fit(X_tr)
    ref = preprocessing.StandardScaler().fit(X_tr)
    np.testing.assert_allclose(ours.transform(X_te), ref.transform(X_te))
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X_te)), X_te)
    with pytest.raises(ValueError, match=r"fitted on features of shape \(3,\)"):
        ours.transform(np.zeros((2, 4)))
    with pytest.raises(RuntimeError, match="call fit"):
        data.StandardScaler().transform(X_te)


def test_one_hot():
    out = data.to_categorical([2, 0, 1], 4)
    np.testing.assert_array_equal(out, np.eye(4)[[2, 0, 1]])
    assert data.one_hot(np.array([1, 1])).shape == (2, 2)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        data.one_hot([0, 3], 3)
    with pytest.raises(TypeError, match="integers"):
        data.one_hot([0.5])


@pytest.mark.parametrize("name, shape, n_classes", [("load_digits", (1797, 64), 10), ("load_iris", (150, 4), 3),
                                                     ("load_wine", (178, 13), 3), ("load_breast_cancer", (569, 30), 2)])
def test_bundled_classification_sets(name, shape, n_classes):
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = getattr(data, name)()
    assert X.shape == shape and X.dtype == np.float32 and y.dtype == np.int64
    assert len(np.unique(y)) == n_classes
    X_ref, _ = getattr(datasets, name)(return_X_y=True)
    np.testing.assert_allclose(X, X_ref, rtol=1e-6)


def test_digits_are_raw_pixel_values_and_diabetes_is_regression():
    pytest.importorskip("sklearn")
    X, _ = data.load_digits()
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    X, y = data.load_diabetes()
    assert X.shape == (442, 10) and y.dtype == np.float32


def test_missing_scikit_learn_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        data.load_iris()


def test_housing_is_synthetic_and_learnable_by_least_squares():
    X, y = data.make_housing(500)
    assert X.shape == (500, 8) and y.shape == (500,)
    A = np.c_[X, np.ones(len(X))]
    residual = y - A @ np.linalg.lstsq(A, y, rcond=None)[0]
    assert residual.var() < 0.8 * y.var()


@pytest.mark.parametrize("make, n_classes", [(data.make_moons, 2), (data.make_circles, 2), (data.make_spirals, 3),
                                             (data.make_blobs, 3), (data.make_xor, 2)])
def test_generators(make, n_classes):
    X, y = make(n_samples=60, seed=1)
    assert X.shape == (60, 2) and y.shape == (60,) and y.dtype == np.int64
    assert sorted(np.unique(y).tolist()) == list(range(n_classes))
    X2, _ = make(n_samples=60, seed=1)
    np.testing.assert_array_equal(X, X2)


def test_xor_truth_table_and_the_lessons_tables():
    X, y = data.make_xor()
    np.testing.assert_array_equal(y, (X[:, 0] != X[:, 1]).astype(int))
    x, y = data.make_linear()
    np.testing.assert_array_equal(y, 2 * x)
    X, y = data.exam_scores()
    assert X.shape == (5, 3) and y.shape == (5, 1)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip(tmp_path, dtype, suffix):
    a = (np.arange(2 * 3 * 4) % 100).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / f"a.idx{suffix}"
    data.write_idx(path, a)
    b = data.read_idx(path)
    assert b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


def test_idx_layout_is_big_endian_as_published(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1]))  # the MNIST label layout
    np.testing.assert_array_equal(data.read_idx(path), [7, 2, 1])
    path.write_bytes(bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 1, 2]))  # int16 258, big-endian
    assert data.read_idx(path).tolist() == [258]


@pytest.mark.parametrize("content, message", [
    (b"\x00\x00", "too short for an IDX header"),
    (b"\x01\x02\x08\x01\x00\x00\x00\x01\x05", "wrong magic number 0x01020801"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "wrong magic number"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated header"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", "is truncated: shape \\(5,\\)"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "longer than its header says"),
])
def test_idx_errors_name_the_file_and_the_problem(tmp_path, content, message):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as info:
        data.read_idx(path)
    assert "bad-idx1-ubyte" in str(info.value)
    gz = tmp_path / "bad.gz"
    gz.write_bytes(gzip.compress(content))
    with pytest.raises(ValueError, match=message):
        data.read_idx(gz)


def test_load_idx_dir(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (7, 4, 4), dtype=np.uint8)
    labels = rng.integers(0, 10, 7).astype(np.uint8)
    data.write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    data.write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels)
    data.write_idx(tmp_path / "t10k-images-idx3-ubyte", images[:3])
    data.write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:3])
    (X, y), (X_test, y_test) = data.load_idx_dir(tmp_path)
    assert X.shape == (7, 16) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(X_test, images[:3].reshape(3, 16))
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        data.load_idx_dir(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        data.load_idx_dir(tmp_path / "nope")
