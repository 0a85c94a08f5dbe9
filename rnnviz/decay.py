"""How a gradient shrinks or grows as it travels back in time.

    ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hh                      one step's Jacobian J_t
    ∂h_T/∂h_{T−k} = J_T J_{T−1} ⋯ J_{T−k+1}                  k steps back
    ‖∂h_T/∂h_{T−k}‖₂ ≤ (max_t max_i (1 − h_{t,i}²) · ‖W_hh‖₂)^k   the bound a page draws beside it
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
    """(T, H, H) J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hh, for t = 1 … T."""
    return run.dtanh[:, :, None] * params.W_hh[None, :, :]


def gradient_decay(params, x, h0=None):
    """(T,) decay[k] = ‖∂h_T/∂h_{T−k}‖₂ for k = 0 … T−1; decay[0] = 1.

    Values beyond float64's range saturate at ±1.8e308 instead of becoming inf.
    """
    run = forward(params, x, h0)
    return np.minimum(10.0 ** log10_decay(params, run), FLOAT_MAX)


def log10_decay(params, run):
    """(T,) log10 ‖∂h_T/∂h_{T−k}‖₂, finite wherever the norm is not exactly 0 (then −inf).

    The running product is rescaled every step so that it neither overflows nor underflows.
    """
    T, H = run.T, params.H
    J = jacobians(params, run)
    P = np.empty((T, H, H))      # P[k] = ∂h_T/∂h_{T−k} / 10^scale[k]
    scale = np.zeros(T)
    P[0] = np.eye(H)
    for k in range(1, T):
        Pk = P[k - 1] @ J[T - k]  # one more step back: · J_{T−k+1}
        m = np.abs(Pk).max()
        if m == 0.0:              # a fully saturated step: nothing gets through, ever again
            P[k:] = 0.0
            scale[k:] = 0.0
            break
        P[k] = Pk / m
        scale[k] = scale[k - 1] + np.log10(m)
    sigma = np.linalg.svd(P, compute_uv=False)[:, 0] if H > 1 else np.abs(P[:, 0, 0])
    with np.errstate(divide="ignore"):
        return np.log10(sigma) + scale


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
