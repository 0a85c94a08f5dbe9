"""One cell abstraction: a cell gives a forward step and its backward step; the time loops are written once.

    step(p, u_t, s_{t−1}) → (s_t, cache_t)              u_t = W_ih x_t + b: the input's share, for all t at once
    back(p, cache_t, ∂L/∂s_t) → (∂L/∂s_{t−1}, ∂L/∂a_t^ih, ∂L/∂a_t^hh)

s is the state the cell carries: h, or [h, c] stacked for an LSTM. a^ih and a^hh are the pre-activations the
input and the recurrent weights feed (they differ only in the GRU's n gate), so ∂L/∂W_ih = Σ_t ∂L/∂a_t^ih x_tᵀ
and ∂L/∂W_hh = Σ_t ∂L/∂a_t^hh h_{t−1}ᵀ. A `back` is written on the last axis only, so the same code runs one
step at a time (the reverse loop) or on a batch of steps at once (truncation, Jacobians).
"""
import numpy as np

from .forward import ForwardRun


class Cell:
    """The time loops over any cell; a subclass writes step and back (and may replace a loop by a faster one)."""

    name = ""
    gates = ()      # gate names, in PyTorch's stacking order
    n_gates = 1     # rows of W_ih = n_gates · H
    has_c = False   # an LSTM carries c beside h
    W_in = "W_ih"   # the input weight's name in the params

    def state_size(self, H):
        return 2 * H if self.has_c else H

    def inputs(self, p, x):
        """(T, GH) u_t = W_ih x_t + b_ih for all t: the part of every step that needs no recurrence."""
        return x @ p.W_ih.T + p.b_ih

    def scan(self, p, x, s0):
        """The forward pass: s_t, cache_t = step(s_{t−1}) for t = 1 … T, then y_t = W_hy h_t + b_y."""
        T, H = x.shape[0], p.H
        ss = np.empty((T + 1, s0.shape[0]))              # (T+1, S) s_0 … s_T
        ss[0] = s0
        caches, step = [], self.step
        for u_t, s_prev, s_t in zip(self.inputs(p, x), ss, ss[1:]):
            s_t[:], cache_t = step(p, u_t, s_prev)
            caches.append(cache_t)
        cache = self.finish(p, tuple(np.array(c) for c in zip(*caches)))  # each (T, ·)
        return self.record(p, x, ss[:, :H], cache, cs=ss[:, H:] if self.has_c else None)

    def record(self, p, x, hs, cache, cs=None, a=None):
        """The run a finished loop gives: y_t = W_hy h_t + b_y for all t at once, and every array frozen
        (a run is a record: nothing downstream may edit it)."""
        y = hs[1:] @ p.W_hy.T + p.b_y                    # (T, O) y_t = W_hy h_t + b_y
        for arr in (x, hs, y, *cache, *(arr for arr in (cs, a) if arr is not None)):
            arr.flags.writeable = False
        return ForwardRun(x=x, h0=hs[0], hs=hs, a=a, y=y, cs=cs, gates=self.gate_values(p, cache), cache=cache)

    def finish(self, p, cache):
        """The cache the backward steps read: the steps' own, plus any derivative that needs no recurrence,
        computed for all t at once (each activation stored with its derivative, as TF Playground does)."""
        return cache

    def gate_values(self, p, cache):
        """{gate: (T, H)} what each gate let through at each step."""
        return {}

    def pre_activations(self, p, run):
        """{gate: (T, H)} a_t = W_i· x_t + b_i· + W_h· h_{t−1} + b_h·, what each gate's σ or tanh was applied to."""
        a = run.x @ p.W_ih.T + p.b_ih + run.hs[:-1] @ p.W_hh.T + p.b_hh  # (T, GH)
        return {g: a[:, k * p.H:(k + 1) * p.H] for k, g in enumerate(self.gates)}

    def back_full(self, p, run, ds_out):
        """Full BPTT, the reverse loop: ∂L/∂s_t = ∂L/∂s_t (through y_t) + ∂L/∂s_t (through step t+1)."""
        d_next, back = np.zeros(ds_out.shape[1]), self.back  # ∂L/∂s_T through step T+1: none
        ds, da_ih, da_hh = [], [], []
        for *cache_t, d_out in zip(*(c[::-1] for c in run.cache), ds_out[::-1]):  # t = T … 1
            ds_t = d_out + d_next                        # ∂L/∂s_t = output path + recurrent path
            d_next, da_ih_t, da_hh_t = back(p, cache_t, ds_t)
            ds.append(ds_t)
            da_ih.append(da_ih_t)
            da_hh.append(da_hh_t)
        return np.array(ds[::-1]), np.array(da_ih[::-1]), np.array(da_hh[::-1])  # (T, S), (T, GH), (T, GH)

    def lags(self, p, run, ds_out, k):
        """Yield (G_j, ∂a^ih, ∂a^hh) for j < k: G_j[t] = ∂L_{t+j}/∂s_t, the gradient of the loss j steps later,
        and what it gives step t's pre-activations; G_{j+1}[t] is G_j[t+1] taken back one cell."""
        G = ds_out                                       # (T, S) G_0[t] = ∂L_t/∂s_t through y_t
        for j in range(min(k, run.T)):
            d_prev, a_ih, a_hh = self.back(p, tuple(c[:run.T - j] for c in run.cache), G)
            yield G, a_ih, a_hh
            G = d_prev[1:]                               # (T−j−1, S) one cell further back

    def back_truncated(self, p, run, ds_out, k):
        """Truncated BPTT: ∂L/∂s_t = Σ_{j<k} ∂L_{t+j}/∂s_t, each loss reaching back at most k cells."""
        T, S = ds_out.shape
        ds, da_ih, da_hh = np.zeros((T, S)), np.zeros((T, self.n_gates * p.H)), np.zeros((T, self.n_gates * p.H))
        for j, (G, a_ih, a_hh) in enumerate(self.lags(p, run, ds_out, k)):
            ds[:T - j] += G
            da_ih[:T - j] += a_ih
            da_hh[:T - j] += a_hh
        return ds, da_ih, da_hh

    def lagged(self, p, run, ds_out, k):
        """Yield G_j (T−j, S) for j < k, G_j[t] = ∂L_{t+j}/∂s_t."""
        for G, _, _ in self.lags(p, run, ds_out, k):
            yield G

    def jacobians(self, p, run):
        """J (T, S, S) J_t = ∂s_t/∂s_{t−1}, and K (T, S, I) K_t = ∂s_t/∂x_t: `back` on every unit vector."""
        S = self.state_size(p.H)
        cache = tuple(c[:, None, :] for c in run.cache)  # (T, 1, ·): a batch of S rows per step
        J, a_ih, _ = self.back(p, cache, np.broadcast_to(np.eye(S), (run.T, S, S)))
        return J, a_ih @ getattr(p, self.W_in)                          # row i of back(e_i) is row i of J_t

    def recurrent_grads(self, x, h_prev, da_ih, da_hh, per_step):
        """{W_ih, W_hh, b_ih, b_hh}: Σ_t ∂L/∂a_t^ih x_tᵀ, Σ_t ∂L/∂a_t^hh h_{t−1}ᵀ, Σ_t ∂L/∂a_t^ih, Σ_t ∂L/∂a_t^hh
        (or each step's term, (T, *shape), when per_step)."""
        outer, total = _sums(per_step)
        return {"W_ih": outer(da_ih, x), "W_hh": outer(da_hh, h_prev), "b_ih": total(da_ih), "b_hh": total(da_hh)}


def _sums(per_step):
    """(outer, total): Σ_t a_t b_tᵀ and Σ_t a_t, or each step's term."""
    if per_step:
        return (lambda a, b: a[:, :, None] * b[:, None, :]), (lambda a: a.copy())
    return (lambda a, b: a.T @ b), (lambda a: a.sum(axis=0))


def sigmoid(a):
    """σ(a) = ½(1 + tanh(a/2)): the logistic function, with no overflow for large |a|."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)
