"""The chapter's Train tab (LeNet-5: your own model; NiN: the zoo's DigitsGAPNet and its class activation
maps) and, for the networks too big to train here, the Inside tab: what their structure alone tells.

Training runs in a ``grader.train.TrainJob``: a thread of the server, outside the page's script run, whose
child process does the work. The page only starts it, polls it (a fragment re-run twice a second draws the
live chart), stops it, and renders the result the grader hands back.
"""

from __future__ import annotations

import uuid

import altair as alt
import pandas as pd
import streamlit as st

import solutions
from app_pages.common import limits, md, shown
from app_pages.pictures import boxed, gray, heat_over
from grader import worked
from grader.chapters import Chapter
from grader.digits import load_digits32
from grader.inside import field_box, geometry, spatial_layers, stacked_3x3, weight_layers
from grader.protocol import OpRow
from grader.text import op_label, t
from grader.train import Recipe, TrainJob, TrainResult, recipe_for, reference_run
from grader.worksheets import WORKSHEETS

__all__ = ["render_train", "render_inside", "trainable", "LIVE_SECONDS"]

LIVE_SECONDS = 0.5


def trainable(chapter: Chapter) -> bool:
    return recipe_for(chapter.id) is not None


@st.cache_resource(show_spinner=False)
def _jobs() -> dict[str, TrainJob]:
    """Every session's latest training, by session and chapter: the jobs outlive the script runs."""
    return {}


def _key(chapter_id: str) -> str:
    session = st.session_state.setdefault("train:session", uuid.uuid4().hex)
    return f"{session}:{chapter_id}"


def _start(chapter_id: str, lang: str) -> None:
    timeout, memory = limits()
    epochs = int(st.session_state[f"train:{chapter_id}:epochs"])
    seed = int(st.session_state[f"train:{chapter_id}:seed"])
    jobs = _jobs()
    old = jobs.get(_key(chapter_id))
    if old is not None and not old.done:
        return
    jobs[_key(chapter_id)] = TrainJob(chapter_id, epochs=epochs, seed=seed, lang=lang, memory_mb=memory,
                                      check_timeout=timeout).start()


def _stop(chapter_id: str) -> None:
    job = _jobs().get(_key(chapter_id))
    if job is not None:
        job.stop()


# -- the Train tab -----------------------------------------------------------------------------------------
def render_train(chapter: Chapter, lang: str) -> None:
    recipe = recipe_for(chapter.id)
    assert recipe is not None
    data = load_digits32()
    if recipe.learner:
        st.markdown(md(t("train.intro", lang, cls=recipe.model, path=shown(chapter.exercise_path()),
                         total=len(data.labels), train=len(data.train), test=len(data.test))))
    else:
        info = solutions.get_model_info(recipe.model)
        st.markdown(md(t("train.intro_gap", lang, model=recipe.model, params=info.num_params)))
    job = _jobs().get(_key(chapter.id))
    running = job is not None and not job.done
    left, middle, right = st.columns([1, 1, 2], vertical_alignment="bottom")
    left.number_input(t("train.epochs", lang), min_value=1, max_value=60, value=recipe.epochs, step=1,
                      key=f"train:{chapter.id}:epochs", disabled=running)
    middle.number_input(t("train.seed", lang), min_value=0, max_value=10_000, value=0, step=1,
                        key=f"train:{chapter.id}:seed", disabled=running)
    right.button(t("train.again" if job is not None else "train.start", lang), key=f"train:{chapter.id}:start",
                 type="primary", icon=":material/model_training:", disabled=running, on_click=_start,
                 args=(chapter.id, lang))
    if running:
        _live(chapter.id, lang)
    elif job is not None and job.result is not None:
        _result(chapter, recipe, job.result, lang)


@st.fragment(run_every=LIVE_SECONDS)
def _live(chapter_id: str, lang: str) -> None:
    """While the job runs: its stage, a progress bar, the curves so far, a Stop button. Re-run on its own."""
    job = _jobs().get(_key(chapter_id))
    if job is None:
        return
    if job.done:
        st.rerun(scope="app")
        return
    st.button(t("train.stop", lang), key=f"train:{chapter_id}:stop", icon=":material/stop_circle:", on_click=_stop,
              args=(chapter_id,), disabled=job.stopping)
    history = job.history("learner")
    events = job.events("learner")
    if job.stopping:
        state = t("train.state.stopping", lang)
    elif job.stage == "training" and events and events[-1].get("event") == "inside":
        state = t("train.state.inside", lang)
    elif job.stage == "training":
        state = t("train.state.training", lang, epoch=min(len(history) + 1, job.epochs), epochs=job.epochs)
    else:
        state = t(f"train.state.{job.stage}", lang)
    which = "reference" if job.stage == "reference" else "learner"
    st.progress(job.fraction(which), text=state)
    reference = job.history("reference") or (reference_run(chapter_id, job.epochs, job.seed) or {}).get("history", [])
    _curves(history, reference if job.recipe.learner else [], job.recipe, lang, job.epochs)


def _curves(history: list[dict], reference: list[dict], recipe: Recipe, lang: str, epochs: int) -> None:
    """Accuracy (train and test; the reference's test) and loss, per epoch: yours in red, the reference in blue."""
    mine = "yours" if recipe.learner else "model"
    names = {"test": t(f"train.chart.{mine}_test", lang), "train": t(f"train.chart.{mine}_train", lang),
             "reference": t("train.chart.reference_test", lang),
             "loss": t("train.chart.yours_loss" if recipe.learner else "train.chart.model_train", lang),
             "reference_loss": t("train.chart.reference_loss", lang)}
    rows = [{"epoch": e["epoch"], "value": e[field], "curve": names[name], "who": "mine"} for e in history
            for name, field in (("test", "test_accuracy"), ("train", "train_accuracy"))]
    rows += [{"epoch": e["epoch"], "value": e["test_accuracy"], "curve": names["reference"], "who": "reference"}
             for e in reference]
    losses = [{"epoch": e["epoch"], "value": e["loss"], "curve": names["loss"], "who": "mine"} for e in history]
    losses += [{"epoch": e["epoch"], "value": e["loss"], "curve": names["reference_loss"], "who": "reference"}
               for e in reference]
    dash = alt.StrokeDash("who:N", legend=None, scale=alt.Scale(domain=["mine", "reference"], range=[[1, 0], [5, 4]]))
    x = alt.X("epoch:Q", title=t("train.chart.epoch", lang), scale=alt.Scale(domain=[1, max(epochs, 2)]),
              axis=alt.Axis(tickMinStep=1))
    legend = alt.Legend(orient="bottom", title=None)

    def colour(keys: list[str]) -> alt.Color:
        palette = {"test": "#d62728", "train": "#ff9896", "reference": "#1f77b4", "loss": "#d62728",
                   "reference_loss": "#1f77b4"}
        return alt.Color("curve:N", legend=legend, scale=alt.Scale(domain=[names[k] for k in keys],
                                                                   range=[palette[k] for k in keys]))

    def tips(number: str) -> list[alt.Tooltip]:
        return [alt.Tooltip("epoch:Q", title=t("train.chart.epoch", lang)),
                alt.Tooltip("curve:N", title=t("train.chart.series", lang)),
                alt.Tooltip("value:Q", title=t("train.chart.value", lang), format=number)]

    left, right = st.columns(2)
    accuracy = pd.DataFrame(rows, columns=["epoch", "value", "curve", "who"])
    left.altair_chart(alt.Chart(accuracy).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=t("train.chart.accuracy", lang), axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 1])),
        color=colour(["test", "train", "reference"] if recipe.learner else ["test", "train"]), strokeDash=dash,
        tooltip=tips(".1%")).properties(height=280), width="stretch")
    loss = pd.DataFrame(losses, columns=["epoch", "value", "curve", "who"])
    right.altair_chart(alt.Chart(loss).mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=t("train.chart.loss", lang)),
        color=colour(["loss", "reference_loss"] if recipe.learner else ["loss"]), strokeDash=dash,
        tooltip=tips(".3f")).properties(height=280), width="stretch")
    st.caption(t("train.chart.caption", lang, model=recipe.model))


def _result(chapter: Chapter, recipe: Recipe, result: TrainResult, lang: str) -> None:
    if result.status == "refused":
        st.error(md(result.message), icon=":material/block:")
        return
    if not result.ok:
        st.error(md(result.message), icon=":material/error:")
        if result.output.strip():
            with st.expander(t("check.output", lang)):
                st.code(result.output[-5000:], language=None)
        return
    if result.stopped:
        st.warning(t("train.stopped", lang, epochs=result.epochs, asked=result.epochs_asked))
    st.success(t("train.done", lang, epochs=result.epochs, test=result.test_accuracy), icon=":material/check_circle:")
    st.caption(t("train.previous", lang, epochs=result.epochs_asked, seed=result.seed))
    columns = st.columns(4)
    columns[0].metric(t("train.metric.test", lang), f"{result.test_accuracy:.1%}")
    columns[1].metric(t("train.metric.train", lang), f"{result.train_accuracy:.1%}")
    columns[2].metric(t("train.metric.seconds", lang), t("train.seconds_value", lang, seconds=result.seconds))
    if result.reference:
        columns[3].metric(t("train.metric.reference", lang), f"{result.reference['test_accuracy']:.1%}")
    _curves(result.history, (result.reference or {}).get("history", []), recipe, lang, result.epochs_asked)
    left, right = st.columns([1, 1])
    with left:
        _confusion(result, lang)
    with right:
        _misclassified(result, lang)
    inside = result.inside
    if inside is None:
        return
    if not inside.get("ok"):
        st.error(t("inside.failed", lang, detail=f"{inside.get('exc_type')}: {inside.get('message')}"))
        return
    st.header(t("inside.title", lang))
    if recipe.cam == "cam":
        _cam(chapter, inside, lang)
    else:
        _filters(inside, lang)
        _feature_maps(chapter, inside, lang)
        _receptive_field(chapter, inside, lang)
        _grad_cam(inside, lang)


def _confusion(result: TrainResult, lang: str) -> None:
    st.subheader(t("train.confusion_title", lang))
    true, said, count = t("train.true", lang), t("train.predicted", lang), t("train.count", lang)
    frame = pd.DataFrame([{true: row, said: col, count: n} for row, line in enumerate(result.confusion)
                          for col, n in enumerate(line)])
    base = alt.Chart(frame).encode(x=alt.X(f"{said}:O"), y=alt.Y(f"{true}:O"))
    cells = base.mark_rect().encode(color=alt.Color(f"{count}:Q", scale=alt.Scale(type="symlog", scheme="blues"),
                                                     legend=None), tooltip=[true, said, count])
    labels = base.mark_text(fontSize=12).encode(
        text=alt.condition(f"datum['{count}'] > 0", f"{count}:Q", alt.value("")),
        color=alt.condition(f"datum['{count}'] > 20", alt.value("white"), alt.value("black")))
    st.altair_chart((cells + labels).properties(height=340), width="stretch")
    st.caption(t("train.confusion_caption", lang))


def _misclassified(result: TrainResult, lang: str) -> None:
    st.subheader(t("train.misclassified_title", lang))
    total = sum(map(sum, result.confusion))
    st.caption(t("train.misclassified", lang, count=result.misclassified_count, total=total))
    if not result.misclassified:
        st.info(t("train.all_right", lang))
        return
    items = result.misclassified[:24]
    st.image([gray(item["image"], 3, scale=False) for item in items],
             caption=[t("train.misclassified_caption", lang, label=item["label"], predicted=item["predicted"])
                      for item in items], width=72)


# -- looking inside LeNet-5 --------------------------------------------------------------------------------
def _gallery_choice(chapter: Chapter, inside: dict, lang: str, key: str) -> dict:
    gallery = inside["gallery"]

    def label(slot: int) -> str:
        item = gallery[slot]
        return t("inside.digit_option", lang, index=item["test_index"], label=item["label"], predicted=item["predicted"],
                 confidence=max(item["probabilities"]))

    slot = st.selectbox(t("inside.digit", lang), range(len(gallery)), format_func=label,
                        key=f"inside:{chapter.id}:{key}")
    return gallery[slot or 0]


def _filters(inside: dict, lang: str) -> None:
    filters = inside.get("filters")
    if filters is None:
        return
    count, _, k, _ = filters.shape
    st.subheader(t("inside.filters", lang, count=count, k=k))
    st.image([gray(f[0] if f.shape[0] == 1 else f.mean(0), 12) for f in filters], width=60)
    st.caption(t("inside.filters_caption", lang, k=k))


def _blank_for(chapter_id: str, shape: tuple[int, ...]) -> str | None:
    """The worksheet blank whose answer is this shape (CONV1_OUTPUT for 6x28x28), if any."""
    for blank in WORKSHEETS.get(chapter_id, ()):
        try:
            if tuple(blank.answer()) == tuple(shape):  # type: ignore[arg-type]
                return blank.name
        except TypeError:
            continue
    return None


def _feature_maps(chapter: Chapter, inside: dict, lang: str) -> None:
    item = _gallery_choice(chapter, inside, lang, "maps")
    st.image(gray(item["image"], 4, scale=False), width=128)
    for number, (maps, shape) in enumerate(zip(item["maps"], inside["conv_shapes"]), start=1):
        channels, h, w = shape
        st.subheader(t("inside.maps", lang, number=number, channels=channels, h=h, w=w))
        text = "x".join(map(str, shape))
        blank = _blank_for(chapter.id, tuple(shape))
        st.caption(md(t("inside.maps_blank", lang, shape=text, blank=blank) if blank else t("inside.maps_shape", lang, shape=text)))
        factor = max(1, 84 // max(h, w))
        st.image([gray(m.astype("float32"), factor) for m in maps], width=84)
    st.caption(t("inside.maps_caption", lang))


def _receptive_field(chapter: Chapter, inside: dict, lang: str) -> None:
    st.subheader(t("inside.field_title", lang))
    size = inside["size"]
    rows = [OpRow.from_dict(row) for row in inside["rows"]]
    layers = spatial_layers(geometry(rows, size))
    if not layers:
        return
    labels = {i: t("inside.layer_option", lang, number=i + 1, op=op_label(g.op, lang),
                   shape="x".join(map(str, g.output_shape))) for i, g in enumerate(layers)}
    left, right = st.columns([1, 2])
    with left:
        choice = st.selectbox(t("inside.field_layer", lang), list(labels), format_func=labels.get,
                              index=len(layers) - 1, key=f"inside:{chapter.id}:layer")
        layer = layers[choice or 0]
        h, w = layer.output_shape[-2:]
        y = st.slider(t("inside.field_row", lang), 0, h - 1, h // 2, key=f"inside:{chapter.id}:y:{choice}")
        x = st.slider(t("inside.field_col", lang), 0, w - 1, w // 2, key=f"inside:{chapter.id}:x:{choice}")
        item = _gallery_choice(chapter, inside, lang, "field")
    box = field_box(layer, y, x, size)
    with right:
        st.image(boxed(item["image"], box["clipped"], 8), width=256)
        st.markdown(t("inside.field", lang, y=y, x=x, number=(choice or 0) + 1, op=op_label(layer.op, lang),
                      size=box["size"], top=box["top"], bottom=box["bottom"], left=box["left"], right=box["right"],
                      steps=worked.receptive_field(layer.chain, lang).substituted))
        checks = [c for c in inside.get("fields", []) if c["layer"] == choice]
        wrong = [c for c in checks if not c["agree"]]
        if checks and not wrong:
            st.success(t("inside.field_ok", lang, units=len(checks), samples=inside.get("field_samples", 0)), icon=":material/verified:")
        for c in wrong:
            st.warning(t("inside.field_bad", lang, unit=tuple(c["unit"]), formula=tuple(c["formula"]),
                         gradient=c["gradient"]))
        st.caption(t("inside.field_caption", lang))


def _grad_cam(inside: dict, lang: str) -> None:
    st.subheader(t("inside.gradcam_title", lang))
    if inside.get("cam_layer") is None:
        st.info(md(t("inside.gradcam_none", lang)))
        return
    gallery = inside["gallery"]
    h, w = inside["conv_shapes"][-1][1:]
    st.image([heat_over(item["image"], item["cam"], 3) for item in gallery],
             caption=[t("inside.image_caption", lang, label=item["label"], predicted=item["predicted"]) for item in gallery],
             width=96)
    st.caption(md(t("inside.gradcam_caption", lang, layer=inside["cam_layer"], h=h, w=w)))


# -- class activation maps (DigitsGAPNet) ------------------------------------------------------------------
def _cam(chapter: Chapter, inside: dict, lang: str) -> None:
    st.subheader(t("cam.title", lang))
    gallery = inside["gallery"]
    options = ["predicted", *range(10)]
    choice = st.segmented_control(t("cam.class", lang), options, default="predicted", key=f"cam:{chapter.id}:class",
                                  format_func=lambda o: t("cam.predicted", lang) if o == "predicted" else str(o))
    choice = "predicted" if choice is None else choice
    pictures, captions = [], []
    for item in gallery:
        digit = item["predicted"] if choice == "predicted" else int(choice)
        pictures.append(heat_over(item["image"], item["cam"][digit], 3))
        captions.append(t("inside.image_caption", lang, label=item["label"], predicted=item["predicted"]))
    st.image(pictures, caption=captions, width=96)
    st.caption(t("cam.caption", lang))
    item = _gallery_choice(chapter, inside, lang, "cam")
    st.image([heat_over(item["image"], item["cam"][digit], 3) for digit in range(10)],
             caption=[str(digit) for digit in range(10)], width=96)


# -- the Inside tab: networks too big to train here ---------------------------------------------------------
@st.cache_data(show_spinner=False)
def _reference_rows(name: str) -> tuple[list[OpRow], tuple[int, ...]]:
    from grader.trace import trace

    info = solutions.get_model_info(name)
    return trace(info.build(device="meta"), info.input_shape).rows, info.input_shape


def render_inside(chapter: Chapter, lang: str) -> None:
    name = chapter.zoo_name or chapter.models[0].class_name
    rows, input_shape = _reference_rows(name)
    size = input_shape[-1]
    st.subheader(t("big.title", lang, model=name))
    st.markdown(t("big.intro", lang))
    layers = geometry(rows, size)
    sliding = spatial_layers(layers)
    label, op, field_px = t("big.layer", lang), t("big.op", lang), t("big.field_px", lang)
    frame = pd.DataFrame([{label: f"{n:02d} {op_label(g.op, lang)}", "n": n, op: op_label(g.op, lang),
                           t("big.shape", lang): "x".join(map(str, g.output_shape)), "size": g.output_shape[-1],
                           field_px: g.field, t("big.jump", lang): g.jump} for n, g in enumerate(sliding, start=1)])
    st.subheader(t("big.sizes", lang))
    st.altair_chart(alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{label}:N", sort=None, title=label), y=alt.Y("size:Q", title=t("big.size", lang)),
        color=alt.Color(f"{op}:N", title=op), tooltip=[label, t("big.shape", lang)]).properties(height=260), width="stretch")
    st.caption(t("big.sizes_caption", lang))
    st.subheader(t("big.field", lang))
    line = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X(f"{label}:N", sort=None, title=label), y=alt.Y(f"{field_px}:Q", title=field_px),
        tooltip=[label, field_px, t("big.jump", lang)])
    rule = alt.Chart(pd.DataFrame({"image": [size]})).mark_rule(strokeDash=[4, 4], color="gray").encode(y="image:Q")
    st.altair_chart((line + rule).properties(height=260), width="stretch")
    st.caption(t("big.field_caption", lang, size=size))
    st.dataframe(frame.drop(columns=["n", "size"]), hide_index=True)
    st.subheader(t("big.cost", lang))
    cost = pd.DataFrame([{label: f"{g.layer:02d} {op_label(g.op, lang)}", op: op_label(g.op, lang),
                          "params": g.params / 1e6, "macs": g.macs / 1e6} for g in weight_layers(layers)])
    left, right = st.columns(2)  # each on its own scale: the parameters sit where the MACs do not
    for column, field, title in ((left, "params", t("big.params", lang)), (right, "macs", t("big.macs", lang))):
        column.altair_chart(alt.Chart(cost).mark_bar().encode(
            x=alt.X(f"{label}:N", sort=None, title=label), y=alt.Y(f"{field}:Q", title=title),
            color=alt.Color(f"{op}:N", title=op, legend=alt.Legend(orient="bottom")),
            tooltip=[label, alt.Tooltip(f"{field}:Q", title=title, format=",.3f")]).properties(height=300),
            width="stretch")
    st.caption(t("big.cost_caption", lang))
    if name.startswith("VGG"):
        channels = 256
        st.subheader(t("big.vgg", lang))
        st.markdown(t("big.vgg_intro", lang, channels=channels))
        stacked, single = t("big.vgg_stacked", lang), t("big.vgg_single", lang)
        st.dataframe(pd.DataFrame([{t("big.vgg_n", lang): row["n"], t("big.vgg_field", lang): f"{row['field']}x{row['field']}",
                                    stacked: row["stacked_params"], single: row["single_params"]}
                                   for row in stacked_3x3(channels)]),
                     hide_index=True, column_config={stacked: st.column_config.NumberColumn(format="localized"),
                                                     single: st.column_config.NumberColumn(format="localized")})
