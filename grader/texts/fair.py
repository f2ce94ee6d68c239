"""Texts of fair grading: the function check measured layer by layer, the notebooks' sealed grading (what the
autograder writes into each test cell), and the student edition."""

TEXTS: dict[str, dict[str, str]] = {
    # -- the function check, measured whenever the weights fit -------------------------------------------
    "function.differs_at": {
        "en": "{model}: with the reference's weights your outputs differ (largest difference {diff:.3g} on outputs of size {scale:.3g}). {matched} of {total} weight layers compute the reference's values; the first that does not is {where}.",
        "zh-TW": "{model}：換上參考模型的權重後，輸出不同（最大差異 {diff:.3g}，輸出量級 {scale:.3g}）。{total} 個權重層中有 {matched} 個算出與參考模型相同的值；第一個不同的是{where}。",
    },
    "function.differs_why": {
        "en": "The values change from the first difference on: an operation missing, added, or in another place before {where} changes what it computes ({model}.structure names the first difference in the layers).",
        "zh-TW": "數值從第一個差異處開始改變：{where}之前少了、多了或放錯位置的運算，都會改變它算出的值（{model}.structure 指出各層中的第一個差異）。",
    },
    "function.fitted": {
        "en": "{model}: the reference's weights fit your first {fitted} of {total} weight layers; {where} needs weights of another shape, so the outputs cannot be the reference's. Layers among them that compute the reference's values: {matched}.",
        "zh-TW": "{model}：參考模型的權重只放得進你前 {fitted} 個權重層（共 {total} 個）；{where}需要其他形狀的權重，所以輸出不可能與參考模型相同。放得進的層中，有 {matched} 個算出與參考模型相同的值。",
    },
    "function.fitted_none": {
        "en": "{model}: not run: {where} already needs weights of another shape than the reference's, so no layer can take the reference's weights.",
        "zh-TW": "{model}：沒有執行：從{where}開始，需要的權重形狀就與參考模型不同，所以沒有任何一層放得進參考模型的權重。",
    },
    "function.fitted_why": {
        "en": "A layer's weights have the shape its settings give it (channels, kernel size, features): {model}.params names the layer whose count differs.",
        "zh-TW": "一層權重的形狀由它的設定決定（通道數、卷積核大小、特徵數）：{model}.params 會指出參數量不同的那一層。",
    },
    "function.fitted_fix": {
        "en": "Give {where} the reference's settings; the check then runs the whole network.",
        "zh-TW": "把{where}改成參考模型的設定；之後這項檢查就會跑完整個網路。",
    },
    "function.output_shape": {
        "en": "{model}: with the reference's weights your model outputs another shape than the reference's. {matched} of {total} weight layers compute the reference's values.",
        "zh-TW": "{model}：換上參考模型的權重後，你的模型輸出的形狀與參考模型不同。{total} 個權重層中有 {matched} 個算出與參考模型相同的值。",
    },
    "function.not_tensor_fix": {
        "en": "Return the last layer's output, one tensor of shape (batch, num_classes).",
        "zh-TW": "請回傳最後一層的輸出：形狀為 (batch, num_classes) 的單一張量。",
    },
    "function.no_result": {
        "en": "{model}: the run with the reference's weights gave no result.",
        "zh-TW": "{model}：換上參考權重的執行沒有產生結果。",
    },
    # -- the notebooks' sealed grading ---------------------------------------------------------------
    "sealed.points": {"en": "{check}: {points:g}/{max_points:g} points", "zh-TW": "{check}：{points:g}/{max_points:g} 分"},
    "sealed.restored": {
        "en": "This test cell was missing from the handed-in notebook: the autograder put it back and ran its check.",
        "zh-TW": "繳交的筆記本少了這個測試儲存格：自動評分程式把它放回來，並執行了它的檢查。",
    },
    "sealed.altered": {
        "en": "This test cell had been changed in the handed-in notebook: the autograder ran the original check.",
        "zh-TW": "繳交的筆記本改動了這個測試儲存格：自動評分程式執行的是原本的檢查。",
    },
    "sealed.no_file": {
        "en": "The notebook has no cell that writes {file} (a cell starting with %%writefile {file}), so there was nothing to grade.",
        "zh-TW": "這本筆記本沒有寫出 {file} 的儲存格（以 %%writefile {file} 開頭的儲存格），所以沒有可以評分的內容。",
    },
    "sealed.failed": {
        "en": "The autograder could not grade this notebook: {detail}",
        "zh-TW": "自動評分程式無法為這本筆記本評分：{detail}",
    },
    "sealed.unknown": {
        "en": "This cell is not one of the chapter's checks.",
        "zh-TW": "這個儲存格不是本章的檢查。",
    },
    # -- the notes' answers, after the worksheet (the app) ------------------------------------------------
    "sheet.answers": {
        "en": "Check your worksheet: the notes' shapes and counts for this chapter (open it once you have filled it in)",
        "zh-TW": "核對工作單：本章筆記中的形狀與數量（填完之後再打開）",
    },
    # -- the student edition ---------------------------------------------------------------------------
    "edition.no_reference": {
        "en": "{what} is not available in the student edition: it has no reference source.",
        "zh-TW": "學生版沒有 {what}：學生版不含參考解答的原始碼。",
    },
}
