"""How a gradient shrinks or grows as it travels back in time, for any cell (state s = h, or [h, c] for an LSTM).

    ∂s_t/∂s_{t−1} = J_t          RNN: diag(1 − h_t²) W_hh      one step's Jacobian
    ∂s_T/∂s_{T−k} = J_T J_{T−1} ⋯ J_{T−k+1}                  k steps back
    ∂h_T/∂x_{T−k} = [∂s_T/∂s_{T−k}]_h K_{T−k}, K_t = ∂s_t/∂x_t   Distill's "connectivity"
    ‖∂h_T/∂h_{T−k}‖₂ ≤ (max_t max_i (1 − h_{t,i}²) · ‖W_hh‖₂)^k   the RNN's bound a page draws beside it
"""
import numpy as np

from .forward import forward

FLOAT_MAX = np.finfo(np.float64).max


def spectral_radius(W):
    """ρ(W) = max |λ_i(W)|."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W, dtype=np.float64)))))


def spectral_norm(W):
    """‖W‖₂ = σ_max(W), the largest factor by which W can stretch a vector."""
    return float(np.linalg.norm(np.asarray(W, dtype=np.float64), 2))


def jacobians(params, run):
    """(T, S, S) J_t = ∂s_t/∂s_{t−1}, for t = 1 … T; RNN: diag(1 − h_t²) W_hh."""
    return params.cell.jacobians(params, run)[0]


def gradient_decay(params, x, h0=None, c0=None):
    """(T,) decay[k] = ‖∂s_T/∂s_{T−k}‖₂ for k = 0 … T−1; decay[0] = 1. s = h, or [h, c] for an LSTM.

    Values beyond float64's range saturate at ±1.8e308 instead of becoming inf.
    """
    run = forward(params, x, h0, c0)
    with np.errstate(over="ignore"):
        return np.minimum(10.0 ** log10_decay(params, run), FLOAT_MAX)


def log10_decay(params, run, part=None):
    """(T,) log10 ‖∂s_T/∂s_{T−k}‖₂, finite wherever the norm is not exactly 0 (then −inf).
    part="c" (LSTM): log10 ‖∂c_T/∂c_{T−k}‖₂, the cell state's block (h_{T−k} held fixed)."""
    P, scale = _jacobian_products(jacobians(params, run))
    if part == "c":
        P = P[:, params.H:, params.H:]
    with np.errstate(divide="ignore"):
        return 0.5 * np.log10(_largest_eigenvalue(P @ P.transpose(0, 2, 1))) + scale


def cell_state_decay(params, x, h0=None, c0=None):
    """(T,) ‖∂c_T/∂c_{T−k}‖₂ for k = 0 … T−1, an LSTM's cell state along every path (saturates at ±1.8e308)."""
    if not params.cell.has_c:
        raise ValueError(f"only an LSTM has a cell state c; this is a {params.cell.name}")
    run = forward(params, x, h0, c0)
    with np.errstate(over="ignore"):
        return np.minimum(10.0 ** log10_decay(params, run, part="c"), FLOAT_MAX)


def forget_product(run):
    """(T,) max_i Π_{j=T−k+1}^{T} f_{j,i} = ‖diag(f_T ⊙ ⋯ ⊙ f_{T−k+1})‖₂: the conveyor belt's own path, c alone."""
    f = run.gates["f"]                             # (T, H)
    P = np.cumprod(np.vstack([np.ones(f.shape[1]), f[:0:-1]]), axis=0)  # row k: Π of the last k forget gates
    return P.max(axis=1)


def connectivity(params, x, h0=None, c0=None):
    """(T,) conn[k] = ‖∂h_T/∂x_{T−k}‖₂ for k = 0 … T−1: how much the last state still hears of each input.

    Values beyond float64's range saturate at ±1.8e308, values below its smallest become 0.
    """
    run = forward(params, x, h0, c0)
    with np.errstate(over="ignore", under="ignore"):
        return np.minimum(10.0 ** log10_connectivity(params, run), FLOAT_MAX)


def log10_connectivity(params, run):
    """(T,) log10 ‖∂h_T/∂x_{T−k}‖₂ (−inf where exactly 0)."""
    J, K = params.cell.jacobians(params, run)
    P, scale = _jacobian_products(J)
    D = P[:, :params.H] @ K[::-1]                  # (T, H, I) ∂h_T/∂x_{T−k} / 10^scale[k]
    if D.shape[2] == 1:
        norms = np.linalg.norm(D[:, :, 0], axis=1)
    else:
        norms = np.sqrt(_largest_eigenvalue(D.transpose(0, 2, 1) @ D))
    with np.errstate(divide="ignore"):
        return np.log10(norms) + scale


def _jacobian_products(J):
    """(T, S, S) P[k] = ∂s_T/∂s_{T−k} / 10^scale[k], and scale (T,), from the one-step Jacobians J (T, S, S).

    Rescaled every R steps, R chosen from the largest one-step growth so that neither P nor PPᵀ overflows.
    """
    T, S = J.shape[0], J.shape[1]
    growth = float(np.abs(J).sum(axis=2).max())   # ≥ ‖J_t‖_∞ for every t: a bound on one step's growth
    R = int(np.clip(140 // max(np.log10(growth), 1.0) if growth > 0 else T, 1, 32))  # PPᵀ stays < 1e300
    P = np.empty((T, S, S))
    scale = np.zeros(T)
    P[0] = np.eye(S)
    dot = np.dot                                  # bound once, output positional: the loop is its calls
    for k, (P_prev, P_k, J_k) in enumerate(zip(P, P[1:], J[:0:-1]), start=1):
        dot(P_prev, J_k, P_k)                     # ∂s_T/∂s_{T−k} = ∂s_T/∂s_{T−k+1} · J_{T−k+1}
        if k % R == 0:
            m = np.abs(P_k).max()
            if m == 0.0:                          # a saturated step: nothing gets through, ever again
                P[k:] = 0.0
                break
            P_k /= m
            scale[k] = np.log10(m)
    return P, np.cumsum(scale)


def _largest_eigenvalue(G):
    """(T,) λ_max of each symmetric PSD G[k], by power iteration; LAPACK where it won't converge.

    S = G⁸ by squaring; its largest column leans ≥ 1/√H on the top eigenvector; twelve products with S
    take that to G^104. The Rayleigh quotient ρ = vᵀGv is accepted when the residual ‖Gv − ρv‖ ≤ 1e−13 ρ,
    which bounds |λ_max − ρ| by the same; the rest go to LAPACK's eigvalsh.
    The products need no renormalising: S = (G⁴/tr G⁴)² has 1/H² ≤ λ_max(S) ≤ 1, so twelve of them shrink v
    by at most H⁻²⁴ (1e−65 at H = 512), far from underflow.
    """
    S = G
    for _ in range(3):                 # for PSD S every |S_ij| ≤ trace S, so dividing by it keeps S in range
        S = S / np.maximum(np.einsum("tii->t", S), np.finfo(float).tiny)[:, None, None]
        S = S @ S                                          # (T, H, H) G^(2^i), renormalised
    col = np.einsum("tij,tij->tj", S, S).argmax(axis=1)    # (T,) the longest column of each S
    v = S[np.arange(len(S)), :, col][:, :, None]           # (T, H, 1)
    for _ in range(12):
        v = S @ v                                          # (T, H, 1) eight more powers of G
    v = v[:, :, 0] / np.maximum(np.linalg.norm(v[:, :, 0], axis=1), np.finfo(float).tiny)[:, None]
    Gv = (G @ v[:, :, None])[:, :, 0]
    rho = np.einsum("ti,ti->t", v, Gv)
    bad = np.linalg.norm(Gv - rho[:, None] * v, axis=1) > 1e-13 * rho
    if bad.any():
        rho[bad] = np.linalg.eigvalsh(G[bad])[:, -1]
    return np.maximum(rho, 0.0)


def decay_bound(params, run):
    """(T,) (max_t tanh′ · ‖W_hh‖₂)^k for k = 0 … T−1, the bound on decay[k]; saturates at ±1.8e308."""
    gamma = float(run.dtanh.max()) * spectral_norm(params.W_hh)
    with np.errstate(over="ignore", divide="ignore"):
        log_bound = np.arange(run.T) * np.log10(gamma) if gamma > 0 else np.r_[0.0, np.full(run.T - 1, -np.inf)]
        return np.minimum(10.0 ** log_bound, FLOAT_MAX)


def with_recurrent_strength(params, value):
    """Θ with W_hh set to `value` (H = 1) or rescaled to spectral radius `value` (H > 1)."""
    if params.H == 1:
        return params.replace(W_hh=[[value]])
    rho = spectral_radius(params.W_hh)
    if rho == 0.0:
        raise ValueError("W_hh is all zeros: its spectral radius cannot be rescaled")
    return params.replace(W_hh=params.W_hh * (value / rho))


def decay_sweep(params, x, values, h0=None):
    """(len(values), T) log10 decay for each recurrent strength (W_hh for H = 1, ρ(W_hh) for H > 1)."""
    return np.stack([log10_decay(p, forward(p, x, h0))
                     for p in (with_recurrent_strength(params, v) for v in values)])
