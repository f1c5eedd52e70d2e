"""`chainrule train` and `chainrule evaluate RUN_DIR`: the library's main job.

With no options, `train` fits the lessons' first network (dense 512 ReLU, softmax output through
the cross-entropy loss, RMSprop) to the offline digits set with a stratified
train/validation/test split and standardised pixels, then writes a run directory
`runs/<timestamp>/` with the learning curves (PNG), the history (JSON), the model (`nn.save`
format), the graph of one training step (SVG) and the run's settings and test figures.
`evaluate` rebuilds the same test set from those settings and reports the same figures.
"""
import argparse
import contextlib
import json
import time
from pathlib import Path

import numpy as np

import autograd
import nn
from nn.activations import ACTIVATIONS
from nn.data import DATASETS, StandardScaler, load_idx_dir, train_test_split
from nn.data import generators
from nn.training import OPTIMIZERS

from . import train_cnn
from .cli import UsageError, positive_int

# Generated data sets: name -> function(seed) returning (X, y).
GENERATED = {
    "moons": lambda seed: generators.make_moons(1000, noise=0.2, seed=seed),
    "circles": lambda seed: generators.make_circles(1000, noise=0.1, seed=seed),
    "spirals": lambda seed: generators.make_spirals(900, n_classes=3, noise=0.2, seed=seed),
    "blobs": lambda seed: generators.make_blobs(600, centers=4, seed=seed),
    "xor": lambda seed: generators.make_xor(800, noise=0.15, seed=seed),
}
DATASET_NAMES = sorted(DATASETS) + sorted(GENERATED) + ["idx:<dir>"]
TEST_SIZE, VAL_SIZE = 0.2, 0.1


def _dataset(value):
    if value in DATASETS or value in GENERATED or (value.startswith("idx:") and len(value) > 4):
        return value
    raise argparse.ArgumentTypeError(f"unknown dataset {value!r}; choose one of {', '.join(DATASET_NAMES)}")


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def register(sub):
    p = sub.add_parser("train", help="train a dense network on an offline data set (default: digits, dense 512, "
                       "RMSprop)", description=__doc__.split("\n\n")[1])
    p.add_argument("--dataset", type=_dataset, default="digits", metavar="NAME",
                   help=f"one of {', '.join(DATASET_NAMES)} (default digits)")
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp", help="mlp: the dense network (default); "
                   "cnn: AlexNetSmall with SGD momentum 0.9, weight decay, shift augmentation (see train_cnn.py)")
    p.add_argument("--hidden", type=positive_int, nargs="+", default=[512], metavar="N",
                   help="hidden layer sizes (default 512)")
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu", help="hidden activation (default relu)")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="rmsprop", help="default rmsprop")
    p.add_argument("--lr", type=_positive_float, default=None, help="learning rate (default: the optimizer's, "
                   "0.001 for rmsprop)")
    p.add_argument("--epochs", type=positive_int, default=None, help="default 20 (cnn: 50)")
    p.add_argument("--batch-size", type=positive_int, default=32, help="default 32")
    p.add_argument("--seed", type=int, default=0, help="seed of the split, the initial weights and the shuffling")
    p.add_argument("--out", default="runs", help="directory of the run directories (default runs)")
    p.add_argument("--quiet", action="store_true", help="print only the final figures")
    p.add_argument("--tensorboard", action="store_true", help="also write TensorBoard logs into the run's "
                   "tensorboard/ (needs tensorboardX; view them with: tensorboard --logdir runs)")
    p.set_defaults(func=train_main)

    e = sub.add_parser("evaluate", help="reload a run's model and print its test figures")
    e.add_argument("run_dir", metavar="RUN_DIR", help="a directory written by `chainrule train`")
    e.set_defaults(func=evaluate_main)


def load_split(dataset, seed):
    """(task, {"train": (X, y), "val": ..., "test": ...}) with raw features, split by `seed`."""
    if dataset.startswith("idx:"):
        directory = dataset[4:]
        if not Path(directory).is_dir():
            raise UsageError(f"the IDX directory {directory!r} does not exist")
        try:
            (X, y), test = load_idx_dir(directory)
        except (OSError, ValueError) as e:
            raise UsageError(str(e)) from None
        task = "classification"
    else:
        if dataset in GENERATED:
            X, y = GENERATED[dataset](seed)
            task = "classification"
        else:
            loader, task = DATASETS[dataset]
            try:
                X, y = loader()
            except ImportError as e:
                raise UsageError(str(e)) from None
        stratify = y if task == "classification" else None
        X, X_test, y, y_test = train_test_split(X, y, test_size=TEST_SIZE, seed=seed, stratify=stratify)
        test = (X_test, y_test)
    stratify = y if task == "classification" else None
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=VAL_SIZE, seed=seed, stratify=stratify)
    return task, {"train": (X_train, y_train), "val": (X_val, y_val), "test": test}


def prepare(task, split, scalers=None):
    """Standardise features (and regression targets) with scalers fitted on the training part."""
    if scalers is None:
        scalers = {"x": StandardScaler().fit(split["train"][0].astype(np.float64))}
        if task == "regression":
            scalers["y"] = StandardScaler().fit(split["train"][1].astype(np.float64)[:, None])
    out = {}
    for part, (X, y) in split.items():
        X = scalers["x"].transform(X.astype(np.float64)).astype(np.float32)
        if task == "regression":
            y = scalers["y"].transform(y.astype(np.float64)[:, None]).astype(np.float32)
        out[part] = (X, y)
    return out, scalers


def test_figures(model, task, data, scalers):
    """The figures printed at the end of `train` and by `evaluate`."""
    X, y = data["test"]
    if task == "classification":
        pred = model.predict(X).argmax(1)
        return {"test_accuracy": float(np.mean(pred == y)), "test_samples": int(len(y))}
    pred = scalers["y"].inverse_transform(model.predict(X).astype(np.float64))
    true = scalers["y"].inverse_transform(y.astype(np.float64))
    return {"test_mae": nn.metrics.mean_absolute_error(pred, true), "test_r2": nn.metrics.r2_score(pred, true),
            "test_samples": int(len(y))}


def _report(figures):
    if "test_accuracy" in figures:
        n = figures["test_samples"]
        return f"test accuracy {figures['test_accuracy']:.4f} ({round(figures['test_accuracy'] * n)}/{n})"
    return f"test MAE {figures['test_mae']:.4f}, test R² {figures['test_r2']:.4f} ({figures['test_samples']} samples)"


def _run_dir(out):
    base = Path(out) / time.strftime("%Y%m%d-%H%M%S")
    path, i = base, 1
    while path.exists():
        path, i = Path(f"{base}-{i}"), i + 1
    path.mkdir(parents=True)
    return path


def _draw_model_graph(model, task, data, run):
    """The graph of one sample's loss, as SVG; as DOT when no Graphviz renderer is found."""
    X, y = data["train"]
    model.train()
    out = model(autograd.Tensor(X[:1]))
    loss = nn.functional.cross_entropy(out, y[:1]) if task == "classification" else nn.functional.mse_loss(out, y[:1])
    graph = autograd.draw_graph(loss, names=dict(model.named_parameters()), title="one training sample's loss")
    if autograd.viz.find_renderer() is None:
        path = graph.save(run / "model_graph.dot")
        return path, "no Graphviz renderer found (pip install graphviz-pure), so the graph is written as DOT"
    return graph.save(run / "model_graph.svg"), None


def _one_blas_thread():
    """Products of this size (32 x 64 by 64 x 512) gain nothing from BLAS threads, and on a busy
    machine the threads' waiting makes each product several times slower (measured: 22 s -> 5.6 s
    for the default run on two loaded cores)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def _with_tensorboard(args, callbacks):
    """With --tensorboard the run directory is made before training, so that the TensorBoard
    callback writes into it (run/tensorboard); returns (that run or None, the callbacks)."""
    if not args.tensorboard:
        return None, callbacks
    try:
        board = nn.callbacks.TensorBoard()
    except ImportError as e:
        raise UsageError(str(e)) from None
    run = _run_dir(args.out)
    board.log_dir = str(run / "tensorboard")
    return run, [*(callbacks or []), board]


def train_main(args):
    say = (lambda *a: None) if args.quiet else print
    task, split = load_split(args.dataset, args.seed)
    cnn = args.model == "cnn"
    data, scalers = prepare(task, split, {"x": train_cnn.pixel_scaler(split["train"][0])} if cnn else None)
    X_train, y_train = data["train"]
    n_out = int(y_train.max()) + 1 if task == "classification" else 1
    autograd.manual_seed(args.seed)
    saved, callbacks = None, None
    args.epochs = args.epochs or (train_cnn.DEFAULTS["epochs"] if cnn else 20)
    if cnn:
        args.lr = args.lr or train_cnn.DEFAULTS["lr"]
        model, saved, optimizer, callbacks = train_cnn.build(X_train, n_out, args)
        model.compile(optimizer, "cross_entropy", metrics=["accuracy"])
    else:
        model = nn.MLP([X_train.shape[1], *args.hidden, n_out], activation=args.activation)
        model.compile(args.optimizer, "cross_entropy" if task == "classification" else "mse",
                      metrics=["accuracy"] if task == "classification" else ["mae", "r2"], lr=args.lr)
    say(f"{args.dataset}: {len(X_train)} training, {len(data['val'][0])} validation, {len(data['test'][0])} test "
        f"samples; model " + (train_cnn.describe(saved, args) if cnn else
        f"{' -> '.join(map(str, [X_train.shape[1], *args.hidden, n_out]))} "
        f"({model.num_parameters():,} parameters), {args.activation}, {args.optimizer}") + ", "
        f"{'cross-entropy (softmax)' if task == 'classification' else 'MSE'}")
    run, callbacks = _with_tensorboard(args, callbacks)
    start = time.perf_counter()
    with _one_blas_thread():
        history = model.fit(X_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
                            validation_data=data["val"], verbose=0 if args.quiet else 1, seed=args.seed,
                            callbacks=callbacks)
        seconds = time.perf_counter() - start
        figures = test_figures(model, task, data, scalers)

    run = run or _run_dir(args.out)
    nn.save(saved or model, run / "model.npz")
    pictures = train_cnn.save_pictures(saved, data, run) if cnn else []
    (run / "history.json").write_text(json.dumps({"epoch": history.epoch, **history.history}, indent=1))
    history.plot(run / "learning_curves.png")
    graph_path, note = _draw_model_graph(model, task, data, run)
    settings = {k: v for k, v in vars(args).items() if k != "func"}
    config = {"settings": settings, "task": task, "train_seconds": round(seconds, 2), **figures,
              "scalers": {k: {n: np.asarray(a).tolist() for n, a in s.state_dict().items()} for k, s in scalers.items()}}
    (run / "config.json").write_text(json.dumps(config, indent=1))
    say(f"trained {len(history.epoch)} epochs in {seconds:.1f} s")
    print(_report(figures))
    say(f"run saved in {run}/: model.npz, history.json, learning_curves.png, {graph_path.name}, config.json"
        + "".join(f", {p}" for p in pictures))
    if note:
        say(f"note: {note}")
    if args.tensorboard:
        say(f"TensorBoard logs in {run / 'tensorboard'}; view them with: tensorboard --logdir {args.out}")
    return 0


def evaluate_main(args):
    run = Path(args.run_dir)
    if not (run / "config.json").is_file() or not (run / "model.npz").is_file():
        raise UsageError(f"{str(run)!r} is not a run directory (config.json and model.npz are missing)")
    config = json.loads((run / "config.json").read_text())
    settings = config["settings"]
    task, split = load_split(settings["dataset"], settings["seed"])
    scalers = {k: StandardScaler().load_state_dict(v) for k, v in config["scalers"].items()}
    data, _ = prepare(task, split, scalers)
    model = nn.load(run / "model.npz")
    print(_report(test_figures(model, task, data, scalers)))
    return 0
