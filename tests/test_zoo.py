"""The reference zoo: every fact in the registry is held true by the model itself."""

from __future__ import annotations

import pytest
import torch

import solutions
from grader.trace import trace
from solutions._registry import ModelInfo, register_model
from solutions.ch05_vgg.vgg import cfgs, make_vgg

# The issue's table: name -> (input, classes, parameters)
EXPECTED = {
    "LeNet5": ((1, 32, 32), 10, 61_706),
    "AlexNet": ((3, 224, 224), 1000, 62_378_344),
    "ZFNet": ((3, 224, 224), 1000, 62_357_608),
    "NiN": ((3, 224, 224), 1000, 7_439_608),
    "VGG16": ((3, 224, 224), 1000, 138_357_544),
    "GoogLeNet": ((3, 224, 224), 1000, 6_998_552),
}


def test_the_six_models_are_registered_in_historical_order():
    names = solutions.list_models()
    assert [n for n in names if n in EXPECTED] == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_registry_facts_are_the_issue_table(name):
    info = solutions.get_model_info(name)
    assert (info.input_shape, info.num_classes, info.num_params) == EXPECTED[name]


@pytest.mark.parametrize("name", solutions.list_models())
def test_model_matches_its_registered_facts(name):
    info = solutions.get_model_info(name)
    model = info.build(device="meta")
    assert sum(p.numel() for p in model.parameters()) == info.num_params
    result = trace(model, info.input_shape)
    assert result.total_params == info.num_params
    assert result.output_shape == (info.num_classes,)
    assert info.paper and 1990 < info.year < 2020


@pytest.mark.parametrize("name", solutions.list_models())
def test_num_classes_is_honoured(name):
    info = solutions.get_model_info(name)
    result = trace(info.build(num_classes=7, device="meta"), info.input_shape)
    assert result.output_shape == (7,)


@pytest.mark.parametrize("name", ["LeNet5", "AlexNet", "NiN"])
def test_models_run_for_real_on_cpu_and_return_logits(name):
    info = solutions.get_model_info(name)
    torch.manual_seed(0)
    model = info.build().eval()
    with torch.no_grad():
        out = model(torch.randn(2, *info.input_shape))
    assert out.shape == (2, info.num_classes)
    # logits, not probabilities: no softmax at the end
    assert not torch.allclose(out.sum(dim=1), torch.ones(2))


def test_zfnet_has_the_papers_sizes():
    # Zeiler & Fergus 2013, Fig. 3: 224 -> 110 -> 55 -> 26 -> 13 -> 13 -> 13 -> 13 -> 6
    rows = trace(solutions.get_model("ZFNet", device="meta"), (3, 224, 224)).rows
    spatial = [(r.op, r.output_shape) for r in rows if r.op in ("conv2d", "max_pool2d")]
    assert spatial == [
        ("conv2d", (96, 110, 110)),
        ("max_pool2d", (96, 55, 55)),
        ("conv2d", (256, 26, 26)),
        ("max_pool2d", (256, 13, 13)),
        ("conv2d", (384, 13, 13)),
        ("conv2d", (384, 13, 13)),
        ("conv2d", (256, 13, 13)),
        ("max_pool2d", (256, 6, 6)),
    ]
    conv1 = rows[0].hparams
    assert (conv1["kernel_size"], conv1["stride"], conv1["out_channels"]) == (7, 2, 96)


def test_nin_has_no_fully_connected_layer_and_ends_in_global_average_pooling():
    rows = trace(solutions.get_model("NiN", device="meta"), (3, 224, 224)).rows
    assert "linear" not in [r.op for r in rows]
    assert [r.op for r in rows if r.op == "conv2d"].__len__() == 12
    gap = [r for r in rows if r.op == "adaptive_avg_pool2d"]
    assert gap and gap[-1].output_shape == (1000, 1, 1)
    assert rows[-1].output_shape == (1000,)


def test_googlenet_is_the_full_network_of_table_1():
    model = solutions.get_model("GoogLeNet", device="meta")
    result = trace(model, (3, 224, 224))
    cats = [r for r in result.rows if r.op == "cat"]
    # nine Inception modules, with the paper's output channels and sizes
    assert [r.output_shape for r in cats] == [
        (256, 28, 28), (480, 28, 28),
        (512, 14, 14), (512, 14, 14), (512, 14, 14), (528, 14, 14), (832, 14, 14),
        (832, 7, 7), (1024, 7, 7),
    ]
    # the 5x5 branch is a true 5x5 with padding 2
    five = [r for r in result.rows if r.op == "conv2d" and r.hparams["kernel_size"] == 5]
    assert len(five) == 9 and all(r.hparams["padding"] == 2 for r in five)
    assert not [r for r in result.rows if r.op == "batch_norm"]
    dropout = [r for r in result.rows if r.op == "dropout"]
    assert [r.hparams["p"] for r in dropout] == [0.4]
    assert result.rows[-1].op == "linear" and result.rows[-1].hparams["in_features"] == 1024


def test_inception_3a_alone():
    from solutions.ch06_googlenet.googlenet import INCEPTION_CFGS, Inception

    with torch.device("meta"):
        block = Inception(*INCEPTION_CFGS["3a"])
    result = trace(block, (192, 28, 28))
    assert result.output_shape == (256, 28, 28)
    assert result.total_params == 163_696
    # branch order: 1x1 | 3x3 reduce -> 3x3 | 5x5 reduce -> 5x5 | pool -> proj
    convs = [(r.hparams["kernel_size"], r.hparams["out_channels"]) for r in result.rows if r.op == "conv2d"]
    assert convs == [(1, 64), (1, 96), (3, 128), (1, 16), (5, 32), (1, 32)]


@pytest.mark.parametrize(("name", "params"), [("vgg11", 132_863_336), ("vgg13", 133_047_848),
                                              ("vgg16", 138_357_544), ("vgg19", 143_667_240)])
def test_make_vgg_builds_every_depth_from_its_config(name, params):
    with torch.device("meta"):
        model = make_vgg(cfgs[name])
    result = trace(model, (3, 224, 224))
    assert result.total_params == params
    assert result.depth == int(name[3:])  # the 16 in VGG16 counts weight layers


def test_vgg16_macs_are_torchvisions_15_47_g():
    result = trace(solutions.get_model("VGG16", device="meta"), (3, 224, 224))
    assert round(result.total_macs / 1e9, 2) == 15.47


def test_registry_refuses_a_duplicate_name():
    info = solutions.get_model_info("VGG16")
    with pytest.raises(ValueError, match="already registered"):
        register_model(ModelInfo(**{**info.__dict__, "aliases": ()}))


def test_unknown_model_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="VGG16"):
        solutions.get_model_info("ResNet50")


def test_meta_build_costs_no_memory():
    model = solutions.get_model("VGG16", device="meta")
    assert all(p.device.type == "meta" for p in model.parameters())
