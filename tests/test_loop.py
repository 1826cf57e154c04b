"""The training loop's start from a trained checkpoint (training.loop.start_from)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from detector.config import NOT_DIGIT  # noqa: E402
from training.loop import start_from  # noqa: E402


def test_same_classes_keeps_the_weights_and_resets_the_temperature(tiny_checkpoint):
    from detector.checkpoint import load_checkpoint

    trained, config, _ = load_checkpoint(tiny_checkpoint)
    model, started = start_from(tiny_checkpoint, config.num_classes)
    assert started.temperature == 1.0 and (started.mean, started.std) == (config.mean, config.std)
    for a, b in zip(trained.state_dict().values(), model.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_growing_to_not_a_digit_answers_as_before_at_first(tiny_checkpoint):
    """The 11th output starts at zero weight and bias -2: the digits' logits are the trained ones."""
    from detector.checkpoint import load_checkpoint

    trained, _config, _ = load_checkpoint(tiny_checkpoint)
    model, started = start_from(tiny_checkpoint, NOT_DIGIT + 1)
    assert started.num_classes == NOT_DIGIT + 1 and started.knows_junk
    x = torch.from_numpy(np.random.default_rng(0).normal(size=(4, 1, 28, 28)).astype(np.float32))
    with torch.no_grad():
        before, after = trained.eval()(x), model.eval()(x)
    assert after.shape == (4, NOT_DIGIT + 1)
    assert torch.allclose(after[:, :NOT_DIGIT], before, atol=1e-5)
    assert torch.allclose(after[:, NOT_DIGIT], torch.full((4,), -2.0))


def test_distillation_is_zero_when_the_model_answers_as_the_teacher_and_ignores_junk():
    from training.loop import distillation

    rng = np.random.default_rng(1)
    taught = torch.from_numpy(rng.normal(size=(6, 10)).astype(np.float32))
    junk = torch.full((6, 1), 3.0)
    same = torch.cat([taught, junk], 1)  # the same digit logits, and a "not a digit" output
    y = torch.tensor([0, 1, 2, NOT_DIGIT, NOT_DIGIT, 5])
    assert distillation(same, taught, y).item() == pytest.approx(0.0, abs=1e-6)
    other = torch.cat([taught.flip(1), junk], 1)
    assert distillation(other, taught, y).item() > 0.1
    only_junk = torch.full((6,), NOT_DIGIT)
    assert distillation(other, taught, only_junk).item() == 0.0
