"""The three cells, each a forward step with its backward step beside it (PyTorch's equations and gate order).

    RNN   h_t = tanh(a_t),  a_t = W_xh x_t + W_hh h_{t−1} + b_h
    LSTM  i, f, o = σ(W_i· x_t + b_i· + W_h· h_{t−1} + b_h·),  g = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
          c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)                      state s_t = [h_t, c_t]
    GRU   r, z = σ(W_i· x_t + b_i· + W_h· h_{t−1} + b_h·),  n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn))
          h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
"""
from functools import lru_cache

import numpy as np

from .cell import Cell, _sums, sigmoid


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
        return self.record(p, x, hs, (hs[1:],), a=a)

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

    @staticmethod
    @lru_cache(maxsize=64)
    def _halves(H):
        """(m, b) with m ⊙ tanh(m ⊙ a) + b = [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)], as σ(a) = ½ + ½ tanh(a/2):
        all four gates in one tanh (halving is exact in floating point)."""
        m, b = np.full(4 * H, 0.5), np.full(4 * H, 0.5)
        m[2 * H:3 * H], b[2 * H:3 * H] = 1.0, 0.0
        m.flags.writeable = b.flags.writeable = False
        return m, b

    def step(self, p, u_t, s):
        H = s.shape[0] // 2
        h, c = s[:H], s[H:]
        m, b = self._halves(H)
        a = u_t + p.W_hh @ h                             # (4H,) a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
        z = m * np.tanh(m * a) + b                       # i, f, o = σ(a_i), σ(a_f), σ(a_o); g = tanh(a_g)
        i, f, g, o = z[:H], z[H:2 * H], z[2 * H:3 * H], z[3 * H:]
        c_t = f * c + i * g                              # c_t = f ⊙ c_{t−1} + i ⊙ g
        tc = np.tanh(c_t)
        return np.concatenate([o * tc, c_t]), (z, c, tc)  # h_t = o ⊙ tanh(c_t)

    def finish(self, p, cache):
        """Each step's ∂a/∂c_t and ∂a/∂h_t factors: the backward step is then two products and a matmul."""
        z, c_prev, tc = cache
        H = tc.shape[1]
        dz_da = z * (1.0 - z)                            # σ′ = σ(1 − σ) for i, f, o
        dz_da[:, 2 * H:3 * H] = 1.0 - z[:, 2 * H:3 * H] ** 2  # tanh′ = 1 − g² for g
        i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
        dc_da = np.concatenate([g, c_prev, i], axis=1) * dz_da[:, :3 * H]  # ∂c_t/∂(i, f, g) ⊙ their σ′, tanh′
        return z, c_prev, tc, f, dc_da, tc * dz_da[:, 3 * H:], o * (1.0 - tc * tc)  # ∂h_t/∂a_o, ∂h_t/∂c_t

    def back(self, p, cache, ds):
        *_, f, dc_da, dh_dao, dh_dc = cache
        H = f.shape[-1]
        dh, dc = ds[..., :H], ds[..., H:]
        dc = dc + dh * dh_dc                             # ∂L/∂c_t: from step t+1, and through h_t = o ⊙ tanh(c_t)
        lead = dc.shape[:-1]                             # () for one step, (n,) or (T, S) for a batch
        da_ifg = (dc_da.reshape(dc_da.shape[:-1] + (3, H)) * dc[..., None, :]).reshape(lead + (3 * H,))
        da = np.concatenate([da_ifg, dh * dh_dao], axis=-1)  # ∂L/∂a: a_i, a_f, a_g through c_t, a_o through h_t
        return np.concatenate([da @ p.W_hh, dc * f], axis=-1), da, da  # ∂L/∂h_{t−1} = W_hhᵀ ∂L/∂a, ∂L/∂c_{t−1} = f ⊙ ∂L/∂c_t

    def scan(self, p, x, s0):
        """The same steps with every array preallocated and each operation writing in place (the RNN's trick):
        the loop's cost is its calls. Gives the same cache, bit for bit, as the generic loop over step."""
        T, H = x.shape[0], p.H
        m, b = self._halves(H)
        u = self.inputs(p, x) * m                        # (T, 4H) m ⊙ (W_ih x_t + b), exact: m is ½ or 1
        W_T = (p.W_hh * m[:, None]).T                    # (H, 4H) (m ⊙ W_hh)ᵀ
        z, tc = np.empty((T, 4 * H)), np.empty((T, H))   # gates [i, f, g, o], tanh(c_t)
        hs, cs = np.empty((T + 1, H)), np.empty((T + 1, H))
        hs[0], cs[0] = s0[:H], s0[H:]
        dot, add, multiply, tanh = np.dot, np.add, np.multiply, np.tanh
        for h, u_t, z_t, i, f, g, o, c, c_t, tc_t, h_t in zip(
                hs, u, z, z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:], cs, cs[1:], tc, hs[1:]):
            dot(h, W_T, z_t)                             # m ⊙ W_hh h_{t−1}
            add(z_t, u_t, z_t)                           # m ⊙ a
            tanh(z_t, z_t)
            multiply(z_t, m, z_t)
            add(z_t, b, z_t)                             # [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)]
            multiply(f, c, c_t)
            c_t += i * g                                 # c_t = f ⊙ c_{t−1} + i ⊙ g
            tanh(c_t, tc_t)
            multiply(o, tc_t, h_t)                       # h_t = o ⊙ tanh(c_t)
        return self.record(p, x, hs, self.finish(p, (z, cs[:-1], tc)), cs=cs)

    def back_full(self, p, run, ds_out):
        """The reverse loop over back's maths, preallocated and in place; ∂L/∂c_T through step T+1 is 0."""
        T, H = run.T, p.H
        _, _, _, f, dc_da, dh_dao, dh_dc = run.cache
        ds, da = np.empty((T, 2 * H)), np.empty((T, 4 * H))
        dh_next, dc_next, dc = np.zeros(H), np.zeros(H), np.empty(H)
        dot, add, multiply = np.dot, np.add, np.multiply
        rows = zip(ds_out[::-1, :H], ds_out[::-1, H:], ds[::-1, :H], ds[::-1, H:], da[::-1], da[::-1, :3 * H],
                   da[::-1, 3 * H:], f[::-1], dc_da[::-1], dh_dao[::-1], dh_dc[::-1])
        for dh_out, dc_out, dh, dc_carried, da_t, da_ifg, da_o, f_t, dc_da_t, dh_dao_t, dh_dc_t in rows:  # t = T … 1
            add(dh_out, dh_next, dh)                     # ∂L/∂h_t = output path + recurrent path
            add(dc_out, dc_next, dc_carried)             # ∂L/∂c_t through step t+1 (the output path gives c none)
            multiply(dh, dh_dc_t, dc)
            add(dc, dc_carried, dc)                      # ∂L/∂c_t, also through h_t = o ⊙ tanh(c_t)
            multiply(dc_da_t.reshape(3, H), dc, da_ifg.reshape(3, H))  # ∂L/∂a_i, a_f, a_g
            multiply(dh, dh_dao_t, da_o)                 # ∂L/∂a_o
            dot(da_t, p.W_hh, dh_next)                   # ∂L/∂h_{t−1} = W_hhᵀ ∂L/∂a_t
            multiply(dc, f_t, dc_next)                   # ∂L/∂c_{t−1} = f_t ⊙ ∂L/∂c_t
        return ds, da, da

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

    def scan(self, p, x, h0):
        """The same steps preallocated and in place, σ through tanh on halved inputs (exact, as the LSTM's);
        the same cache, bit for bit, as the generic loop over step."""
        T, H = x.shape[0], p.H
        m = np.r_[np.full(2 * H, 0.5), np.ones(H)]       # ½ on the r, z rows: σ(a) = ½ + ½ tanh(a/2)
        u = self.inputs(p, x) * m                        # (T, 3H) [½(W_ir x + b_ir), ½(W_iz x + b_iz), W_in x + b_in]
        W_T, b = (p.W_hh * m[:, None]).T, p.b_hh * m     # (H, 3H), (3H,)
        hs, hh, rz, n = np.empty((T + 1, H)), np.empty((T, 3 * H)), np.empty((T, 2 * H)), np.empty((T, H))
        hs[0] = h0
        dot, add, multiply, subtract, tanh = np.dot, np.add, np.multiply, np.subtract, np.tanh
        for h, u_t, hh_t, rz_t, r, z, n_t, h_t in zip(hs, u, hh, rz, rz[:, :H], rz[:, H:], n, hs[1:]):
            dot(h, W_T, hh_t)
            add(hh_t, b, hh_t)                           # [½(W_hr h + b_hr), ½(W_hz h + b_hz), W_hn h + b_hn]
            add(u_t[:2 * H], hh_t[:2 * H], rz_t)
            tanh(rz_t, rz_t)
            multiply(rz_t, 0.5, rz_t)
            add(rz_t, 0.5, rz_t)                         # [r, z]
            multiply(r, hh_t[2 * H:], n_t)
            add(n_t, u_t[2 * H:], n_t)
            tanh(n_t, n_t)                               # n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
            subtract(h, n_t, h_t)
            multiply(z, h_t, h_t)
            add(h_t, n_t, h_t)                           # h_t = n + z ⊙ (h_{t−1} − n)
        return self.record(p, x, hs, self.finish(p, (hs[:-1], rz, n, hh[:, 2 * H:])))

    def back_full(self, p, run, dh_out):
        """The reverse loop over back's maths, preallocated and in place."""
        T, H = run.T, p.H
        _, rz, _, hn, drz, dn, h_n = run.cache
        dh, da_ih, da_hh = np.empty((T, H)), np.empty((T, 3 * H)), np.empty((T, 3 * H))
        dh_next, via_z = np.zeros(H), np.empty(H)
        dot, add, multiply = np.dot, np.add, np.multiply
        rows = zip(dh_out[::-1], dh[::-1], da_ih[::-1, 2 * H:], da_hh[::-1], da_hh[::-1, :H], da_hh[::-1, H:2 * H],
                   da_hh[::-1, :2 * H], da_hh[::-1, 2 * H:], rz[::-1, :H], rz[::-1, H:], hn[::-1], drz[::-1],
                   dn[::-1], h_n[::-1])
        for d_out, dh_t, da_n, da_hh_t, dr, dz, da_rz, da_hn, r, z, hn_t, drz_t, dn_t, h_n_t in rows:  # t = T … 1
            add(d_out, dh_next, dh_t)                    # ∂L/∂h_t = output path + recurrent path
            multiply(dh_t, dn_t, da_n)                   # ∂L/∂a_n
            multiply(da_n, hn_t, dr)                     # ∂L/∂r
            multiply(dh_t, h_n_t, dz)                    # ∂L/∂z
            multiply(da_rz, drz_t, da_rz)                # back through σ
            multiply(da_n, r, da_hn)                     # W_hn h sits inside r ⊙ (·)
            dot(da_hh_t, p.W_hh, dh_next)
            multiply(dh_t, z, via_z)
            add(dh_next, via_z, dh_next)                 # ∂L/∂h_{t−1} = W_hhᵀ ∂L/∂a^hh + z ⊙ ∂L/∂h_t
        da_ih[:, :2 * H] = da_hh[:, :2 * H]              # r and z see x and h alike
        return dh, da_ih, da_hh

    def gate_values(self, p, cache):
        rz, n, H = cache[1], cache[2], p.H
        return {"r": rz[:, :H], "z": rz[:, H:], "n": n}

    def pre_activations(self, p, run):
        """As every cell's, but r gates n's recurrent part: a_n = W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn)."""
        H = p.H
        a_hh = run.hs[:-1] @ p.W_hh.T + p.b_hh           # (T, 3H)
        a_hh[:, 2 * H:] *= run.gates["r"]
        a = run.x @ p.W_ih.T + p.b_ih + a_hh
        return {g: a[:, k * H:(k + 1) * H] for k, g in enumerate(self.gates)}


RNN_CELL, LSTM_CELL, GRU_CELL = RNNCell(), LSTMCell(), GRUCell()
