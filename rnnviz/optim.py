"""One step of learning, on any {name: array} of gradients.

    Θ_new = Θ − α ∂L/∂Θ                       gradient descent (seed 003's last step)
    g ← min(1, θ / ‖g‖) g                     clipping at max-norm θ, ‖g‖ over all parameters at once
"""
import numpy as np

from .params import PARAM_NAMES


def sgd_step(params, grads, lr):
    """Θ_new = Θ − α ∂L/∂Θ, a new RNNParams."""
    if not np.isfinite(lr) or lr < 0:
        raise ValueError(f"the learning rate must be a finite number ≥ 0, got {lr}")
    g = grads.as_dict() if hasattr(grads, "as_dict") else grads
    return params.replace(**{n: getattr(params, n) - lr * g[n] for n in PARAM_NAMES})


def global_norm(grads):
    """‖g‖₂ over every parameter's gradient, flattened together."""
    g = grads.as_dict() if hasattr(grads, "as_dict") else grads
    return float(np.sqrt(sum(float(np.sum(np.square(v))) for v in g.values())))


def clip_by_global_norm(grads, max_norm):
    """({name: min(1, θ/‖g‖) g}, ‖g‖ before clipping)."""
    if not max_norm > 0:
        raise ValueError(f"max-norm must be > 0, got {max_norm}")
    g = grads.as_dict() if hasattr(grads, "as_dict") else grads
    norm = global_norm(g)
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {n: factor * v for n, v in g.items()}, norm
