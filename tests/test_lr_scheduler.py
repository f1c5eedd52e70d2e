"""Learning-rate schedules: per-step rates equal PyTorch's and the closed forms."""
import math

import numpy as np
import pytest

from autograd import Tensor
from nn import optim
from nn.optim import lr_scheduler

# Each builds the schedulers (several are chained) for an optimizer, given a lr_scheduler module.
SCHEDULES = {
    "step": lambda m, o: [m.StepLR(o, step_size=7, gamma=0.5)],
    "exponential": lambda m, o: [m.ExponentialLR(o, gamma=0.95)],
    "cosine": lambda m, o: [m.CosineAnnealingLR(o, T_max=10, eta_min=0.001)],
    "cosine-long": lambda m, o: [m.CosineAnnealingLR(o, T_max=25)],
    "lambda": lambda m, o: [m.LambdaLR(o, lambda e: 1 / (1 + 0.3 * e))],
    "lambda-per-group": lambda m, o: [m.LambdaLR(o, [lambda e: 0.9**e, lambda e: 1 + math.sin(e)])],
    "step+exponential": lambda m, o: [m.StepLR(o, step_size=5, gamma=0.1), m.ExponentialLR(o, gamma=0.9)],
}
# A loss that improves, stalls with small wiggles, improves again, then stalls.
METRICS = [1 / (1 + e) for e in range(10)] + [0.1 + 0.001 * (e % 3) for e in range(20)] + \
    [0.05 / (1 + e) for e in range(10)] + [0.01] * 20
PLATEAUS = {
    "min": dict(),
    "min-patience-cooldown": dict(patience=2, cooldown=3, factor=0.5),
    "min-abs": dict(patience=1, threshold=0.0005, threshold_mode="abs", min_lr=[0.02, 1e-4]),
    "max": dict(mode="max", patience=3, factor=0.3),
}


def _optimizer(module, params):
    return module.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.3}], lr=0.1, momentum=0.9)


def _rates(make, steps=60):
    opt = _optimizer(optim, [Tensor(np.zeros(2), requires_grad=True) for _ in range(2)])
    scheds = make(lr_scheduler, opt)
    rates = [scheds[-1].get_last_lr()]
    for _ in range(steps):
        opt.step()
        for s in scheds:
            s.step()
        rates.append(scheds[-1].get_last_lr())
        assert rates[-1] == [g["lr"] for g in opt.param_groups]
    return rates


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule_equals_torch(name):
    torch = pytest.importorskip("torch")
    opt = _optimizer(torch.optim, [torch.zeros(2, requires_grad=True) for _ in range(2)])
    scheds = SCHEDULES[name](torch.optim.lr_scheduler, opt)
    expected = [scheds[-1].get_last_lr()]
    for _ in range(60):
        opt.step()
        for s in scheds:
            s.step()
        expected.append(scheds[-1].get_last_lr())
    np.testing.assert_allclose(_rates(SCHEDULES[name]), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", PLATEAUS)
def test_plateau_equals_torch(name):
    torch = pytest.importorskip("torch")
    opt = _optimizer(torch.optim, [torch.zeros(2, requires_grad=True) for _ in range(2)])
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **PLATEAUS[name])
    expected = []
    for m in METRICS:
        opt.step()
        sched.step(m)
        expected.append(sched.get_last_lr())
    got = _plateau_rates(PLATEAUS[name])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert got[-1] != got[0]


def _plateau_rates(kwargs):
    opt = _optimizer(optim, [Tensor(np.zeros(2), requires_grad=True) for _ in range(2)])
    sched = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    rates = []
    for m in METRICS:
        opt.step()
        sched.step(Tensor(np.array(m)))  # a one-element tensor is accepted, as a loss would be
        rates.append(sched.get_last_lr())
    return rates


def test_closed_forms():
    base = np.array([0.1, 0.3])
    steps = np.arange(61)
    step_lr = np.array(_rates(SCHEDULES["step"]))
    np.testing.assert_allclose(step_lr, base * 0.5 ** (steps // 7)[:, None], rtol=1e-12)
    np.testing.assert_allclose(_rates(SCHEDULES["exponential"]), base * 0.95 ** steps[:, None], rtol=1e-10)
    cosine = np.array(_rates(SCHEDULES["cosine-long"]))[:26]
    closed = base * (1 + np.cos(np.pi * steps[:26] / 25))[:, None] / 2
    np.testing.assert_allclose(cosine, closed, rtol=1e-9, atol=1e-15)
    # Past T_max the cosine climbs back to the base rate at 2 T_max.
    np.testing.assert_allclose(_rates(SCHEDULES["cosine"])[20], base, rtol=1e-9)
    np.testing.assert_allclose(_rates(SCHEDULES["lambda"]), base / (1 + 0.3 * steps[:, None]), rtol=1e-12)


def test_plateau_by_hand():
    # patience 2, cooldown 3, factor 0.5: the metric stops improving after epoch 10 (index 9);
    # epochs 11, 12, 13 are bad, the third exceeds patience -> halve at epoch 13, then three
    # cooldown epochs, then three more bad epochs -> halve again at epoch 19.
    rates = np.array(_plateau_rates(PLATEAUS["min-patience-cooldown"]))[:, 0]
    assert list(np.flatnonzero(np.diff(rates)) + 1)[:2] == [12, 18]
    np.testing.assert_allclose(rates[[11, 12, 18]], [0.1, 0.05, 0.025])


def test_state_dict_and_resume():
    opt = _optimizer(optim, [Tensor(np.zeros(2), requires_grad=True) for _ in range(2)])
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        sched.step()
    sd, opt_sd = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 4
    opt2 = _optimizer(optim, [Tensor(np.zeros(2), requires_grad=True) for _ in range(2)])
    opt2.load_state_dict(opt_sd)
    sched2 = lr_scheduler.CosineAnnealingLR(opt2, T_max=10, last_epoch=3)
    sched2.load_state_dict(sd)
    for _ in range(10):
        sched.step()
        sched2.step()
        assert sched.get_last_lr() == sched2.get_last_lr()


def test_bad_arguments():
    opt = _optimizer(optim, [Tensor(np.zeros(2), requires_grad=True) for _ in range(2)])
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive integer"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(ValueError, match="factor must be in"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max', got 'mean'"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="mean")
    with pytest.raises(TypeError, match="expected an Optimizer, got list"):
        lr_scheduler.ExponentialLR([], gamma=0.9)
    with pytest.raises(KeyError, match="no 'initial_lr'"):
        lr_scheduler.ExponentialLR(opt, gamma=0.9, last_epoch=5)
