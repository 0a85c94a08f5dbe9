"""The three cells, each a forward step with its backward step beside it (PyTorch's equations and gate order).

    RNN   h_t = tanh(a_t),  a_t = W_xh x_t + W_hh h_{t−1} + b_h
    LSTM  i, f, o = σ(W_i· x_t + b_i· + W_h· h_{t−1} + b_h·),  g = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
          c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)                      state s_t = [h_t, c_t]
    GRU   r, z = σ(W_i· x_t + b_i· + W_h· h_{t−1} + b_h·),  n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn))
          h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
"""
import numpy as np

from .cell import Cell, _sums, sigmoid
from .forward import ForwardRun


class RNNCell(Cell):
    """The vanilla (Elman) cell. Its loops are the tuned vectorised ones below; step/back are the same maths."""

    name, W_in = "RNN", "W_xh"

    def inputs(self, p, x):
        return x @ p.W_xh.T + p.b_h                      # (T, H) W_xh x_t + b_h

    def step(self, p, u_t, h):
        h_t = np.tanh(u_t + p.W_hh @ h)                  # h_t = tanh(W_xh x_t + b_h + W_hh h_{t−1})
        return h_t, (h_t,)

    def back(self, p, cache, dh):
        (h_t,) = cache
        da = dh * (1.0 - h_t * h_t)                      # ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²), back through tanh
        return da @ p.W_hh, da, da                       # ∂L/∂h_{t−1} = W_hhᵀ ∂L/∂a_t

    def scan(self, p, x, h0):
        """Seed 004's concatenation, with a 1 for the bias: v_t = [h_{t−1}, x_t, 1] and W = [W_hh | W_xh | b_h],
        so a_t = W v_t is one product a step; everything outside the recurrence is done for all t at once."""
        T, I, H = x.shape[0], p.I, p.H
        v = np.empty((T + 1, H + I + 1))     # (T+1, H+I+1) row t = [h_t, x_{t+1}, 1]
        v[0, :H] = h0
        v[:T, H:H + I] = x
        v[:T, -1] = 1.0
        v[T, H:] = 0.0
        W_T = np.vstack([p.W_hh.T, p.W_xh.T, p.b_h])  # (H+I+1, H) = [W_hh | W_xh | b_h]ᵀ
        a = np.empty((T, H))                 # (T, H)
        dot, tanh = np.dot, np.tanh          # the loop's cost is its calls: bound once, output positional
        for v_t, a_t, h_t in zip(v, a, v[1:, :H]):  # the recurrence is the only part that must be a loop
            dot(v_t, W_T, a_t)               # a_t = W_hh h_{t−1} + W_xh x_t + b_h
            tanh(a_t, h_t)                   # h_t = tanh(a_t)
        hs = v[:, :H].copy()                 # (T+1, H) h_0 … h_T
        y = hs[1:] @ p.W_hy.T + p.b_y        # (T, O) y_t = W_hy h_t + b_y, all t at once
        for arr in (x, hs, a, y):
            arr.flags.writeable = False      # a run is a record: nothing downstream may edit it
        return ForwardRun(x=x, h0=h0, hs=hs, a=a, y=y, cache=(hs[1:],))

    def back_full(self, p, run, dh_out):
        """z_{t+1} = [∂L/∂a_{t+1}, W_hyᵀ ∂L/∂y_t] and W = [W_hh; I] make ∂L/∂h_t one product a step."""
        dtanh = run.dtanh
        T, H = dtanh.shape
        z = np.zeros((T + 1, 2 * H))         # (T+1, 2H) row t+1 = [∂L/∂a_{t+1}, W_hyᵀ ∂L/∂y_t]
        z[1:, H:] = dh_out                   # ∂L_t/∂h_t through y_t; ∂L/∂a_{T+1} = 0
        W = np.vstack([p.W_hh, np.eye(H)])   # (2H, H)
        dh = np.empty((T, H))
        dot, multiply = np.dot, np.multiply  # the loop's cost is its calls: bound once, output positional
        # t = T … 1, rows taken by zip (no per-step indexing): z_{t+1}, ∂L/∂h_t, 1 − h_t², and ∂L/∂a_t's slot
        for z_next, dh_t, dtanh_t, da_t in zip(z[:0:-1], dh[::-1], dtanh[::-1], z[-2::-1, :H]):
            dot(z_next, W, dh_t)             # ∂L/∂h_t = W_hhᵀ ∂L/∂a_{t+1} + W_hyᵀ ∂L/∂y_t
            multiply(dh_t, dtanh_t, da_t)    # ∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)
        da = z[:T, :H].copy()
        return dh, da, da

    def lagged(self, p, run, dh_out, k):
        """G_0[s] = ∂L_s/∂h_s, and G_{j+1}[s] = W_hhᵀ ((1 − h_{s+1}²) ⊙ G_j[s+1]): one more cell back."""
        G, dtanh = dh_out, run.dtanh
        for j in range(min(k, run.T)):
            yield G
            G = (dtanh[1:run.T - j] * G[1:]) @ p.W_hh  # (T−j−1, H) one cell further back

    def back_truncated(self, p, run, dh_out, k):
        dh = np.zeros((run.T, p.H))
        for j, G in enumerate(self.lagged(p, run, dh_out, k)):
            dh[: run.T - j] += G
        da = dh * run.dtanh
        return dh, da, da

    def jacobians(self, p, run):
        """J_t = diag(1 − h_t²) W_hh and K_t = diag(1 − h_t²) W_xh."""
        d = run.dtanh[:, :, None]
        return d * p.W_hh[None, :, :], d * p.W_xh[None, :, :]

    def recurrent_grads(self, x, h_prev, da_ih, da_hh, per_step):
        outer, total = _sums(per_step)
        return {"W_xh": outer(da_ih, x), "W_hh": outer(da_hh, h_prev), "b_h": total(da_ih)}


class LSTMCell(Cell):
    """The LSTM cell: the state s = [h, c]; c is carried by f ⊙ c_{t−1}, the "conveyor belt"."""

    name, gates, n_gates, has_c = "LSTM", ("i", "f", "g", "o"), 4, True

    def inputs(self, p, x):
        return x @ p.W_ih.T + (p.b_ih + p.b_hh)         # (T, 4H) both biases sit outside the recurrence

    def step(self, p, u_t, s):
        H = s.shape[0] // 2
        h, c = s[:H], s[H:]
        a = u_t + p.W_hh @ h                             # (4H,) a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
        z = sigmoid(a)                                   # i, f, o = σ(a_i), σ(a_f), σ(a_o)
        z[2 * H:3 * H] = np.tanh(a[2 * H:3 * H])         # g = tanh(a_g)
        i, f, g, o = z[:H], z[H:2 * H], z[2 * H:3 * H], z[3 * H:]
        c_t = f * c + i * g                              # c_t = f ⊙ c_{t−1} + i ⊙ g
        tc = np.tanh(c_t)
        return np.concatenate([o * tc, c_t]), (z, c, tc)  # h_t = o ⊙ tanh(c_t)

    def finish(self, p, cache):
        z, c_prev, tc = cache
        H = tc.shape[1]
        dz_da = z * (1.0 - z)                            # σ′ = σ(1 − σ) for i, f, o
        dz_da[:, 2 * H:3 * H] = 1.0 - z[:, 2 * H:3 * H] ** 2  # tanh′ = 1 − g² for g
        return z, c_prev, tc, dz_da, z[:, 3 * H:] * (1.0 - tc * tc)  # … and o ⊙ tanh′(c_t)

    def back(self, p, cache, ds):
        z, c_prev, tc, dz_da, o_dtc = cache
        H = tc.shape[-1]
        i, f, g = z[..., :H], z[..., H:2 * H], z[..., 2 * H:3 * H]
        dh, dc = ds[..., :H], ds[..., H:]
        dc = dc + dh * o_dtc                             # ∂L/∂c_t: from step t+1, and through h_t = o ⊙ tanh(c_t)
        dz = np.concatenate([dc * g, dc * c_prev, dc * i, dh * tc], axis=-1)  # ∂L/∂i, ∂L/∂f, ∂L/∂g, ∂L/∂o
        da = dz * dz_da                                  # back through σ and tanh: ∂L/∂a = ∂L/∂z ⊙ z′
        return np.concatenate([da @ p.W_hh, dc * f], axis=-1), da, da  # ∂L/∂h_{t−1} = W_hhᵀ ∂L/∂a, ∂L/∂c_{t−1} = f ⊙ ∂L/∂c_t

    def gate_values(self, p, cache):
        z, H = cache[0], p.H
        return {name: z[:, k * H:(k + 1) * H] for k, name in enumerate(self.gates)}


class GRUCell(Cell):
    """The GRU cell: z interpolates between the old state and the candidate n."""

    name, gates, n_gates = "GRU", ("r", "z", "n"), 3

    def step(self, p, u_t, h):
        H = h.shape[0]
        hh = p.W_hh @ h + p.b_hh                         # (3H,) [W_hr h + b_hr, W_hz h + b_hz, W_hn h + b_hn]
        rz = sigmoid(u_t[:2 * H] + hh[:2 * H])           # (2H,) [r, z]
        r, z = rz[:H], rz[H:]
        hn = hh[2 * H:]
        n = np.tanh(u_t[2 * H:] + r * hn)                # n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn))
        return n + z * (h - n), (h, rz, n, hn)           # h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}

    def finish(self, p, cache):
        h, rz, n, hn = cache
        H = h.shape[1]
        return h, rz, n, hn, rz * (1.0 - rz), (1.0 - rz[:, H:]) * (1.0 - n * n), h - n  # σ′, (1 − z) ⊙ tanh′(a_n)

    def back(self, p, cache, dh):
        h, rz, n, hn, drz, dn, h_n = cache
        H = h.shape[-1]
        da_n = dh * dn                                   # ∂L/∂a_n = ∂L/∂h_t ⊙ (1 − z) ⊙ (1 − n²)
        dr_dz = np.concatenate([da_n * hn, dh * h_n], axis=-1)  # ∂L/∂r = ∂L/∂a_n ⊙ (W_hn h + b_hn), ∂L/∂z = ∂L/∂h_t ⊙ (h − n)
        da_rz = dr_dz * drz                              # back through σ
        da_ih = np.concatenate([da_rz, da_n], axis=-1)
        da_hh = np.concatenate([da_rz, da_n * rz[..., :H]], axis=-1)  # W_hn h sits inside r ⊙ (·)
        return dh * rz[..., H:] + da_hh @ p.W_hh, da_ih, da_hh  # ∂L/∂h_{t−1} = z ⊙ ∂L/∂h_t + W_hhᵀ ∂L/∂a^hh

    def gate_values(self, p, cache):
        rz, n, H = cache[1], cache[2], p.H
        return {"r": rz[:, :H], "z": rz[:, H:], "n": n}


RNN_CELL, LSTM_CELL, GRU_CELL = RNNCell(), LSTMCell(), GRUCell()
