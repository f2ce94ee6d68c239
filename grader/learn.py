"""What runs inside the isolated training child: build the model (the learner's class, or the zoo's), train
it on the digits, then look inside it. Everything here may touch learner code; the parent
(``grader.train``) reads the plain-data answer (dicts, lists, numbers, numpy arrays).

Progress goes to a JSON-lines file the parent polls (one line per batch and per epoch); a stop file, when
it appears, ends the training between two batches and the child answers with what it has.
"""

from __future__ import annotations

import json
import os
import signal
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.chapters import get_chapter
from grader.digits import load_digits32
from grader.inside import field_box, geometry, spatial_layers
from grader.isolate import threads
from grader.train import RECIPES, Recipe

__all__ = ["train_child", "build_model", "Recorder", "grad_cam", "class_activation_maps", "field_check",
           "normalise_maps"]

GALLERY_PER_CLASS = 1  # test digits shown inside the network, per class
MAX_MISCLASSIFIED = 24
FIELD_SAMPLES = 64  # random inputs whose gradients together show a unit's whole receptive field
_SPATIAL = {"conv2d": "conv2d", "max_pool2d": "max_pool2d", "max_pool2d_with_indices": "max_pool2d",
            "avg_pool2d": "avg_pool2d"}


class Recorder(TorchFunctionMode):
    """Keeps the output of every convolution and pooling a forward pass calls (functional or module), in
    order, and each convolution's weight. Outputs are cloned: an in-place ReLU after them changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.outputs: list[tuple[str, torch.Tensor]] = []
        self.weights: list[torch.Tensor] = []

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None) -> Any:
        result = func(*args, **(kwargs or {}))
        op = _SPATIAL.get(getattr(func, "__name__", ""))
        if op is not None:
            tensor = result[0] if isinstance(result, tuple) else result
            self.outputs.append((op, tensor.clone()))
            if op == "conv2d":
                weight = args[1] if len(args) > 1 else (kwargs or {}).get("weight")
                self.weights.append(weight.detach().clone())
        return result


def build_model(recipe: Recipe, path: str | None, seed: int) -> nn.Module:
    """The learner's class from ``path`` (loaded here, in the child), or the zoo's model; seeded."""
    torch.manual_seed(seed)
    if recipe.learner and path is not None:
        from grader.load import load_class

        spec = get_chapter(recipe.chapter).models[0]
        cls = load_class(path, spec.class_name)
        model = cls(*spec.args, **spec.kwargs)
    else:
        import solutions

        model = solutions.get_model(recipe.model)
    torch.set_default_dtype(torch.float32)  # a learner's set_default_dtype(float64) must not leak
    if not isinstance(model, nn.Module):
        raise TypeError(f"{recipe.model}(...) returned a {type(model).__name__}, not an nn.Module")
    return model.float()


def _shift(images: torch.Tensor, pixels: int, generator: torch.Generator) -> torch.Tensor:
    """Each image moved by up to ``pixels`` in x and y (filled with the background): augmentation."""
    if pixels <= 0:
        return images
    n, _, h, w = images.shape
    background = float(images.min())
    padded = F.pad(images, (pixels, pixels, pixels, pixels), value=background)
    dy = torch.randint(0, 2 * pixels + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * pixels + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(h)[None, :])[:, None, :, None].expand(n, 1, h, w + 2 * pixels)
    moved = torch.gather(padded, 2, rows)  # N x 1 x h x (w + 2p)
    cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, None, :].expand(n, 1, h, w)
    return torch.gather(moved, 3, cols)  # N x 1 x h x w


def _accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, torch.Tensor]:
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(images[i:i + 256]).argmax(1) for i in range(0, len(images), 256)])
    return float((predicted == labels).float().mean()), predicted


class _Progress:
    def __init__(self, path: str | None) -> None:
        self.file = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115  (closed in close())

    def __call__(self, **event: Any) -> None:
        if self.file is not None:
            self.file.write(json.dumps(event) + "\n")
            self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _guarded(stage: str, action: Any, path: str | None) -> tuple[Any, dict[str, Any] | None]:
    """Run learner code: its result, or what it raised (sys.exit is left to the isolated child)."""
    try:
        return action(), None
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - learner code may raise anything
        return None, _error(stage, error, path)


def _error(stage: str, error: BaseException, path: str | None) -> dict[str, Any]:
    line = None
    if path is not None:
        resolved = str(Path(path).resolve())
        for frame in traceback.extract_tb(error.__traceback__):
            if str(Path(frame.filename).resolve()) == resolved:
                line = frame.lineno
    message = str(error).strip() or type(error).__name__
    return {"ok": False, "stage": stage, "exc_type": type(error).__name__, "message": message[:2000], "line": line}


def train_child(chapter: str, path: str | None, epochs: int, seed: int, progress_path: str | None = None,
                stop_path: str | None = None, inside: bool = True) -> dict[str, Any]:
    """Train ``chapter``'s recipe and answer with its history, scores and (``inside``) a look inside."""
    recipe = RECIPES[chapter]
    # Ctrl-C in the terminal reaches this child too (one process group): the parent answers it with the
    # stop file, and the child stops between two batches with what it has. Called in the caller's own process
    # (the tests do), it gives Ctrl-C back: the processes the caller starts later would inherit the ignore.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    torch.set_num_threads(threads())
    progress = _Progress(progress_path)
    try:
        return _train(recipe, path, epochs, seed, progress, stop_path, inside)
    finally:
        progress.close()
        signal.signal(signal.SIGINT, previous)


def _train(recipe: Recipe, path: str | None, epochs: int, seed: int, progress: _Progress, stop_path: str | None,
           inside: bool) -> dict[str, Any]:
    data = load_digits32()
    mean, std = float(data.train_images.mean()), float(data.train_images.std())
    # plain NCHW strides: strides that look like channels_last would give channels_last convolution outputs,
    # which a learner's x.view(n, -1) cannot flatten
    train_x = ((torch.tensor(data.train_images) - mean) / std).clone(memory_format=torch.contiguous_format)
    test_x = ((torch.tensor(data.test_images) - mean) / std).clone(memory_format=torch.contiguous_format)
    train_y, test_y = torch.tensor(data.train_labels), torch.tensor(data.test_labels)
    model, failed = _guarded("build", lambda: build_model(recipe, path, seed), path)
    if failed is not None:
        return failed
    generator = torch.Generator().manual_seed(seed)
    batches = (len(train_x) + recipe.batch_size - 1) // recipe.batch_size
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=recipe.lr, total_steps=max(1, epochs * batches))
    progress(event="start", epochs=epochs, batches=batches, model=recipe.model, threads=torch.get_num_threads())
    history: list[dict[str, Any]] = []
    start = time.monotonic()

    def fit() -> bool:
        """The epochs; True when the stop file ended them early."""
        stopped = False
        for epoch in range(1, epochs + 1):
            model.train()
            order = torch.randperm(len(train_x), generator=generator)
            total, seen = 0.0, 0
            for batch in range(batches):
                if stop_path and os.path.exists(stop_path):
                    stopped = True
                    break
                index = order[batch * recipe.batch_size:(batch + 1) * recipe.batch_size]
                images = _shift(train_x[index], recipe.shift, generator)
                optimizer.zero_grad()
                loss = F.cross_entropy(model(images), train_y[index])
                if not torch.isfinite(loss):
                    raise FloatingPointError(f"the loss became {float(loss)} in epoch {epoch}, batch {batch + 1}")
                loss.backward()
                optimizer.step()
                schedule.step()
                total += loss.item() * len(index)
                seen += len(index)
                progress(event="batch", epoch=epoch, batch=batch + 1, loss=loss.item())
            if stopped:
                break
            train_accuracy, _ = _accuracy(model, train_x, train_y)
            test_accuracy, _ = _accuracy(model, test_x, test_y)
            entry = {"epoch": epoch, "loss": total / max(seen, 1), "train_accuracy": train_accuracy,
                     "test_accuracy": test_accuracy}
            history.append(entry)
            progress(event="epoch", seconds=time.monotonic() - start, **entry)
        return stopped

    stopped, failed = _guarded("train", fit, path)
    if failed is not None:
        return failed
    seconds = time.monotonic() - start
    train_accuracy, _ = _accuracy(model, train_x, train_y)
    test_accuracy, predicted = _accuracy(model, test_x, test_y)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (test_y.numpy(), predicted.numpy()), 1)
    wrong = np.flatnonzero(predicted.numpy() != test_y.numpy())
    answer: dict[str, Any] = {
        "ok": True, "stopped": stopped, "epochs": len(history), "seed": seed, "history": history,
        "train_accuracy": train_accuracy, "test_accuracy": test_accuracy, "seconds": seconds,
        "threads": torch.get_num_threads(), "confusion": confusion.tolist(),
        "misclassified": [{"test_index": int(i), "label": int(test_y[i]), "predicted": int(predicted[i]),
                           "image": data.test_images[i, 0]} for i in wrong[:MAX_MISCLASSIFIED]],
        "misclassified_count": int(len(wrong)), "inside": None,
    }
    if inside:
        progress(event="inside")
        inside_view, failed = _guarded(
            "inside", lambda: _look_inside(recipe, model, test_x, test_y, predicted, data.test_images, wrong), path)
        answer["inside"] = failed if failed is not None else inside_view
    progress(event="done", seconds=seconds)
    return answer


# -- looking inside ----------------------------------------------------------------------------------------
def normalise_maps(maps: torch.Tensor, size: int) -> torch.Tensor:
    """(N, h, w) maps -> (N, size, size), bilinear, each scaled to [0, 1] (a map that is all zero stays zero)."""
    up = F.interpolate(maps[:, None].float(), size=(size, size), mode="bilinear", align_corners=False)[:, 0]
    low = up.flatten(1).min(1).values[:, None, None]
    span = up.flatten(1).max(1).values[:, None, None] - low
    return torch.where(span > 0, (up - low) / span.clamp_min(1e-12), torch.zeros_like(up))


def _last_conv(model: nn.Module, images: torch.Tensor) -> str | None:
    """The name of the last nn.Conv2d module the forward pass runs (Grad-CAM's layer), or None."""
    names = {module: name for name, module in model.named_modules()}
    ran: list[str] = []
    hooks = [module.register_forward_hook(lambda m, i, o: ran.append(names[m]))
             for module in model.modules() if isinstance(module, nn.Conv2d)]
    try:
        with torch.no_grad():
            model(images[:1])
    finally:
        for hook in hooks:
            hook.remove()
    return ran[-1] if ran else None


def grad_cam(model: nn.Module, images: torch.Tensor, classes: list[int], layer: str) -> torch.Tensor:
    """torchcam's Grad-CAM at ``layer`` for each image and its class: (N, H, W) of the input's size, in [0, 1]."""
    from torchcam.methods import GradCAM

    model.eval()
    with GradCAM(model, target_layer=layer, input_shape=tuple(images.shape[1:])) as extractor:
        scores = model(images)
        maps = extractor(class_idx=classes, scores=scores)[0].detach()
    return normalise_maps(maps, images.shape[-1])


def class_activation_maps(model: nn.Module, images: torch.Tensor, features: str, classifier: str,
                          classes: int) -> torch.Tensor:
    """torchcam's CAM (features -> 1x1 classifier -> global average pooling) for every class:
    (N, classes, H, W) of the input's size, each map in [0, 1]."""
    from torchcam.methods import CAM

    model.eval()
    out = []
    with CAM(model, target_layer=features, fc_layer=classifier, input_shape=tuple(images.shape[1:])) as extractor:
        with torch.no_grad():
            model(images)
        for c in range(classes):
            out.append(normalise_maps(extractor(class_idx=[c] * len(images))[0], images.shape[-1]))
    return torch.stack(out, dim=1)


def _support_box(gradient: torch.Tensor) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels with a non-zero gradient in any sample, or None."""
    hit = (gradient.abs() > 0).flatten(0, -3).any(0)  # H x W
    rows, cols = torch.nonzero(hit.any(1)).flatten(), torch.nonzero(hit.any(0)).flatten()
    if len(rows) == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]), int(cols[-1])


def field_check(model: nn.Module, rows: list[Any], size: int, samples: int = FIELD_SAMPLES,
                seed: int = 0) -> list[dict[str, Any]]:
    """For every convolution and pooling, three units (a corner, the centre, the opposite corner): the
    receptive field by the formula, and the pixels whose gradient is non-zero for at least one of
    ``samples`` random inputs. They agree when the gradients fill exactly the formula's box."""
    layers = spatial_layers(geometry(rows, size))
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(samples, *rows[0].input_shape, generator=generator).requires_grad_(True)
    model.eval()
    recorder = Recorder()
    with recorder:
        model(x)
    outputs = recorder.outputs
    checks = []
    for position, layer in enumerate(layers):
        if position >= len(outputs):
            break
        _, out = outputs[position]
        h, w = out.shape[-2:]
        for y, xx in sorted({(0, 0), (h // 2, w // 2), (h - 1, w - 1)}):
            (gradient,) = torch.autograd.grad(out[:, :, y, xx].sum(), x, retain_graph=True)
            box = field_box(layer, y, xx, size)
            got = _support_box(gradient)
            checks.append({"layer": position, "op": layer.op, "unit": (y, xx), "field": layer.field,
                           "formula": box["clipped"], "gradient": got, "agree": got == box["clipped"]})
    return checks


def _look_inside(recipe: Recipe, model: nn.Module, test_x: torch.Tensor, test_y: torch.Tensor,
                 predicted: torch.Tensor, raw: np.ndarray, wrong: np.ndarray) -> dict[str, Any]:
    from grader.trace import trace

    model.eval()
    size = test_x.shape[-1]
    rows = trace(model, tuple(test_x.shape[1:])).rows
    gallery_index: list[int] = []
    for digit in range(10):
        gallery_index += [int(i) for i in torch.nonzero(test_y == digit).flatten()[:GALLERY_PER_CLASS]]
    gallery_index += [int(i) for i in wrong[:MAX_MISCLASSIFIED] if int(i) not in gallery_index]
    images = test_x[gallery_index]
    recorder = Recorder()
    with torch.no_grad(), recorder:
        probabilities = F.softmax(model(images), dim=1)
    convs = [(op, out) for op, out in recorder.outputs if op == "conv2d"]
    inside: dict[str, Any] = {
        "ok": True, "rows": [row.to_dict() for row in rows], "size": size,
        "filters": recorder.weights[0].numpy() if recorder.weights else None,
        "conv_shapes": [tuple(out.shape[1:]) for _, out in convs],
        "gallery": [], "cam_kind": recipe.cam, "cam_layer": None, "cam_note": None, "fields": [],
        "field_samples": FIELD_SAMPLES,
    }
    if recipe.cam == "gradcam":
        layer = _last_conv(model, images)
        if layer is None:
            inside["cam_note"] = "no_conv_module"
            cams = None
        else:
            inside["cam_layer"] = layer
            cams = grad_cam(model, images, [int(c) for c in probabilities.argmax(1)], layer)
        inside["fields"] = field_check(model, rows, size)
    else:
        inside["cam_layer"] = "features"
        cams = class_activation_maps(model, images, "features", "classifier", 10)
    for slot, index in enumerate(gallery_index):
        entry = {"test_index": index, "label": int(test_y[index]), "predicted": int(predicted[index]),
                 "probabilities": probabilities[slot].tolist(), "image": raw[index, 0],
                 "maps": [out[slot].numpy().astype(np.float16) for _, out in convs] if recipe.learner else [],
                 "cam": cams[slot].numpy() if cams is not None else None}
        inside["gallery"].append(entry)
    return inside
