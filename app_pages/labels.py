"""Every label the app shows, in English and Traditional Chinese (zh-TW), as grader/messages.py keeps
the grader's sentences. Pages call ``t(key, lang, **facts)``; a test checks both languages are here."""

from __future__ import annotations

from typing import Any

from grader.messages import LANGS, normalize_lang

__all__ = ["LABELS", "LANG_NAMES", "LANGS", "t"]

LANG_NAMES = {"en": "English", "zh-TW": "繁體中文"}

LABELS: dict[str, dict[str, str]] = {
    # -- the router --------------------------------------------------------------------------------------
    "app.motto": {"en": "Deeper is better; fewer parameters and fewer operations are better.",
                  "zh-TW": "越深越好！參數量與運算量越少越好！"},
    "lang.label": {"en": "Language · 語言", "zh-TW": "Language · 語言"},
    "nav.course": {"en": "Course", "zh-TW": "課程"},
    "nav.chapters": {"en": "Chapters", "zh-TW": "章節"},
    "nav.practice": {"en": "Practice", "zh-TW": "練習"},
    "page.overview": {"en": "Overview", "zh-TW": "總覽"},
    "page.drill": {"en": "Formula drill", "zh-TW": "公式練習"},
    "page.zoo": {"en": "Model zoo", "zh-TW": "模型動物園"},
    "page.chapter": {"en": "{number}. {title}", "zh-TW": "{number}. {title}"},
    # -- statuses ----------------------------------------------------------------------------------------
    "status.done": {"en": "done", "zh-TW": "完成"},
    "status.in progress": {"en": "in progress", "zh-TW": "進行中"},
    "status.not started": {"en": "not started", "zh-TW": "尚未開始"},
    # -- overview ----------------------------------------------------------------------------------------
    "overview.title": {"en": "Your progress", "zh-TW": "你的進度"},
    "overview.intro": {"en": "Every chapter has a worksheet of numbers to compute by hand and a network to build. "
                             "The grader runs your own files in `{folder}` (each in a separate process with time and "
                             "memory limits) and runs them again whenever you save one.",
                       "zh-TW": "每一章都有一份要手算數字的工作單，以及一個要實作的網路。評分器執行你在 `{folder}` 裡的檔案"
                                "（每個都在獨立行程中執行，並有時間與記憶體上限），你每次存檔它都會重新評分。"},
    "overview.grading": {"en": "Grading your files…", "zh-TW": "正在評分你的檔案…"},
    "overview.total": {"en": "Total score", "zh-TW": "總分"},
    "overview.chapters_done": {"en": "Chapters done", "zh-TW": "已完成章節"},
    "overview.parts": {"en": "worksheet {sheet} · model {model}", "zh-TW": "工作單 {sheet} · 模型 {model}"},
    "overview.open": {"en": "Open", "zh-TW": "開啟"},
    "overview.next": {"en": "What to do next", "zh-TW": "下一步"},
    "overview.next_chapter": {"en": "Continue with **{title}**. The first thing to fix:",
                              "zh-TW": "請繼續 **{title}**。第一個要修正的地方："},
    "overview.next_start": {"en": "Start **{title}**: fill in the worksheet, then build the model.",
                            "zh-TW": "開始 **{title}**：先填工作單，再實作模型。"},
    "overview.all_done": {"en": "Every chapter is done. Practise with the formula drill, or compare your models in the zoo.",
                          "zh-TW": "每一章都完成了！可以到公式練習多練習，或在模型動物園比較你的模型。"},
    # -- a chapter ---------------------------------------------------------------------------------------
    "chapter.files": {"en": "Your files: `{model}` and `{worksheet}`", "zh-TW": "你的檔案：`{model}` 與 `{worksheet}`"},
    "tab.notes": {"en": "Notes", "zh-TW": "筆記"},
    "tab.worksheet": {"en": "Worksheet", "zh-TW": "工作單"},
    "tab.check": {"en": "Model check", "zh-TW": "模型檢查"},
    "tab.architecture": {"en": "Architecture", "zh-TW": "架構圖"},
    "notes.missing": {"en": "No notes found at `{path}`.", "zh-TW": "在 `{path}` 找不到筆記。"},
    "sheet.intro": {"en": "Compute each blank by hand, write your number in place of the `None` in `{path}`, and save: "
                          "the marks below update.",
                    "zh-TW": "請手算每一格，把 `{path}` 裡的 `None` 換成你的數字並存檔，下方的結果就會更新。"},
    "sheet.score": {"en": "{score} of {total} blanks right", "zh-TW": "{total} 格中答對 {score} 格"},
    "sheet.right": {"en": "right", "zh-TW": "正確"},
    "sheet.wrong": {"en": "not right yet", "zh-TW": "還不正確"},
    "sheet.blank": {"en": "not answered yet", "zh-TW": "尚未作答"},
    "sheet.error": {"en": "the worksheet could not be read", "zh-TW": "無法讀取工作單"},
    "check.run": {"en": "Run the check", "zh-TW": "執行檢查"},
    "check.running": {"en": "Checking your model…", "zh-TW": "正在檢查你的模型…"},
    "check.passed": {"en": "Every check passes: {score}/{max} points.", "zh-TW": "全部通過：{score}/{max} 分。"},
    "check.failed": {"en": "{failed} of {total} checks do not pass yet: {score}/{max} points. Start with the first one.",
                     "zh-TW": "{total} 項檢查中有 {failed} 項尚未通過：{score}/{max} 分。請從第一項開始。"},
    "check.not_started": {"en": "Not started yet: {score}/{max} points.", "zh-TW": "尚未開始：{score}/{max} 分。"},
    "check.score": {"en": "Score", "zh-TW": "分數"},
    "check.seconds": {"en": "checked `{path}` in {seconds:.1f} s", "zh-TW": "已檢查 `{path}`，耗時 {seconds:.1f} 秒"},
    "check.watching": {"en": "Watching your files: save one and the page checks it again.",
                       "zh-TW": "正在監看你的檔案：存檔後頁面會自動重新檢查。"},
    "check.same_cause": {"en": "(same cause as above)", "zh-TW": "（原因同上）"},
    "check.in_file": {"en": "In your file `{path}`, line {line}:", "zh-TW": "在你的檔案 `{path}` 第 {line} 行："},
    "check.output": {"en": "What your code printed", "zh-TW": "你的程式印出的內容"},
    "hint.show": {"en": "Show hint {level} of {total}", "zh-TW": "顯示提示 {level}/{total}"},
    "hint.label": {"en": "Hint {level}/{total}", "zh-TW": "提示 {level}/{total}"},
    "hint.chapter": {"en": "Stuck? Hints for the whole chapter", "zh-TW": "卡住了嗎？本章的提示"},
    "table.title": {"en": "{model}: layer by layer", "zh-TW": "{model}：逐層比較"},
    "table.divergence": {"en": "First difference at row {row}.", "zh-TW": "第一個差異在第 {row} 列。"},
    "table.legend": {"en": "✓ same · ✗ differs · − missing in yours · + extra in yours. MACs = multiply-accumulates "
                           "(FLOPs = 2 x MACs); shapes without the batch dimension.",
                     "zh-TW": "✓ 相同 · ✗ 不同 · − 你的模型少了 · + 你的模型多了。MACs＝乘積累加次數（FLOPs = 2 x MACs）；"
                              "形狀不含批次維度。"},
    "table.totals": {"en": "Reference: {ref_params:,} parameters, {ref_gmacs:.2f} G MACs. Yours: {params:,} parameters, "
                           "{gmacs:.2f} G MACs.",
                     "zh-TW": "參考模型：{ref_params:,} 個參數、{ref_gmacs:.2f} G MACs。你的模型：{params:,} 個參數、"
                              "{gmacs:.2f} G MACs。"},
    "table.ref_layer": {"en": "reference layer", "zh-TW": "參考模型的層"},
    "table.ref_shape": {"en": "reference output", "zh-TW": "參考輸出形狀"},
    "table.ref_params": {"en": "reference params", "zh-TW": "參考參數量"},
    "table.ref_macs": {"en": "reference MACs", "zh-TW": "參考 MACs"},
    "table.your_layer": {"en": "your layer", "zh-TW": "你的層"},
    "table.your_shape": {"en": "your output", "zh-TW": "你的輸出形狀"},
    "table.your_params": {"en": "your params", "zh-TW": "你的參數量"},
    "table.your_macs": {"en": "your MACs", "zh-TW": "你的 MACs"},
    "table.match": {"en": "match", "zh-TW": "相符"},
    "arch.show": {"en": "Draw", "zh-TW": "顯示"},
    "arch.yours": {"en": "your model", "zh-TW": "你的模型"},
    "arch.reference": {"en": "the reference", "zh-TW": "參考模型"},
    "arch.caption": {"en": "Each box is a layer with its output shape; a ReLU or Dropout is folded into the box before it. "
                           "Inception modules are drawn as parallel branches joined by the concatenation.",
                     "zh-TW": "每個方框是一層及其輸出形狀；ReLU 與 Dropout 併入前一個方框。Inception 模組畫成平行的分支，"
                              "最後由串接合併。"},
    "arch.input": {"en": "input", "zh-TW": "輸入"},
    "arch.first_difference": {"en": "first difference", "zh-TW": "第一個差異"},
    "arch.missing_here": {"en": "a layer is missing before this one", "zh-TW": "這一層之前少了一層"},
    "arch.missing_end": {"en": "a layer is missing here", "zh-TW": "這裡少了一層"},
    "arch.no_model": {"en": "Your model did not run yet, so the reference is drawn.",
                      "zh-TW": "你的模型還無法執行，因此畫出參考模型。"},
    # -- the drill ---------------------------------------------------------------------------------------
    "drill.title": {"en": "Formula drill", "zh-TW": "公式練習"},
    "drill.intro": {"en": "Random questions on the course's formulas. Work each one out with pen and paper; every "
                          "answer is followed by the worked solution.",
                    "zh-TW": "隨機出題練習本課程的公式。請用紙筆計算，每次作答後都會顯示完整的解題過程。"},
    "drill.kind": {"en": "Questions about", "zh-TW": "題目類型"},
    "drill.any": {"en": "any formula", "zh-TW": "所有公式"},
    "drill.question": {"en": "Question {number}", "zh-TW": "第 {number} 題"},
    "drill.answer": {"en": "Your answer (a whole number)", "zh-TW": "你的答案（整數）"},
    "drill.submit": {"en": "Check my answer", "zh-TW": "檢查答案"},
    "drill.right": {"en": "Right: {answer:,}.", "zh-TW": "答對了：{answer:,}。"},
    "drill.wrong": {"en": "Not quite: you wrote {given}, the answer is {answer:,}.",
                    "zh-TW": "不太對：你寫的是 {given}，正確答案是 {answer:,}。"},
    "drill.unreadable": {"en": "Write a whole number, e.g. 55 or 1,792.", "zh-TW": "請寫一個整數，例如 55 或 1,792。"},
    "drill.solution": {"en": "Worked solution", "zh-TW": "解題過程"},
    "drill.next": {"en": "Next question", "zh-TW": "下一題"},
    "drill.session": {"en": "This session", "zh-TW": "本次練習"},
    "drill.all_time": {"en": "All time", "zh-TW": "累計"},
    "drill.by_kind": {"en": "Right answers by kind", "zh-TW": "各類型答對率"},
    "drill.history": {"en": "Your latest answers", "zh-TW": "最近的作答"},
    "drill.col.kind": {"en": "kind", "zh-TW": "類型"},
    "drill.col.question": {"en": "question", "zh-TW": "題目"},
    "drill.col.given": {"en": "your answer", "zh-TW": "你的答案"},
    "drill.col.answer": {"en": "answer", "zh-TW": "正確答案"},
    "drill.col.result": {"en": "result", "zh-TW": "結果"},
    "drill.saved": {"en": "Your history is kept in `{path}`.", "zh-TW": "作答紀錄保存在 `{path}`。"},
    # -- the zoo -----------------------------------------------------------------------------------------
    "zoo.title": {"en": "The model zoo", "zh-TW": "模型動物園"},
    "zoo.intro": {"en": "The course's reference networks side by side. The motto: **deeper is better; fewer parameters "
                        "and fewer operations are better.**",
                  "zh-TW": "本課程的參考網路並列比較。口訣：**越深越好！參數量與運算量越少越好！**"},
    "zoo.model": {"en": "model", "zh-TW": "模型"},
    "zoo.year": {"en": "year", "zh-TW": "年份"},
    "zoo.depth": {"en": "depth (weight layers)", "zh-TW": "深度（權重層數）"},
    "zoo.depth_help": {"en": "Depth counts the conv and fc layers on the longest path from input to output, as the papers do: "
                             "GoogLeNet is 22 deep although it has 58 weight layers side by side.",
                       "zh-TW": "深度是從輸入到輸出最長路徑上的卷積層與全連接層數量（與論文的算法相同）：GoogLeNet 共有 58 個權重層，"
                                "但深度是 22。"},
    "zoo.params": {"en": "parameters", "zh-TW": "參數量"},
    "zoo.gmacs": {"en": "G MACs", "zh-TW": "G MACs"},
    "zoo.top5": {"en": "ILSVRC top-5 error (%)", "zh-TW": "ILSVRC top-5 錯誤率（%）"},
    "zoo.ilsvrc": {"en": "ILSVRC", "zh-TW": "ILSVRC"},
    "zoo.who": {"en": "whose", "zh-TW": "來源"},
    "zoo.reference": {"en": "reference", "zh-TW": "參考模型"},
    "zoo.yours": {"en": "yours", "zh-TW": "你的模型"},
    "zoo.chart": {"en": "Error against operations (bubble size: parameters)", "zh-TW": "錯誤率與運算量（泡泡大小：參數量）"},
    "zoo.chart_caption": {"en": "Down is better (lower error), left is better (fewer operations), small is better (fewer "
                                "parameters). Your models join the chart once their chapter's model check passes, with "
                                "the operations and parameters measured on your code; the error is the paper's.",
                          "zh-TW": "越低越好（錯誤率低）、越左越好（運算量少）、越小越好（參數量少）。你的模型在該章的模型檢查全部"
                                   "通過後會出現在圖上，運算量與參數量是從你的程式碼量測的；錯誤率取自論文。"},
    "zoo.not_on_chart": {"en": "Not on the chart (no ILSVRC result): {names}.", "zh-TW": "未列於圖上（沒有 ILSVRC 成績）：{names}。"},
    "zoo.your_models": {"en": "Your passing models on the chart: {names}.", "zh-TW": "圖上你已通過的模型：{names}。"},
    "zoo.none_yet": {"en": "None of your models passes its chapter's check yet; they appear here when they do.",
                     "zh-TW": "你的模型還沒有通過該章的檢查；通過後就會出現在這裡。"},
}


def t(key: str, lang: str = "en", **facts: Any) -> str:
    """The label ``key`` in ``lang`` with ``facts`` filled in."""
    template = LABELS[key][normalize_lang(lang)]
    return template.format(**facts) if facts else template
