"""The network: shapes, finiteness, gradients and size budget."""

import torch

from detector.config import ModelConfig
from detector.model import DigitNet, count_macs, count_parameters


def test_output_shape_and_finite():
    model = DigitNet().eval()
    out = model(torch.randn(5, 1, 28, 28))
    assert out.shape == (5, 10)
    assert torch.isfinite(out).all()


def test_every_parameter_gets_a_gradient():
    torch.manual_seed(0)
    model = DigitNet().train()
    loss = torch.nn.functional.cross_entropy(model(torch.randn(8, 1, 28, 28)), torch.randint(0, 10, (8,)))
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_within_compute_and_size_budget():
    model = DigitNet()
    assert 2 * count_macs(model) <= 20_000_000  # 20 MFLOPs per image
    assert count_parameters(model) <= 1_000_000


def test_count_macs_matches_hand_count():
    model = DigitNet(ModelConfig(channels=(4, 4, 4, 4, 4)))
    # conv1 28*28*4*9, conv2 14*14*4*36, conv3 14*14*4*36, conv4 7*7*4*36, conv5 5*5*4*36, fc 100*10
    expected = 28 * 28 * 4 * 9 + 2 * 14 * 14 * 4 * 36 + 7 * 7 * 4 * 36 + 5 * 5 * 4 * 36 + 100 * 10
    assert count_macs(model) == expected
