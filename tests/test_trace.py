"""The op-level tracer: learner style never changes the trace; torchsummary's own output as the oracle."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import solutions
from grader.trace import trace
from tests.conftest import DATA, ROOT, run_torchsummary


# -- the course notes' LeNet (functional style) and an nn.Sequential LeNet ---------------------------
class SeedLeNet5(nn.Module):
    """Verbatim from the course notes: ReLU and max-pool are called in forward, not declared."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def sequential_lenet(flatten: nn.Module) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        flatten,
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


class View(nn.Module):
    def __init__(self, how):
        super().__init__()
        self.how = how

    def forward(self, x):
        return self.how(x)


FLATTEN_STYLES = {
    "nn.Flatten": nn.Flatten(),
    "torch.flatten": View(lambda x: torch.flatten(x, 1)),
    "x.view(n, -1)": View(lambda x: x.view(x.size(0), -1)),
    "x.view(-1, 400)": View(lambda x: x.view(-1, 16 * 5 * 5)),
    "x.reshape": View(lambda x: x.reshape(x.shape[0], -1)),
    "x.flatten(1)": View(lambda x: x.flatten(1)),
}


def canonical(result):
    return [(r.op, r.output_shape, r.params, r.macs, r.hparams) for r in result.rows]


def meta(build):
    with torch.device("meta"):
        return build()


def test_functional_and_sequential_lenet_give_identical_traces():
    functional = trace(meta(SeedLeNet5), (1, 32, 32))
    reference = trace(solutions.get_model("LeNet5", device="meta"), (1, 32, 32))
    for style, flatten in FLATTEN_STYLES.items():
        sequential = trace(meta(lambda f=flatten: sequential_lenet(f)), (1, 32, 32))
        assert canonical(sequential) == canonical(functional), style
    assert canonical(reference) == canonical(functional)
    assert [r.op for r in functional.rows] == [
        "conv2d", "relu", "max_pool2d", "conv2d", "relu", "max_pool2d", "flatten",
        "linear", "relu", "linear", "relu", "linear",
    ]


def test_relu_spellings_are_one_canonical_row():
    spellings = [nn.ReLU(), nn.ReLU(inplace=True), View(F.relu), View(torch.relu), View(lambda x: x.relu()),
                 View(lambda x: F.relu(x, inplace=True)), View(lambda x: x.relu_())]
    for layer in spellings:
        result = trace(meta(lambda layer=layer: nn.Sequential(nn.Conv2d(3, 4, 3), layer)), (3, 8, 8))
        assert [r.op for r in result.rows] == ["conv2d", "relu"]


def test_max_pool_spellings_are_one_canonical_row():
    for layer in [nn.MaxPool2d(2), nn.MaxPool2d(kernel_size=2, stride=2), View(lambda x: F.max_pool2d(x, 2)),
                  View(lambda x: F.max_pool2d(x, (2, 2))), View(lambda x: F.max_pool2d(x, kernel_size=2, stride=2))]:
        result = trace(meta(lambda layer=layer: nn.Sequential(nn.Conv2d(3, 4, 3), layer)), (3, 8, 8))
        assert result.rows[-1].op == "max_pool2d"
        assert result.rows[-1].hparams == {"kernel_size": 2, "stride": 2, "padding": 0, "ceil_mode": False, "dilation": 1}
        assert result.rows[-1].output_shape == (4, 3, 3)


def test_shared_parameters_are_counted_once():
    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(10, 10)

        def forward(self, x):
            return self.fc(self.fc(x))

    result = trace(Shared(), (10,))
    assert result.total_params == 110
    assert [r.params for r in result.rows] == [110, 0]
    assert sum(r.params for r in result.rows) == result.total_params


def test_bare_parameters_are_counted():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.scale = nn.Parameter(torch.ones(3))

        def forward(self, x):
            return self.fc(x) * self.scale

    result = trace(Scaled(), (4,))
    assert result.total_params == 15 + 3
    assert [(r.op, r.params) for r in result.rows] == [("linear", 15), ("mul", 3)]


def test_parameters_transformed_before_use_are_attributed_to_the_layer_that_uses_them():
    class Transposed(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(4, 3))

        def forward(self, x):
            return x @ self.w.t().t().t()  # (N, 4) @ (4, 3)... transposed thrice: (3, 4)^T

    result = trace(Transposed(), (3,))
    assert [(r.op, r.params) for r in result.rows] == [("matmul", 12)]


@pytest.mark.parametrize("name", solutions.list_models())
def test_torchsummary_view_equals_the_real_torchsummary(name):
    info = solutions.get_model_info(name)
    torch.manual_seed(0)
    expected = run_torchsummary(info.build(), info.input_shape)
    ours = trace(info.build(device="meta"), info.input_shape).torchsummary()
    assert ours == expected


def test_torchsummary_view_of_the_seeds_functional_lenet():
    expected = run_torchsummary(SeedLeNet5(), (1, 32, 32))
    assert trace(meta(SeedLeNet5), (1, 32, 32)).torchsummary() == expected


def _seed_tables() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    current = None
    for line in (DATA / "seed_summaries.txt").read_text().splitlines():
        if line.startswith("## "):
            current = line.split()[1]
            tables[current] = []
        elif current and line and not line.startswith("#"):
            tables[current].append(line)
    return tables


SEED_TABLES = _seed_tables()
SEED_MODELS = {
    "LeNet5-seed-functional": (lambda: SeedLeNet5(), (1, 32, 32)),
    "AlexNet": (lambda: solutions.get_model("AlexNet"), (3, 224, 224)),
    "VGG16": (lambda: solutions.get_model("VGG16"), (3, 224, 224)),
    "GoogLeNet-seed-stem": (lambda: solutions.get_model("GoogLeNet"), (3, 224, 224)),
}


@pytest.mark.parametrize("table", list(SEED_TABLES))
def test_every_row_the_course_notes_printed_is_reproduced(table):
    build, shape = SEED_MODELS[table]
    with torch.device("meta"):
        printed = trace(build(), shape).torchsummary().splitlines()
    for line in SEED_TABLES[table]:
        assert line in printed, line


def test_reference_lenet_weight_rows_match_the_notes_functional_lenet():
    seed_rows = [line for line in SEED_TABLES["LeNet5-seed-functional"] if not line.startswith("Total")]
    weight_rows = [r for r in trace(solutions.get_model("LeNet5", device="meta"), (1, 32, 32)).rows if r.layer]
    for line, row in zip(seed_rows, weight_rows, strict=True):
        shape = re.search(r"\[-1, ([\d, ]+)\]", line).group(1)
        assert tuple(int(v) for v in shape.split(", ")) == row.output_shape
        assert int(line.split()[-1].replace(",", "")) == row.params


@pytest.mark.parametrize("name", solutions.list_models())
def test_fast_shapes_equal_the_meta_kernels_and_a_real_cpu_run(name):
    info = solutions.get_model_info(name)
    fast = trace(info.build(device="meta"), info.input_shape)
    assert fast == trace(info.build(device="meta"), info.input_shape, fast=False)
    if info.num_params < 10_000_000:  # a real run for the small ones keeps the suite quick
        torch.manual_seed(0)
        cpu = trace(info.build(), info.input_shape)
        assert canonical(cpu) == canonical(fast)


def test_meta_trace_of_vgg16_allocates_nothing():
    model = solutions.get_model("VGG16", device="meta")
    result = trace(model, (3, 224, 224))
    assert result.total_params == 138_357_544
    assert all(p.device.type == "meta" for p in model.parameters())


def test_trace_restores_training_mode():
    model = solutions.get_model("AlexNet", device="meta")
    model.train()
    trace(model, (3, 224, 224))
    assert all(m.training for m in model.modules())


def test_errors_inside_the_forward_are_torchs_own():
    bad = meta(lambda: nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(100, 10)))
    with pytest.raises(RuntimeError, match=r"288.*100|100.*288"):  # torch's meta kernels word it their own way
        trace(bad, (3, 8, 8))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_summary_json_is_one_object_with_canonical_rows():
    done = _cli("summary", "LeNet5", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= {"model", "input", "total_params", "trainable_params", "total_macs", "rows"}
    assert data["model"] == "LeNet5" and data["input"] == [1, 32, 32] and data["total_params"] == 61_706
    assert [row["op"] for row in data["rows"]][:3] == ["conv2d", "relu", "max_pool2d"]
    assert data["rows"][0]["output_shape"] == [6, 28, 28]
    assert data["total_macs"] == sum(row["macs"] for row in data["rows"])


def test_cli_summary_of_a_learner_file_with_an_input_shape(tmp_path):
    source = tmp_path / "mine.py"
    source.write_text(
        "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(1, 6, 5)\n"
        "    def forward(self, x):\n        return F.relu(self.conv(x)).view(x.size(0), -1)\n"
    )
    done = _cli("summary", f"{source}::Net", "--input", "1,32,32", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [r["op"] for r in data["rows"]] == ["conv2d", "relu", "flatten"]
    assert data["rows"][-1]["output_shape"] == [6 * 28 * 28]
    table = _cli("summary", f"{source}::Net", "--input", "1,32,32")
    assert "conv2d" in table.stdout and "Total params: 156" in table.stdout


def test_cli_summary_torchsummary_view():
    done = _cli("summary", "AlexNet", "--torchsummary")
    assert done.returncode == 0
    assert "AdaptiveAvgPool2d-14            [-1, 256, 6, 6]               0" in done.stdout
    assert "Total params: 62,378,344" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summary", "ResNet50"), "no model named 'ResNet50'"),
        (("summary", "VGG16", "--input", "3,x,224"), "C,H,W"),
        (("summary", "nowhere.py::Net", "--input", "3,32,32"), "no such file"),
    ],
)
def test_cli_usage_errors_exit_2_with_a_message(args, message):
    done = _cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


# -- one rule per operation: unusual spellings, other devices, models that override nn.Module's machinery --
class Call(nn.Module):
    """forward is ``how(self, x)``; ``layers`` are registered so their parameters are the model's."""

    def __init__(self, how, *layers):
        super().__init__()
        self.how = how
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        return self.how(self, x)


def conv3():
    return nn.Conv2d(3, 4, 3)


SPELLINGS = {
    "conv2d keywords": (lambda: Call(lambda s, x: F.conv2d(x, s.layers[0].weight, bias=s.layers[0].bias, stride=2,
                                                           padding=1), conv3()), (3, 9, 9)),
    "conv2d list and 1-tuple": (lambda: Call(lambda s, x: F.conv2d(x, s.layers[0].weight, None, [2, 1], (1,)),
                                             conv3()), (3, 9, 9)),
    "conv2d same": (lambda: nn.Conv2d(3, 4, 3, padding="same", dilation=2), (3, 9, 9)),
    "conv2d valid": (lambda: nn.Conv2d(3, 4, (3, 2), padding="valid"), (3, 9, 9)),
    "conv2d groups, dilation": (lambda: nn.Conv2d(4, 8, 3, stride=(2, 1), dilation=2, groups=2), (4, 19, 9)),
    "conv2d circular": (lambda: nn.Conv2d(3, 4, 3, padding=1, padding_mode="circular"), (3, 9, 9)),
    "conv2d numpy stride": (lambda: Call(lambda s, x: F.conv2d(x, s.layers[0].weight, None, np.int64(2)), conv3()),
                            (3, 9, 9)),
    "conv2d float stride": (lambda: Call(lambda s, x: F.conv2d(x, s.layers[0].weight, None, (2.0, 2.0)), conv3()),
                            (3, 9, 9)),
    "conv2d bool stride": (lambda: Call(lambda s, x: F.conv2d(x, s.layers[0].weight, None, True), conv3()), (3, 9, 9)),
    "conv2d kernel too big": (lambda: nn.Conv2d(3, 4, 5), (3, 3, 3)),
    "conv2d channels": (lambda: conv3(), (2, 9, 9)),
    "conv2d unbatched": (lambda: Call(lambda s, x: s.layers[0](x[0]), conv3()), (3, 9, 9)),
    "conv2d double input": (lambda: Call(lambda s, x: s.layers[0](x.double()), conv3()), (3, 9, 9)),
    "linear keywords": (lambda: Call(lambda s, x: F.linear(x, weight=s.layers[0].weight), nn.Linear(5, 3)), (5,)),
    "linear 3-d": (lambda: nn.Linear(5, 3, bias=False), (7, 5)),
    "linear features": (lambda: nn.Linear(5, 3), (6,)),
    "linear float64": (lambda: nn.Linear(5, 4).double(), (5,)),
    "max_pool2d keywords": (lambda: Call(lambda s, x: F.max_pool2d(x, kernel_size=3, stride=2, padding=1)), (3, 9, 9)),
    "max_pool2d ceil, dilation": (lambda: nn.MaxPool2d(3, 2, 1, dilation=2, ceil_mode=True), (3, 10, 10)),
    "max_pool2d indices": (lambda: nn.MaxPool2d(2, return_indices=True), (3, 10, 10)),
    "torch.max_pool2d": (lambda: Call(lambda s, x: torch.max_pool2d(x, [3], [], 1)), (3, 10, 10)),
    "max_pool2d 1-tuple": (lambda: Call(lambda s, x: F.max_pool2d(x, (2,))), (3, 10, 10)),
    "max_pool2d padding": (lambda: nn.MaxPool2d(2, padding=2), (3, 10, 10)),
    "max_pool2d too big": (lambda: nn.MaxPool2d(5), (3, 3, 3)),
    "avg_pool2d": (lambda: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), (3, 10, 10)),
    "avg_pool2d divisor": (lambda: nn.AvgPool2d(2, divisor_override=3), (3, 10, 10)),
    "adaptive (6, 7)": (lambda: nn.AdaptiveAvgPool2d((6, 7)), (3, 10, 10)),
    "adaptive (None, 7)": (lambda: nn.AdaptiveAvgPool2d((None, 7)), (3, 10, 10)),
    "adaptive [4]": (lambda: Call(lambda s, x: F.adaptive_avg_pool2d(x, [4])), (3, 10, 10)),
    "adaptive max": (lambda: nn.AdaptiveMaxPool2d(2), (3, 10, 10)),
    "cat default dim": (lambda: Call(lambda s, x: torch.cat([x, x])), (3, 10, 10)),
    "concatenate axis": (lambda: Call(lambda s, x: torch.concatenate([x, x], axis=1)), (3, 10, 10)),
    "cat channels_last": (lambda: Call(lambda s, x: torch.cat([x.contiguous(memory_format=torch.channels_last), x], 1)
                                       .view(x.size(0), -1)), (3, 10, 10)),
    "cat sizes": (lambda: Call(lambda s, x: torch.cat([x, x[:, :, :5]], 1)), (3, 10, 10)),
    "softmax": (lambda: Call(lambda s, x: torch.softmax(x, 1, torch.float32)), (5,)),
    "dropout train keyword": (lambda: Call(lambda s, x: torch.dropout(x, 0.2, train=False)), (5,)),
    "mean keepdim": (lambda: Call(lambda s, x: x.mean(dim=[-1, -2], keepdim=True)), (3, 10, 10)),
    "lazy linear": (lambda: nn.Sequential(nn.LazyLinear(4)), (5,)),
}


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_unusual_spellings_trace_as_torchs_own_kernels_do(spelling):
    """fast=False runs torch's kernel for every op and checks each formula-made output against it."""
    build, shape = SPELLINGS[spelling]
    outcomes = []
    for fast in (True, False):
        try:
            outcomes.append(trace(meta(build), shape, fast=fast))
        except Exception as error:  # torch's own error, the same either way
            outcomes.append((type(error), str(error), getattr(error, "partial_rows", None)))
    assert outcomes[0] == outcomes[1]


def test_rows_of_unusual_spellings():
    rows = {name: trace(meta(SPELLINGS[name][0]), SPELLINGS[name][1]).rows for name in
            ("cat default dim", "concatenate axis", "adaptive (None, 7)", "conv2d same", "lazy linear")}
    assert rows["cat default dim"][0].hparams == {"dim": 0}  # torch's default, written out
    assert rows["concatenate axis"][0].hparams == {"dim": 1} and rows["concatenate axis"][0].output_shape == (6, 10, 10)
    assert rows["adaptive (None, 7)"][0].output_shape == (3, 10, 7)
    assert rows["adaptive (None, 7)"][0].hparams == {"output_size": (None, 7)}
    assert rows["conv2d same"][0].hparams["padding"] == 2 and rows["conv2d same"][0].output_shape == (4, 9, 9)
    assert (rows["lazy linear"][0].params, rows["lazy linear"][0].output_shape) == (24, (4,))


def test_an_error_mid_forward_is_torchs_with_the_rows_before_it():
    bad = meta(lambda: nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 8, 5)))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size") as caught:
        trace(bad, (3, 8, 8))
    assert [row.op for row in caught.value.partial_rows] == ["conv2d", "relu", "max_pool2d"]


class OwnParameters(nn.Module):
    """parameters() overridden: the model says which parameters it has."""

    def __init__(self):
        super().__init__()
        self.fc, self.unused = nn.Linear(5, 3), nn.Linear(2, 2)

    def parameters(self, recurse=True):
        return iter([self.fc.weight])

    def forward(self, x):
        return self.fc(x)


class OwnLookups(nn.Module):
    """__getattr__, __setattr__, named_modules and a weight property of its own."""

    def __init__(self):
        super().__init__()
        self.fc, self.drop = nn.Linear(5, 3), nn.Dropout(0.5)
        self.sets = 0

    def __getattr__(self, name):
        return super().__getattr__(name)

    def __setattr__(self, name, value):
        if name == "training":
            object.__setattr__(self, "sets", self.__dict__.get("sets", 0) + 1)
        super().__setattr__(name, value)

    def named_modules(self, *args, **kwargs):
        yield from super().named_modules(*args, **kwargs)

    @property
    def weight(self):
        return self.fc.weight

    def forward(self, x):
        object.__setattr__(self, "seen_training", self.training)
        return self.drop(self.fc(x))


def test_models_that_override_nn_modules_machinery():
    own = trace(OwnParameters(), (5,))
    assert (own.total_params, [r.params for r in own.rows]) == (15, [18])
    model = OwnLookups()
    result = trace(model, (5,))
    assert [r.op for r in result.rows] == ["linear", "dropout"] and model.seen_training is False  # in eval mode
    assert model.training and model.drop.training and model.sets == 2  # set to eval and back, its own way
    assert result.torchsummary() == run_torchsummary(OwnLookups(), (5,))  # the weight property counts, as there


def test_trace_of_a_cpu_model_matches_the_meta_trace():
    torch.manual_seed(0)
    cpu = trace(solutions.get_model("LeNet5"), (1, 32, 32))
    assert cpu == trace(solutions.get_model("LeNet5", device="meta"), (1, 32, 32))
