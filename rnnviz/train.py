"""The one training loop: seed 004's sine task, step-able one epoch at a time, reporting progress records.

Two cells, each reading a window x_1 … x_T (B, T, 1) and predicting the next value ŷ (B,):
  elman  (PyTorch nn.RNN + Linear):  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),  ŷ = W_hy h_T + b_y
  concat (seed 004's i2h / i2o):     v_t = [x_t, h_{t-1}],  h_t = tanh(W_h v_t + b_h),  ŷ = W_o v_T + b_o
(concat reads the output from v_T, the concatenated input, as seed 004's code does.) Loss: MSE(ŷ, y).
Weights use PyTorch's shapes (W_hh is (H, H), acting on column vectors). Nothing here knows about display:
the page, the CLI (`python -m rnnviz.train`) and the tests all consume `Trainer.step` / `train`.
"""
import math
import time
import numpy as np
import torch
from torch import nn

from rnnviz.datasets import build_task
from rnnviz.decay import spectral_radius
from rnnviz.records import Divergence, EpochRecord  # noqa: F401 (re-exported: rnnviz.train.EpochRecord)
from rnnviz.train_config import TrainConfig

ADVICE = "lower the learning rate or turn clipping on"


class ElmanRNN(nn.Module):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),  ŷ = W_hy h_T + b_y."""

    def __init__(self, hidden):
        super().__init__()
        self.rnn = nn.RNN(1, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):  # x: (B, T, 1)
        hs, _ = self.rnn(x)  # (B, T, H)
        return self.out(hs[:, -1]).squeeze(-1)  # (B,)

    def W_hh(self):
        return self.rnn.weight_hh_l0  # (H, H)


class ConcatRNN(nn.Module):
    """v_t = [x_t, h_{t-1}],  h_t = tanh(W_h v_t + b_h),  ŷ = W_o v_T + b_o  (seed 004's i2h, i2o)."""

    def __init__(self, hidden):
        super().__init__()
        self.hidden = hidden
        self.i2h = nn.Linear(1 + hidden, hidden)
        self.i2o = nn.Linear(1 + hidden, 1)

    def forward(self, x):  # x: (B, T, 1)
        B, T, _ = x.shape
        h = x.new_zeros(B, self.hidden)  # h_0 = 0, (B, H)
        for t in range(T):
            v = torch.cat((x[:, t], h), 1)  # v_t = [x_t, h_{t-1}], (B, 1 + H)
            if t < T - 1:  # seed 004 also computes h_T, which ŷ never reads
                h = torch.tanh(self.i2h(v))  # (B, H)
        return self.i2o(v).squeeze(-1)  # ŷ = W_o v_T + b_o, (B,)

    def W_hh(self):
        return self.i2h.weight[:, 1:]  # the columns of W_h that act on h_{t-1}, (H, H)


def make_model(cell, hidden, generator):
    """A fresh model; every parameter ~ U(−1/√fan, 1/√fan), PyTorch's default init, drawn from `generator`."""
    model = {"elman": ElmanRNN, "concat": ConcatRNN}[cell](hidden)
    with torch.no_grad():
        for module in model.modules():
            fan = module.hidden_size if isinstance(module, nn.RNN) else getattr(module, "in_features", None)
            for p in module.parameters(recurse=False):
                bound = 1 / math.sqrt(fan)
                p.uniform_(-bound, bound, generator=generator)
    return model


class Trainer:
    """One run: `step()` trains one epoch and returns its EpochRecord; `done` once all epochs ran or it diverged."""

    def __init__(self, cfg: TrainConfig, task=None):
        self.cfg = cfg
        self.task = task or build_task(cfg.dataset, cfg.window, values=cfg.values, dt=cfg.dt,
                                       t_max=cfg.t_max, t_ext=cfg.t_ext, seed=cfg.seed)
        self.generator = torch.Generator().manual_seed(cfg.seed)  # init first, then batch order
        self.model = make_model(cfg.cell, cfg.hidden, self.generator)
        X = torch.tensor(self.task.X, dtype=torch.float32).unsqueeze(-1)  # (n, T, 1)
        y = torch.tensor(self.task.y, dtype=torch.float32)  # (n,)
        train_idx, val_idx = split_indices(len(y), cfg.val_fraction, cfg.split_seed)
        self.X_train, self.y_train = X[train_idx], y[train_idx]
        self.X_val, self.y_val = X[val_idx], y[val_idx]
        self.val_idx = np.array(val_idx)  # window i predicts series[i + T]
        self.params = list(self.model.parameters())
        optimizer = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[cfg.optimizer]
        self.optimizer = optimizer(self.params, lr=cfg.lr)
        self.epoch, self.seconds, self.divergence = 0, 0.0, None
        self.last_finite_loss = math.nan
        self._val_pred = None  # ŷ on X_val after the last epoch

    @property
    def done(self):
        return self.divergence is not None or self.epoch >= self.cfg.epochs

    def step(self):
        """Train one epoch over shuffled mini-batches, then score the validation windows."""
        start = time.perf_counter()
        self.epoch += 1
        losses, norms, clipped = self._run_batches()
        train_loss = sum(v * b for v, b in losses) / sum(b for _, b in losses) if losses else math.nan
        val_loss = math.nan if self.divergence else self._validate()
        rho = spectral_radius(self.model.W_hh().detach().numpy())  # > 1 can amplify, < 1 forgets
        self.seconds += time.perf_counter() - start
        return EpochRecord(self.epoch, train_loss, val_loss, tuple(norms), tuple(clipped), rho,
                           self.seconds, self.divergence)

    def _run_batches(self):
        cfg, n = self.cfg, len(self.y_train)
        order = torch.randperm(n, generator=self.generator)
        losses, norms, clipped = [], [], []
        for i, b in enumerate(range(0, n, cfg.batch_size), start=1):
            idx = order[b:b + cfg.batch_size]
            self.optimizer.zero_grad(set_to_none=True)
            loss = nn.functional.mse_loss(self.model(self.X_train[idx]), self.y_train[idx])
            value = loss.item()
            if not math.isfinite(value):
                self._diverge(i, f"the loss became {value}")
                break
            loss.backward()
            grads = [p.grad for p in self.params]
            norm = grad_norm(grads)
            g = norm.item()
            if not math.isfinite(g):
                self._diverge(i, f"the gradient norm became {g}")
                break
            if cfg.clip:
                clip_grads_(grads, cfg.max_norm, norm)
            self.optimizer.step()
            losses.append((value, len(idx)))  # (batch loss, batch size)
            norms.append(g)
            clipped.append(cfg.clip and g > cfg.max_norm)
            self.last_finite_loss = value
        return losses, norms, clipped

    def _diverge(self, step, what):
        clip_on = f"lower the learning rate or the clipping threshold θ (now {self.cfg.max_norm:g})"
        advice = clip_on if self.cfg.clip else ADVICE
        message = (f"Training diverged at epoch {self.epoch}, step {step}: {what}. The last finite loss was "
                   f"{self.last_finite_loss:.4g}. To fix it, {advice}.")
        self.divergence = Divergence(self.epoch, step, self.last_finite_loss, message)

    @torch.no_grad()
    def _validate(self):
        """MSE on the validation windows; keeps ŷ for val_predictions (one forward pass serves both)."""
        self._val_pred = self.model(self.X_val)  # (n_val,)
        return nn.functional.mse_loss(self._val_pred, self.y_val).item()

    @torch.no_grad()
    def mse(self, X, y):
        """Mean squared error of the current model on windows X (n, T, 1) against targets y (n,)."""
        return nn.functional.mse_loss(self.model(X), y).item()

    def val_predictions(self):
        """ŷ on the validation windows after the last epoch, in the series' own units, (n_val,)."""
        if self._val_pred is None:
            self._validate()
        return self._val_pred.double().numpy() * self.task.std + self.task.mean

    def state(self):
        """A copy of the weights, safe to read while training goes on."""
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def live(self, heavy):
        """What a live page draws besides the records, as numpy and bytes (they unpickle without torch):
        the validation windows' indices and, once trained, ŷ on them; with `heavy`, also the extrapolation
        over t_ext and the weights as torch.save bytes (the training pool asks for those at most once a second
        while playing, and whenever training stops)."""
        view = {"val_idx": self.val_idx, "val_pred": None}
        if self.epoch == 0:
            return view
        if self.divergence is None:
            view["val_pred"] = self.val_predictions()
        if heavy:
            from rnnviz.export import weights_bytes
            view["extrapolation"] = None if self.divergence else extrapolate(self.model, self.task, self.cfg.window)
            view["weights_pt"] = weights_bytes(self.model.state_dict())
        return view


def make_trainer(cfg):
    """The trainer of `cfg`: how the training pool (rnnviz.train_pool) builds a run from a picklable config.

    A trainer has `.step()` (one epoch → a picklable record), `.done`, and `.live(heavy)` (a dict to ship)."""
    return Trainer(cfg)


def grad_norm(grads):
    """‖g‖ = √(Σ_p ‖g_p‖²) over the torch parameters' .grad (rnnviz.global_norm is the same on numpy Grads).

    The ops of torch.nn.utils.get_total_norm on CPU without its grouping by device and dtype, which was half
    of clipping's cost here (43 → 22 µs a step, norm and clip together)."""
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))


@torch.no_grad()
def clip_grads_(grads, max_norm, norm):
    """g ← min(1, θ/(‖g‖ + 10⁻⁶))·g in place: exactly torch.nn.utils.clip_grad_norm_'s arithmetic."""
    torch._foreach_mul_(grads, torch.clamp(max_norm / (norm + 1e-6), max=1.0))


def split_indices(n, val_fraction, seed):
    """Seed 004's random 80/20 split: torch.utils.data.random_split with a generator seeded `seed`."""
    n_train = int(n * (1 - val_fraction))
    train, val = torch.utils.data.random_split(range(n), [n_train, n - n_train],
                                               generator=torch.Generator().manual_seed(seed))
    return list(train.indices), list(val.indices)


def extrapolate(model, task, window, steps=None):
    """Seed 004's autoregressive run: ŷ from the last T values, append it, slide the window, repeat.

    Every window starts from h_0 = 0 and all windows in flight read the same newest value, so the T of
    them advance together as one batch: one (T, H) step per prediction instead of T steps.
    Returns the predictions in the series' units, one per time of task.t_ext (or `steps` of them).
    """
    steps = len(task.t_ext) if steps is None else steps
    w_ih, W_hh, b, readout = _recurrence(model)
    T, H = window, W_hh.shape[0]
    hs = np.zeros((T, H))  # row j: hidden state of the window that has read j values (row 0 starts fresh)
    values, preds = list(task.z[-T:]), []
    for k in range(T - 1 + steps):
        z = values[k]
        hs_new = np.tanh(z * w_ih + b + hs @ W_hh.T)  # h_t = tanh(W_ih x_t + W_hh h_{t−1} + b), (T, H)
        if k >= T - 1:  # the oldest window has now read its T values: it predicts the next one
            preds.append(readout(z, hs[T - 1], hs_new[T - 1]))
            values.append(preds[-1])
        hs[1:], hs[0] = hs_new[:-1], 0.0
    return np.array(preds) * task.std + task.mean


def _recurrence(model):
    """The model as float64 arrays: w_ih (H,), W_hh (H, H), b (H,), and readout(x_T, h_{T−1}, h_T) → ŷ."""
    p = {k: v.detach().double().numpy() for k, v in model.state_dict().items()}
    if isinstance(model, ElmanRNN):
        W_hy, b_y = p["out.weight"][0], p["out.bias"][0]
        return (p["rnn.weight_ih_l0"][:, 0], p["rnn.weight_hh_l0"], p["rnn.bias_ih_l0"] + p["rnn.bias_hh_l0"],
                lambda x, h_prev, h: float(W_hy @ h + b_y))  # ŷ = W_hy h_T + b_y
    W_h, W_o, b_o = p["i2h.weight"], p["i2o.weight"][0], p["i2o.bias"][0]
    return (W_h[:, 0], W_h[:, 1:], p["i2h.bias"],
            lambda x, h_prev, h: float(W_o[0] * x + W_o[1:] @ h_prev + b_o))  # ŷ = W_o [x_T, h_{T−1}] + b_o


def extrapolation_mse(prediction, task):
    """MSE of the extrapolation against the true continuation, in standardised units (None if unknown)."""
    if task.truth_ext is None:
        return None
    return float(np.mean(((prediction - task.truth_ext) / task.std) ** 2))


def model_from_state(cfg, state):
    """A model of `cfg`'s cell holding the weights `state` (from Trainer.state)."""
    model = {"elman": ElmanRNN, "concat": ConcatRNN}[cfg.cell](cfg.hidden)
    model.load_state_dict(state)
    return model


def train(cfg: TrainConfig):
    """The training loop as a generator: one EpochRecord per epoch, stopping at cfg.epochs or divergence."""
    trainer = Trainer(cfg)
    while not trainer.done:
        yield trainer.step()


def summary(trainer):
    """The headline numbers of a run (what the CLI prints as JSON)."""
    pred = extrapolate(trainer.model, trainer.task, trainer.cfg.window)
    diverged = trainer.divergence is not None
    return {
        "train_mse": None if diverged else trainer.mse(trainer.X_train, trainer.y_train),
        "val_mse": None if diverged else trainer.mse(trainer.X_val, trainer.y_val),
        "extrapolation_mse": None if diverged else extrapolation_mse(pred, trainer.task),
        "epochs": trainer.epoch,
        "seconds": round(trainer.seconds, 4),
        "diverged": diverged,
        "message": trainer.divergence.message if diverged else None,
    }


if __name__ == "__main__":
    from rnnviz.train_cli import main
    raise SystemExit(main())
