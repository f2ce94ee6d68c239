"""``train``: see a network learn. The learner's own LeNet-5 (once its structure check passes), or the zoo's
small global-average-pooling network, trained on the digits in the grader's isolated child.

    job = TrainJob("ch01", lang="en").start()      a thread in this process; the child does the work
    job.events()                                   what the child reported so far (per batch, per epoch)
    job.stop()                                     the child stops between two batches and answers
    result = job.wait()                            a TrainResult: history, scores, confusion, a look inside

The reference model's run (same seed, same data) is cached in the data folder, so its curve costs its
training time once. This module never imports torch: the CLI and the app poll the job without it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.digits import NAME as DATASET
from grader.text import normalize_lang, t

__all__ = ["Recipe", "RECIPES", "TrainJob", "TrainResult", "recipe_for", "reference_run", "RECIPE_VERSION",
           "DEFAULT_MEMORY_MB", "training_timeout"]

RECIPE_VERSION = 1  # part of the reference cache's key: change it whenever the training recipe changes
DEFAULT_MEMORY_MB = 3072


@dataclass(frozen=True)
class Recipe:
    """How a chapter's network is trained on the digits (Adam with a one-cycle schedule, random shifts)."""

    chapter: str
    model: str  # the zoo's name, and the learner's class name when ``learner``
    learner: bool  # train the learner's own class (else the zoo's model)
    epochs: int
    lr: float
    batch_size: int
    shift: int  # augmentation: random shifts of up to this many pixels
    cam: str  # "gradcam" (any CNN) or "cam" (a network ending in global average pooling)


RECIPES: dict[str, Recipe] = {
    "ch01_lenet": Recipe("ch01_lenet", "LeNet5", learner=True, epochs=15, lr=2e-3, batch_size=32, shift=2, cam="gradcam"),
    "ch04_nin": Recipe("ch04_nin", "DigitsGAPNet", learner=False, epochs=6, lr=3e-3, batch_size=32, shift=2, cam="cam"),
}


def recipe_for(chapter_id: str) -> Recipe | None:
    """The chapter's training recipe, or None when its network cannot be trained on this machine."""
    return RECIPES.get(chapter_id)


def training_timeout(recipe: Recipe, epochs: int) -> float:
    """Seconds the training child may run: generous, for a machine under load (a LeNet-5 epoch takes
    0.2-0.5 s, a DigitsGAPNet epoch 1-3 s)."""
    per_epoch = 10.0 if recipe.learner else 30.0
    return 120.0 + per_epoch * epochs


@dataclass
class TrainResult:
    """A finished (or stopped, or refused) training run, as plain data."""

    chapter: str
    model: str
    status: str  # ok | refused | failed
    message: str = ""  # why it was refused or failed, in the asked language
    check: str | None = None  # the check to fix first, when refused
    epochs: int = 0  # completed epochs
    epochs_asked: int = 0
    seed: int = 0
    train_accuracy: float = 0.0
    test_accuracy: float = 0.0
    seconds: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    stopped: bool = False
    confusion: list[list[int]] = field(default_factory=list)
    misclassified: list[dict[str, Any]] = field(default_factory=list)
    misclassified_count: int = 0
    inside: dict[str, Any] | None = None
    reference: dict[str, Any] | None = None  # the reference's run: history, accuracies, seconds
    learner: bool = True
    output: str = ""  # what the learner's code printed

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """The issue's JSON: chapter, model, dataset, epochs, seed, accuracies, seconds, history."""
        return {
            "chapter": self.chapter, "model": self.model, "dataset": DATASET, "epochs": self.epochs, "seed": self.seed,
            "train_accuracy": round(self.train_accuracy, 4), "test_accuracy": round(self.test_accuracy, 4),
            "seconds": round(self.seconds, 2),
            "history": [{key: round(entry[key], 4) if key != "epoch" else entry[key]
                         for key in ("epoch", "loss", "train_accuracy", "test_accuracy")} for entry in self.history],
        }


def _cache_dir() -> Path:
    from grader.progress import data_dir

    path = data_dir() / "train"
    path.mkdir(parents=True, exist_ok=True)
    return path


def reference_run(chapter_id: str, epochs: int, seed: int) -> dict[str, Any] | None:
    """The cached reference run for these settings, or None."""
    path = _cache_dir() / f"{chapter_id}-v{RECIPE_VERSION}-e{epochs}-s{seed}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _save_reference(chapter_id: str, epochs: int, seed: int, run: dict[str, Any]) -> None:
    path = _cache_dir() / f"{chapter_id}-v{RECIPE_VERSION}-e{epochs}-s{seed}.json"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ref-")
    with os.fdopen(fd, "w") as file:
        json.dump(run, file)
    os.replace(tmp, path)


class TrainJob:
    """One training run in a background thread: structure check (learner's model), the learner's training,
    then the reference's (unless cached). Thread-safe to poll from another thread."""

    def __init__(self, chapter: str, path: str | Path | None = None, *, epochs: int | None = None, seed: int = 0,
                 lang: str = "en", reference: bool = True, timeout: float | None = None,
                 memory_mb: int = DEFAULT_MEMORY_MB, check_timeout: float = 20.0) -> None:
        from grader.chapters import get_chapter

        self.chapter = get_chapter(chapter)
        recipe = recipe_for(self.chapter.id)
        if recipe is None:
            raise ValueError(t("train.not_trainable", lang, chapter=self.chapter.id))
        self.recipe = recipe
        self.path = Path(path) if path is not None else (self.chapter.exercise_path() if recipe.learner else None)
        self.epochs = max(1, int(epochs if epochs is not None else recipe.epochs))
        self.seed = int(seed)
        self.lang = normalize_lang(lang)
        self.with_reference = reference and recipe.learner
        self.timeout = timeout if timeout is not None else training_timeout(recipe, self.epochs)
        self.memory_mb = memory_mb
        self.check_timeout = check_timeout
        self.folder = Path(tempfile.mkdtemp(prefix="cnn-dojo-train-"))
        self.stop_path = self.folder / "stop"
        self.stage = "waiting"  # waiting | checking | training | reference | done
        self.result: TrainResult | None = None
        self.started = time.monotonic()
        self._finished = threading.Event()  # waited on instead of Thread.join, which Ctrl-C can leave broken
        self._thread = threading.Thread(target=self._run, name=f"train-{self.chapter.id}", daemon=True)

    # -- control ------------------------------------------------------------------------------------------
    def start(self) -> TrainJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the child to stop between two batches; it answers with what it has."""
        self.stop_path.touch()

    @property
    def stopping(self) -> bool:
        return self.stop_path.exists()

    @property
    def done(self) -> bool:
        return self.result is not None

    def wait(self, timeout: float | None = None) -> TrainResult | None:
        """The result once the job is done (None if ``timeout`` seconds pass first)."""
        self._finished.wait(timeout)
        return self.result

    # -- what the child reported --------------------------------------------------------------------------
    def events(self, which: str = "learner") -> list[dict[str, Any]]:
        """The progress lines of the learner's run (``which="learner"``) or the reference's, so far."""
        path = self.folder / f"{which}.jsonl"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return []
        events = []
        for line in text.splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                break  # a line being written
        return events

    def history(self, which: str = "learner") -> list[dict[str, Any]]:
        return [event for event in self.events(which) if event.get("event") == "epoch"]

    def fraction(self, which: str = "learner") -> float:
        """How far the run is, 0-1, by batches."""
        events = self.events(which)
        start = next((e for e in events if e.get("event") == "start"), None)
        last = next((e for e in reversed(events) if e.get("event") == "batch"), None)
        if start is None or last is None:
            return 0.0
        done = (last["epoch"] - 1) * start["batches"] + last["batch"]
        return min(1.0, done / (start["epochs"] * start["batches"]))

    # -- the work -----------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self.result = self._work()
        except Exception as error:  # noqa: BLE001  (the job always answers)
            self.result = TrainResult(self.chapter.id, self.recipe.model, "failed",
                                      message=t("train.failed", self.lang, detail=f"{type(error).__name__}: {error}"))
        finally:
            self.stage = "done"
            shutil.rmtree(self.folder, ignore_errors=True)  # the result holds everything the files said
            self._finished.set()

    def _refusal(self) -> TrainResult | None:
        """None when the learner's model may be trained; else a refusal naming the check to fix first."""
        from grader.pipeline import grade

        spec = self.chapter.models[0]
        check_id = f"{spec.label}.structure"
        report = grade(self.chapter.id, self.path, self.lang, timeout=self.check_timeout, memory_mb=self.memory_mb,
                       worksheet=False)
        check = report.check(check_id)
        if check.passed:
            return None
        return TrainResult(self.chapter.id, spec.label, "refused", check=check_id, learner=True,
                           message=t("train.fix_first", self.lang, check=check_id, message=check.message),
                           epochs_asked=self.epochs, seed=self.seed)

    def _child(self, which: str, path: str | None, inside: bool) -> tuple[str, dict[str, Any] | None, str]:
        from grader.isolate import run_isolated

        # named, not imported: grader.learn imports torch, which only the child needs
        outcome = run_isolated("grader.learn:train_child", self.chapter.id, path, self.epochs, self.seed,
                               str(self.folder / f"{which}.jsonl"), str(self.stop_path), inside,
                               timeout=self.timeout, memory_mb=self.memory_mb)
        return outcome.status, outcome.value, outcome.output

    def _work(self) -> TrainResult:
        recipe = self.recipe
        if recipe.learner:
            self.stage = "checking"
            refused = self._refusal()
            if refused is not None:
                return refused
        self.stage = "training"
        status, value, output = self._child("learner", str(self.path.resolve()) if self.path else None, inside=True)
        label = self.chapter.models[0].label if recipe.learner else recipe.model
        if status != "ok":
            key = {"timeout": "train.timeout", "memory": "train.memory", "exit": "train.exit"}.get(status, "train.crash")
            return TrainResult(self.chapter.id, label, "failed", learner=recipe.learner, output=output,
                               message=t(key, self.lang, seconds=round(self.timeout), limit=self.memory_mb),
                               epochs_asked=self.epochs, seed=self.seed)
        assert value is not None
        if not value.get("ok"):
            key = f"train.error.{value['stage']}" + ("_at" if value.get("line") else "")
            return TrainResult(self.chapter.id, label, "failed", learner=recipe.learner, output=output,
                               message=t(key, self.lang, exc_type=value["exc_type"], detail=value["message"],
                                         line=value.get("line")),
                               epochs_asked=self.epochs, seed=self.seed)
        result = TrainResult(
            self.chapter.id, label, "ok", epochs=value["epochs"], epochs_asked=self.epochs, seed=self.seed,
            train_accuracy=value["train_accuracy"], test_accuracy=value["test_accuracy"], seconds=value["seconds"],
            history=value["history"], stopped=value["stopped"], confusion=value["confusion"],
            misclassified=value["misclassified"], misclassified_count=value["misclassified_count"],
            inside=value["inside"], learner=recipe.learner, output=output)
        if self.with_reference and not result.stopped:
            result.reference = reference_run(self.chapter.id, self.epochs, self.seed)
            if result.reference is None:
                self.stage = "reference"
                status, value, _ = self._child("reference", None, inside=False)
                if status == "ok" and value and value.get("ok") and not value["stopped"]:
                    result.reference = {key: value[key] for key in
                                        ("epochs", "seed", "history", "train_accuracy", "test_accuracy", "seconds")}
                    _save_reference(self.chapter.id, self.epochs, self.seed, result.reference)
        return result
