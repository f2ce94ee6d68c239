"""Training on the digits and looking inside: the data, a short training run, the refusal, stopping,
the time limit, class activation maps, and the receptive field against gradients."""

from __future__ import annotations

import json
import signal
import threading
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import solutions
from grader.cli import main
from grader.digits import load_digits32, raw_digits, scale
from grader.inside import field_box, geometry, spatial_layers, stacked_3x3
from grader.learn import class_activation_maps, field_check, grad_cam, normalise_maps, train_child
from grader.load import load_class
from grader.trace import trace
from grader.train import TrainJob
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

LEARNERS = ROOT / "tests" / "learners" / "ch01_lenet"
SOLUTION = str(ROOT / "solutions" / "ch01_lenet" / "lenet.py")
JSON_KEYS = ["chapter", "model", "dataset", "epochs", "seed", "train_accuracy", "test_accuracy", "seconds", "history"]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_DOJO_DATA", str(tmp_path / "data"))  # the reference cache


def test_the_digits_are_sklearns_bundled_set_scaled_to_32x32_with_a_fixed_stratified_split():
    from sklearn.datasets import load_digits

    images, labels = raw_digits()
    bundled = load_digits()
    assert np.array_equal(images, bundled.images) and np.array_equal(labels, bundled.target)
    data = load_digits32()
    assert data.images.shape == (1797, 1, 32, 32) and data.images.dtype == np.float32
    expected = F.interpolate(torch.tensor(images / 16.0)[:, None], size=(32, 32), mode="bilinear", align_corners=False)
    assert np.allclose(data.images, expected.clamp(0, 1).numpy(), atol=1e-6)
    assert len(data.test) == 450 and not set(data.train) & set(data.test) and len(data.train) + len(data.test) == 1797
    assert np.bincount(data.test_labels).min() >= 44  # a quarter of each class
    assert scale(images[:3]).shape == (3, 1, 32, 32)


def test_a_short_fixed_seed_training_of_the_reference_lenet_clearly_beats_chance(capsys):
    code = main(["train", "ch01", "--path", SOLUTION, "--epochs", "3", "--seed", "0", "--json", "--no-reference"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert list(out) == JSON_KEYS
    assert (out["chapter"], out["model"], out["epochs"], out["seed"]) == ("ch01_lenet", "LeNet5", 3, 0)
    assert [entry["epoch"] for entry in out["history"]] == [1, 2, 3]
    assert set(out["history"][0]) == {"epoch", "loss", "train_accuracy", "test_accuracy"}
    # chance is 10 %; three epochs (about a second) reach about 95 % on the 450 held-out digits
    assert out["test_accuracy"] > 0.8, out
    assert out["history"][-1]["loss"] < out["history"][0]["loss"]


def test_a_learner_model_that_fails_its_structure_check_is_refused_naming_the_check(capsys):
    code = main(["train", "ch01", "--path", str(LEARNERS / "kernel3_conv1.py"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["status"] == "refused" and out["check"] == "LeNet5.structure"
    assert "fix LeNet5.structure first" in out["message"] and "6x30x30" in out["message"]
    job = TrainJob("ch01", LEARNERS / "kernel3_conv1.py", epochs=1, lang="zh-TW").start()
    result = job.wait(120)
    assert result is not None and result.status == "refused"
    assert "請先修正 LeNet5.structure" in result.message


def test_a_chapter_too_big_to_train_is_a_usage_error(capsys):
    assert main(["train", "ch05"]) == 2
    assert "GPU" in capsys.readouterr().err


def test_a_training_that_hangs_is_stopped_by_its_time_limit(tmp_path):
    source = (ROOT / "solutions" / "ch01_lenet" / "lenet.py").read_text()
    hang = source.replace("        # N x 1 x 32 x 32\n", "        # N x 1 x 32 x 32\n        if self.training:\n"
                                                           "            import time\n            time.sleep(600)\n")
    assert hang != source
    path = tmp_path / "lenet.py"
    path.write_text(hang)
    start = time.monotonic()
    result = TrainJob("ch01", path, epochs=1, timeout=4.0, reference=False).start().wait(120)
    assert result is not None and result.status == "failed"
    assert "did not finish within 4 s" in result.message
    assert time.monotonic() - start < 60


def test_the_stop_file_ends_the_training_between_batches_with_what_it_has(tmp_path):
    progress, stop = tmp_path / "progress.jsonl", tmp_path / "stop"

    def stop_after_the_first_epoch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if progress.exists() and '"event": "epoch"' in progress.read_text():
                stop.touch()
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=stop_after_the_first_epoch)
    watcher.start()
    answer = train_child("ch01_lenet", None, 40, 0, str(progress), str(stop), False)
    watcher.join()
    # the caller keeps its Ctrl-C (the processes it starts later inherit an ignored SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert answer["ok"] and answer["stopped"]
    assert 1 <= answer["epochs"] < 40 and len(answer["history"]) == answer["epochs"]
    assert 0.0 <= answer["test_accuracy"] <= 1.0 and sum(map(sum, answer["confusion"])) == 450


def _digits(n: int = 6) -> torch.Tensor:
    return torch.tensor(load_digits32().test_images[:n])


def test_class_activation_maps_have_the_inputs_size_are_normalised_and_are_the_class_maps_gap_averages():
    torch.manual_seed(0)
    model = solutions.get_model("DigitsGAPNet").eval()  # in-place ReLUs throughout
    images = _digits()
    cams = class_activation_maps(model, images, "features", "classifier", 10)
    assert cams.shape == (6, 10, 32, 32)
    flat = cams.flatten(2)
    assert torch.all(flat.min(-1).values == 0) and torch.allclose(flat.max(-1).values, torch.ones(6, 10))
    # CAM's map for class c is the classifier's map c without its bias: the map whose average is the score
    # (untrained, each map spans a few thousandths: float32 rounding, stretched to [0, 1], stays below 1e-3)
    with torch.no_grad():
        maps = model.classifier(model.features(images)) - model.classifier.bias[None, :, None, None]
    assert torch.allclose(cams, normalise_maps(maps.flatten(0, 1), 32).view(6, 10, 32, 32), atol=1e-3)


@pytest.mark.parametrize("learner", ["reference", "correct_functional"])
def test_grad_cam_works_on_the_cpu_with_and_without_in_place_relus(learner):
    torch.manual_seed(0)
    if learner == "reference":
        model, layer = solutions.get_model("LeNet5").eval(), "features.3"  # nn.ReLU(inplace=True)
    else:
        model, layer = load_class(LEARNERS / f"{learner}.py", "LeNet5")().eval(), "conv2"  # F.relu
    images = _digits()
    classes = [int(c) for c in model(images).argmax(1)]
    cams = grad_cam(model, images, classes, layer)
    assert cams.shape == (6, 32, 32)
    assert torch.all(cams >= 0) and torch.all(cams <= 1)
    for cam in cams:
        assert float(cam.max()) in (0.0, 1.0) and float(cam.min()) == 0.0
    assert any(float(cam.max()) == 1.0 for cam in cams)
    # the definition, by hand with autograd: ReLU(sum_k mean(d score / d A_k) * A_k)
    module = dict(model.named_modules())[layer]
    kept: list[torch.Tensor] = []
    hook = module.register_forward_hook(lambda m, i, o: kept.append(o))
    scores = model(images)
    hook.remove()
    (grads,) = torch.autograd.grad(scores[range(6), classes].sum(), kept[0])
    expected = F.relu((grads.mean((2, 3), keepdim=True) * kept[0]).sum(1)).detach()
    assert torch.allclose(cams, normalise_maps(expected, 32), atol=1e-4)


def test_the_receptive_field_formula_agrees_with_gradients_with_and_without_padding():
    torch.manual_seed(0)
    lenet = solutions.get_model("LeNet5")
    checks = field_check(lenet, trace(lenet, (1, 32, 32)).rows, 32, samples=32)
    assert len(checks) == 12 and all(check["agree"] for check in checks), checks
    assert [c["field"] for c in checks[::3]] == [5, 6, 14, 16]  # conv1, pool1, conv2, pool2
    padded = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
                           nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(4, 2, 5, padding=2))
    rows = trace(padded, (1, 16, 16)).rows
    checks = field_check(padded, rows, 16, samples=32)
    assert checks and all(check["agree"] for check in checks), checks
    last = spatial_layers(geometry(rows, 16))[-1]
    # 3 -> 4 (pool) -> 8 (stride-2 conv, jump 2) -> 8 + 4 * 4 = 24 with jump 4, starting in the padding
    assert (last.field, last.jump, last.start) == (24, 4, -11)
    assert field_box(last, 0, 0, 16)["clipped"] == (0, 0, 12, 12)


def test_receptive_fields_of_the_big_networks_and_three_3x3_equal_one_7x7():
    vgg = solutions.get_model_info("VGG16")
    layers = spatial_layers(geometry(trace(vgg.build(device="meta"), vgg.input_shape).rows, 224))
    assert [g.field for g in layers[:5]] == [3, 5, 6, 10, 14]
    assert layers[-1].field == 212 and layers[-1].jump == 32
    rows = stacked_3x3(256)
    assert [row["field"] for row in rows] == [3, 5, 7]
    assert rows[2]["stacked_params"] < rows[2]["single_params"]
    google = solutions.get_model_info("GoogLeNet")
    g_rows = trace(google.build(device="meta"), google.input_shape).rows
    by_index = {g.index: g for g in geometry(g_rows, 224)}
    first_cat = next(i for i, row in enumerate(g_rows) if row.op == "cat")
    branches = [by_index[i].field for i in g_rows[first_cat].inputs]
    assert by_index[first_cat].field == max(branches) > min(branches)  # the 5x5 branch sees farthest
