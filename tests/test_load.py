"""Stage 1 of the pipeline: loading a learner's file. Every failure is an ErrorInfo with its kind, the
learner's line and the exception's own words (never a message the parent has to parse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.load import LoadError, error_info, import_path, load_class


def _write(tmp_path: Path, text: str, name: str = "mine.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_syntax_error_keeps_its_line_and_pythons_words(tmp_path: Path) -> None:
    path = _write(tmp_path, "import torch\n\nclass LeNet5(nn.Module)\n    pass\n")
    with pytest.raises(LoadError) as caught:
        import_path(path)
    info = caught.value.info
    assert (info.kind, info.line, info.stage) == ("syntax", 3, "import")
    assert info.detail == "expected ':'" and info.source == "class LeNet5(nn.Module)"


def test_a_missing_file_and_a_missing_class_with_the_closest_name(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        import_path(tmp_path / "nowhere.py")
    assert caught.value.info.kind == "import" and caught.value.info.exc_type == "FileNotFoundError"
    path = _write(tmp_path, "class Lenet5:\n    pass\n\nclass Helper:\n    pass\n")
    with pytest.raises(LoadError) as caught:
        load_class(path, "LeNet5")
    assert (caught.value.info.kind, caught.value.info.suggestion) == ("missing_class", "Lenet5")
    assert "did you mean Lenet5?" in str(caught.value)


def test_a_second_import_sees_the_new_contents(tmp_path: Path) -> None:
    path = _write(tmp_path, "VALUE = 1\n")
    assert import_path(path).VALUE == 1
    path.write_text("VALUE = 2\n")
    assert import_path(path).VALUE == 2


def _raised(action) -> BaseException:
    try:
        action()
    except BaseException as error:  # noqa: BLE001
        return error
    raise AssertionError("nothing raised")


def test_error_kinds_tell_a_stub_from_a_missing_forward(tmp_path: Path) -> None:
    import torch
    from torch import nn

    path = _write(tmp_path, "def build():\n    raise NotImplementedError\n")
    stub = _raised(import_path(path).build)
    info = error_info(stub, str(path), "build")
    assert (info.kind, info.line, info.source) == ("not_implemented", 2, "raise NotImplementedError")
    no_forward = _raised(lambda: nn.Module()(torch.zeros(1)))
    assert error_info(no_forward, str(path), "forward").kind == "no_forward"
    assert error_info(MemoryError(), str(path), "forward").kind == "memory"
    assert error_info(ImportError("no module named my_layers"), str(path), "import").kind == "import"
    plain = error_info(RuntimeError("shapes cannot be multiplied"), str(path), "forward")
    assert (plain.kind, plain.exc_type, plain.detail, plain.line) == ("error", "RuntimeError", "shapes cannot be multiplied", None)


def test_the_graders_own_failure_is_never_blamed_on_the_learners_file(tmp_path: Path) -> None:
    """An exception raised in the grader's own code is "internal" (a bug to fix, said as such); torch's error
    for the learner's call, raised where the tracer runs torch's kernel, is the learner's."""
    import torch
    from torch import nn

    from grader import formulas
    from grader.trace import trace

    ours = _raised(lambda: formulas.conv_output_size(0, 3))
    info = error_info(ours, str(tmp_path / "mine.py"), "forward")
    assert info.kind == "internal" and "grader/formulas.py:" in info.detail
    with torch.device("meta"):
        model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(10, 2))
    theirs = _raised(lambda: trace(model, (3, 8, 8)))
    assert error_info(theirs, str(tmp_path / "mine.py"), "forward").kind == "error"


def test_a_class_with_another_signature_is_the_learners_mistake_at_its_def_line(tmp_path: Path) -> None:
    """The grader's call cannot bind the exercise's arguments: raised in grader code, yet not "internal"."""
    from grader.chapters import get_chapter
    from grader.probe import _build

    path = _write(tmp_path, "from torch import nn\n\n\nclass Inception(nn.Module):\n"
                            "    def __init__(self, in_channels, c1, c2, c3, c4):\n        super().__init__()\n")
    cls = load_class(path, "Inception")
    spec = get_chapter("ch06").models[0]
    info = error_info(_raised(lambda: _build(cls, spec, "meta")), str(path), "build")
    assert (info.kind, info.line, info.source) == ("signature", 5, "def __init__(self, in_channels, c1, c2, c3, c4):")
    assert info.detail == "Inception(192, 64, 96, 128, 16, 32, 32): too many positional arguments"
