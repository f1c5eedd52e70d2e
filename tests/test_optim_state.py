"""state_dict / load_state_dict: resuming training reproduces an uninterrupted run bit for bit."""
import numpy as np
import pytest

from autograd import Tensor, Value
from nn import optim
from nn.optim import lr_scheduler
from test_optim import INIT, X, Y, loss


def _train(params, opt, sched, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss(params).backward()
        opt.step()
        sched.step()


def _fresh(arrays, amsgrad=True):
    params = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    opt = optim.Adam([{"params": params[:2]}, {"params": params[2:], "lr": 0.005}], lr=0.01, amsgrad=amsgrad)
    return params, opt, lr_scheduler.ExponentialLR(opt, gamma=0.999)


def test_resume_is_bit_for_bit():
    params, opt, sched = _fresh(INIT)
    _train(params, opt, sched, 2000)

    first, opt1, sched1 = _fresh(INIT)
    _train(first, opt1, sched1, 1000)
    saved_params = [p.data.copy() for p in first]
    saved_opt, saved_sched = opt1.state_dict(), sched1.state_dict()
    _train(first, opt1, sched1, 5)  # later steps must not leak into what was saved

    resumed, opt2, sched2 = _fresh(saved_params)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    assert opt2.param_groups[1]["lr"] == pytest.approx(0.005 * 0.999**1000, rel=1e-12)
    _train(resumed, opt2, sched2, 1000)
    for p, q in zip(params, resumed):
        assert np.array_equal(p.data, q.data)
    assert sched2.get_last_lr() == sched.get_last_lr()

    # Without the optimizer's moments the same resume lands elsewhere, so the check above has teeth.
    cold, opt3, sched3 = _fresh(saved_params)
    sched3.load_state_dict(saved_sched)
    opt3.param_groups[0]["lr"], opt3.param_groups[1]["lr"] = sched3.get_last_lr()
    _train(cold, opt3, sched3, 1000)
    assert not np.array_equal(params[0].data, cold[0].data)


def test_state_dict_layout_and_copies():
    params, opt, _ = _fresh(INIT, amsgrad=False)
    opt.zero_grad()
    loss(params).backward()
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2, 3]]
    assert sorted(sd["state"]) == [0, 1, 2, 3]
    assert sd["state"][2]["step"] == 1 and set(sd["state"][2]) == {"step", "exp_avg", "exp_avg_sq"}
    sd["state"][0]["exp_avg"][...] = 123.0
    assert not np.any(opt.state[params[0]]["exp_avg"] == 123.0)


def test_state_dict_matches_torch_layout():
    torch = pytest.importorskip("torch")
    params, opt, _ = _fresh(INIT)
    tparams = [torch.tensor(a, requires_grad=True) for a in INIT]
    topt = torch.optim.Adam([{"params": tparams[:2]}, {"params": tparams[2:], "lr": 0.005}], lr=0.01, amsgrad=True)
    opt.zero_grad()
    loss(params).backward()
    opt.step()
    topt.zero_grad()
    loss(tparams, torch.tensor(X), torch.tensor(Y)).backward()
    topt.step()
    ours, theirs = opt.state_dict(), topt.state_dict()
    assert [g["params"] for g in ours["param_groups"]] == [g["params"] for g in theirs["param_groups"]]
    assert set(ours["state"][0]) == set(theirs["state"][0])
    for key in ("lr", "betas", "eps", "weight_decay", "amsgrad", "decoupled_weight_decay"):
        assert [g[key] for g in ours["param_groups"]] == [g[key] for g in theirs["param_groups"]]


def test_load_state_dict_rejects_a_mismatch():
    params, opt, _ = _fresh(INIT)
    opt.zero_grad()
    loss(params).backward()
    opt.step()
    sd = opt.state_dict()
    other = optim.Adam([Tensor(np.ones(3), requires_grad=True)])
    with pytest.raises(ValueError, match="2 parameter groups, this optimizer has 1"):
        other.load_state_dict(sd)
    swapped, opt2, _ = _fresh([INIT[2], INIT[3], INIT[0], INIT[1]])
    with pytest.raises(ValueError, match=r"state 'exp_avg' has shape \(3, 4\), its parameter has shape \(4, 2\)"):
        opt2.load_state_dict(sd)


def test_value_parameters_round_trip():
    def run(v, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            ((v - 3.0) ** 2).backward()
            opt.step()

    v = Value(0.0)
    opt = optim.RMSprop([v], lr=0.01, momentum=0.9, centered=True)
    run(v, opt, 20)
    w = Value(v.data)
    opt2 = optim.RMSprop([w], lr=0.01, momentum=0.9, centered=True)
    opt2.load_state_dict(opt.state_dict())
    run(v, opt, 20)
    run(w, opt2, 20)
    assert v.data == w.data and v.data != 0.0
