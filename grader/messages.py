"""Every sentence the grader says, in English and Traditional Chinese (zh-TW, Taiwan terms as in the
course notes: 卷積, 池化, 步長, 填充, 參數量). Renderers and checks use ``say(key, lang, **facts)``."""

from __future__ import annotations

from typing import Any

__all__ = ["say", "LANGS", "MESSAGES", "op_label", "a_label", "normalize_lang"]

LANGS = ("en", "zh-TW")

OP_LABELS: dict[str, dict[str, str]] = {
    "conv2d": {"en": "conv layer", "zh-TW": "卷積層"},
    "linear": {"en": "fc layer", "zh-TW": "全連接層"},
    "relu": {"en": "ReLU", "zh-TW": "ReLU"},
    "sigmoid": {"en": "sigmoid", "zh-TW": "sigmoid"},
    "tanh": {"en": "tanh", "zh-TW": "tanh"},
    "max_pool2d": {"en": "max-pool", "zh-TW": "最大池化"},
    "avg_pool2d": {"en": "average pool", "zh-TW": "平均池化"},
    "adaptive_avg_pool2d": {"en": "adaptive average pool", "zh-TW": "自適應平均池化"},
    "adaptive_max_pool2d": {"en": "adaptive max-pool", "zh-TW": "自適應最大池化"},
    "flatten": {"en": "flatten", "zh-TW": "攤平（flatten）"},
    "dropout": {"en": "Dropout", "zh-TW": "Dropout"},
    "cat": {"en": "concatenation (torch.cat)", "zh-TW": "串接（torch.cat）"},
    "softmax": {"en": "softmax", "zh-TW": "softmax"},
    "log_softmax": {"en": "log_softmax", "zh-TW": "log_softmax"},
    "batch_norm": {"en": "batch norm", "zh-TW": "批次正規化（batch norm）"},
    "local_response_norm": {"en": "local response normalisation (LRN)", "zh-TW": "局部響應正規化（LRN）"},
}

MESSAGES: dict[str, dict[str, str]] = {
    # -- verdicts ------------------------------------------------------------------------------------
    "passed.structure": {"en": "{model}: every layer matches the reference ({layers} ops, {depth} weight layers).",
                         "zh-TW": "{model}：每一層都與參考模型相符（{layers} 個運算，{depth} 個權重層）。"},
    "passed.params": {"en": "{model}: {total:,} parameters, as in the reference.",
                      "zh-TW": "{model}：參數量 {total:,}，與參考模型相同。"},
    "passed.num_classes": {"en": "{model}: num_classes={asked} gives {asked} outputs.",
                           "zh-TW": "{model}：num_classes={asked} 時輸出 {asked} 個值。"},
    "passed.function": {"en": "{model}: with the reference's weights it computes the same outputs.",
                        "zh-TW": "{model}：換上參考模型的權重後，輸出完全相同。"},
    "passed.formulas": {"en": "{name}: all {cases} cases right.", "zh-TW": "{name}：{cases} 個測資全部正確。"},
    # -- load ----------------------------------------------------------------------------------------
    "load.syntax": {"en": "{path}, line {line}: syntax error: {detail}. Python cannot read the file until this is fixed.",
                    "zh-TW": "{path} 第 {line} 行：語法錯誤：{detail}。修正之前 Python 無法讀取這個檔案。"},
    "load.import": {"en": "{path}{at}: the file could not be imported: {exc_type}: {detail}",
                    "zh-TW": "{path}{at}：無法匯入這個檔案：{exc_type}: {detail}"},
    "load.missing_class": {"en": "{path}: there is no class named {name}{suggestion}.",
                           "zh-TW": "{path}：找不到名為 {name} 的類別{suggestion}。"},
    "load.suggestion": {"en": "; did you mean {name}? (rename it to {wanted})", "zh-TW": "；你是不是指 {name}？（請改名為 {wanted}）"},
    "load.missing_function": {"en": "{path}: there is no function named {name}{suggestion}.",
                              "zh-TW": "{path}：找不到名為 {name} 的函式{suggestion}。"},
    "load.not_module": {"en": "{path}: {name} must be a subclass of torch.nn.Module (class {name}(nn.Module): ...).",
                        "zh-TW": "{path}：{name} 必須繼承 torch.nn.Module（class {name}(nn.Module): ...）。"},
    "load.not_implemented": {"en": "{name} is not started yet: replace the `raise NotImplementedError` in {path}{at} with your code.",
                             "zh-TW": "{name} 還沒開始寫：請把 {path}{at} 的 `raise NotImplementedError` 換成你的程式碼。"},
    "load.error": {"en": "{path}{at}: {stage} raised {exc_type}: {detail}",
                   "zh-TW": "{path}{at}：{stage}時發生 {exc_type}：{detail}"},
    "stage.build": {"en": "building the model", "zh-TW": "建立模型"},
    "stage.forward": {"en": "the forward pass", "zh-TW": "前向傳播"},
    "stage.function": {"en": "the run with the reference's weights", "zh-TW": "換上參考權重執行"},
    "stage.import": {"en": "importing the file", "zh-TW": "匯入檔案"},
    "at.line": {"en": ", line {line} (`{source}`)", "zh-TW": " 第 {line} 行（`{source}`）"},
    # -- isolation -----------------------------------------------------------------------------------
    "run.timeout": {"en": "Your code did not finish within {seconds:g} s (an endless loop, a sleep, or a model far too big?). The grader stopped it.",
                    "zh-TW": "你的程式在 {seconds:g} 秒內沒有結束（無窮迴圈、sleep，或模型太大？），評分器已將它停止。"},
    "run.exit": {"en": "Your code ended the Python process (exit code {code}): remove sys.exit()/exit()/os._exit() from {path}.",
                 "zh-TW": "你的程式結束了 Python 行程（結束碼 {code}）：請從 {path} 移除 sys.exit()／exit()／os._exit()。"},
    "run.memory": {"en": "Your code used more memory than the grader allows ({limit} MB). Does something grow without bound?",
                   "zh-TW": "你的程式使用的記憶體超過評分器的上限（{limit} MB）。是不是有東西無限增長？"},
    "run.crash": {"en": "The Python process running your code crashed (signal {signal}).",
                  "zh-TW": "執行你的程式的 Python 行程當掉了（訊號 {signal}）。"},
    "run.timeout.why": {"en": "The grader builds your model and runs one forward pass; that should take a second or two.",
                        "zh-TW": "評分器只會建立你的模型並做一次前向傳播，通常一兩秒就會完成。"},
    "run.exit.why": {"en": "Your file must only define the model: code at the top level runs when the grader imports it.",
                     "zh-TW": "你的檔案只需要定義模型：最外層的程式碼會在評分器匯入時執行。"},
    "run.memory.why": {"en": "The grader builds your model on PyTorch's meta device, which needs no memory, and runs it once with real weights.",
                       "zh-TW": "評分器在 PyTorch 的 meta 裝置上建立模型（不佔記憶體），並用真實權重執行一次。"},
    "run.error.why": {"en": "Something below Python failed, e.g. ctypes or a C extension.",
                      "zh-TW": "Python 底層出錯，例如 ctypes 或 C 擴充模組。"},
    "run.fix": {"en": "Look in {path}, at the top level, in __init__ and in forward, for loops that never end, sleep(), input(), exit() and allocations that grow.",
                "zh-TW": "請檢查 {path} 的最外層、__init__ 與 forward：是否有不會結束的迴圈、sleep()、input()、exit()，或不斷增長的記憶體配置。"},
    "run.output": {"en": "The last thing your code printed: {output}", "zh-TW": "你的程式最後輸出的內容：{output}"},
    "not_checked": {"en": "{model}: not checked: {reason}", "zh-TW": "{model}：尚未檢查：{reason}"},
    "not_checked.structure_first": {"en": "it runs once the structure matches the reference.",
                                    "zh-TW": "結構與參考模型相符後才會檢查。"},
    # -- structure -----------------------------------------------------------------------------------
    "where.shape": {"en": "{where} gives {got}, the reference gives {expected}.",
                    "zh-TW": "{where} 輸出 {got}，參考模型是 {expected}。"},
    "where.hparam": {"en": "{where} has {got_h}, the reference has {expected_h}.",
                     "zh-TW": "{where} 的設定是 {got_h}，參考模型是 {expected_h}。"},
    "where.missing": {"en": "{model}: {what} is missing {position}.", "zh-TW": "{model}：{position}少了一個{what}。"},
    "where.extra": {"en": "{model}: there is an extra {what} {position} that the reference does not have.",
                    "zh-TW": "{model}：{position}多了一個{what}，參考模型沒有這一層。"},
    "where.type": {"en": "{model}: {where} is where the reference has {expected}.",
                   "zh-TW": "{model}：{where} 的位置，參考模型是{expected}。"},
    "position.after": {"en": "after {label} {index} ({module})", "zh-TW": "在{label} {index}（{module}）之後"},
    "position.after_op": {"en": "after the {label} ({module})", "zh-TW": "在{label}（{module}）之後"},
    "position.start": {"en": "at the start of the network", "zh-TW": "在網路的開頭"},
    "label.layer": {"en": "{label} {index} ({module})", "zh-TW": "{label} {index}（{module}）"},
    "why.conv": {"en": "W_out = floor((W_in - K + 2P) / S) + 1 = floor(({size} - {k} + 2*{p}) / {s}) + 1 = {out}",
                 "zh-TW": "W_out = floor((W_in - K + 2P) / S) + 1 = floor(({size} - {k} + 2*{p}) / {s}) + 1 = {out}"},
    "why.conv_dilated": {"en": "W_out = floor((W_in + 2P - D*(K-1) - 1) / S) + 1 = floor(({size} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1 = {out}",
                         "zh-TW": "W_out = floor((W_in + 2P - D*(K-1) - 1) / S) + 1 = floor(({size} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1 = {out}"},
    "why.pool": {"en": "W_out = {rounding}((W_in - F + 2P) / S) + 1 = {rounding}(({size} - {k} + 2*{p}) / {s}) + 1 = {out}",
                 "zh-TW": "W_out = {rounding}((W_in - F + 2P) / S) + 1 = {rounding}(({size} - {k} + 2*{p}) / {s}) + 1 = {out}"},
    "why.channels": {"en": "A convolution outputs one channel per filter: out_channels={got} gives {got} channels; the reference has {expected}.",
                     "zh-TW": "卷積層每個卷積核輸出一個通道：out_channels={got} 就有 {got} 個通道；參考模型是 {expected}。"},
    "why.features": {"en": "A Linear layer outputs out_features values: out_features={got}; the reference has {expected}.",
                     "zh-TW": "全連接層輸出 out_features 個值：out_features={got}；參考模型是 {expected}。"},
    "why.params_conv": {"en": "parameters = out * in * K * K + out = {out} * {inn} * {k} * {k2} + {bias} = {total:,}",
                        "zh-TW": "參數量 = out * in * K * K + out = {out} * {inn} * {k} * {k2} + {bias} = {total:,}"},
    "why.params_linear": {"en": "parameters = in * out + out = {inn} * {out} + {bias} = {total:,}",
                          "zh-TW": "參數量 = in * out + out = {inn} * {out} + {bias} = {total:,}"},
    "why.same_size": {"en": "Both give {size}, but the weights differ: parameters = out * in * K * K + out = {got_terms} = {got:,} here, {ref_terms} = {expected:,} in the reference.",
                      "zh-TW": "兩者都輸出 {size}，但權重不同：參數量 = out * in * K * K + out，你的是 {got_terms} = {got:,}，參考模型是 {ref_terms} = {expected:,}。"},
    "why.missing_activation": {"en": "Without an activation two layers collapse into one linear map; the reference puts {what} here.",
                               "zh-TW": "少了激活函數，兩層會退化成一個線性運算；參考模型在這裡有 {what}。"},
    "why.extra_softmax": {"en": "The model should return logits: nn.CrossEntropyLoss applies (log-)softmax itself.",
                          "zh-TW": "模型應該輸出 logits：nn.CrossEntropyLoss 內部已經會做 (log-)softmax。"},
    "why.generic_missing": {"en": "The reference's layer here: {layer_desc}.", "zh-TW": "參考模型在這裡的層：{layer_desc}。"},
    "why.generic_extra": {"en": "Your extra layer: {layer_desc}.", "zh-TW": "你多出的層：{layer_desc}。"},
    "why.type": {"en": "Yours: {got_desc}. The reference: {expected_desc}.", "zh-TW": "你的：{got_desc}。參考模型：{expected_desc}。"},
    "fix.hparam": {"en": "Use {settings}: {formula}", "zh-TW": "改用 {settings}：{formula}"},
    "fix.keeps": {"en": "{setting} keeps {size}x{size}.", "zh-TW": "{setting} 可以維持 {size}x{size}。"},
    "fix.gives": {"en": "{setting} gives {size}x{size}.", "zh-TW": "{setting} 會得到 {size}x{size}。"},
    "fix.set": {"en": "Set {settings}.", "zh-TW": "請設定 {settings}。"},
    "fix.add": {"en": "Add {layer_desc} {position}.", "zh-TW": "{position}加上 {layer_desc}。"},
    "fix.remove": {"en": "Remove the {what} {position}.", "zh-TW": "移除{position}的{what}。"},
    "fix.replace": {"en": "Replace it with {expected_desc}.", "zh-TW": "請改成 {expected_desc}。"},
    # -- parameters ----------------------------------------------------------------------------------
    "params.layer": {"en": "{where} has {got:,} parameters, the reference {expected:,}.",
                     "zh-TW": "{where} 的參數量是 {got:,}，參考模型是 {expected:,}。"},
    "params.total": {"en": "{model} has {got:,} parameters in total, the reference {expected:,}.",
                     "zh-TW": "{model} 的總參數量是 {got:,}，參考模型是 {expected:,}。"},
    "params.unused": {"en": "{count:,} of your parameters are never used by forward ({names}).",
                      "zh-TW": "你有 {count:,} 個參數在 forward 中從未使用（{names}）。"},
    "params.bias": {"en": "{where} has no bias (bias=False); the reference keeps the bias.",
                    "zh-TW": "{where} 沒有偏差項（bias=False）；參考模型有偏差項。"},
    "fix.bias": {"en": "Remove bias=False from that layer.", "zh-TW": "請移除該層的 bias=False。"},
    "fix.unused": {"en": "Remove the layers you declared but do not call in forward, or call them.",
                   "zh-TW": "請移除在 __init__ 宣告但 forward 沒用到的層，或是在 forward 中使用它們。"},
    # -- num_classes ---------------------------------------------------------------------------------
    "num_classes.wrong": {"en": "{model}(num_classes={asked}) gives {got} outputs, not {asked}.",
                          "zh-TW": "{model}(num_classes={asked}) 輸出 {got} 個值，而不是 {asked} 個。"},
    "num_classes.why": {"en": "The last layer's size is hard-coded: it must come from the num_classes argument.",
                        "zh-TW": "最後一層的大小寫死了：它必須使用 num_classes 參數。"},
    "num_classes.fix": {"en": "Use num_classes in the last layer, e.g. {example}.", "zh-TW": "請在最後一層使用 num_classes，例如 {example}。"},
    "num_classes.error": {"en": "{model}(num_classes={asked}) failed: {detail}", "zh-TW": "{model}(num_classes={asked}) 執行失敗：{detail}"},
    # -- function ------------------------------------------------------------------------------------
    "function.differs": {"en": "{model}: with the reference's weights your outputs differ (largest difference {diff:.3g} on outputs of size {scale:.3g}), although every shape matches.",
                         "zh-TW": "{model}：換上參考模型的權重後，輸出不同（最大差異 {diff:.3g}，輸出量級 {scale:.3g}），雖然每個形狀都相符。"},
    "function.why": {"en": "Shapes and counts cannot see everything: the order of torch.cat's inputs, reusing one layer twice, an operation applied in the wrong place.",
                     "zh-TW": "形狀與參數量看不出所有錯誤：torch.cat 的串接順序、同一層用了兩次、運算放錯位置。"},
    "function.fix": {"en": "Compare your forward with the reference's order, line by line: {hint}",
                     "zh-TW": "逐行比對你的 forward 與參考模型的順序：{hint}"},
    "function.concat": {"en": "In {module}, torch.cat joins the branches as {joined}; the reference joins {expected}.",
                        "zh-TW": "在 {module} 中，torch.cat 串接分支的順序是 {joined}；參考模型是 {expected}。"},
    "function.concat_fix": {"en": "Concatenate in the order {expected}: torch.cat([branch1, branch2, branch3, branch4], 1).",
                            "zh-TW": "請依 {expected} 的順序串接：torch.cat([branch1, branch2, branch3, branch4], 1)。"},
    "function.softmax": {"en": "Your outputs sum to 1 for every image: remove the softmax at the end.",
                         "zh-TW": "你的輸出每張圖加總都是 1：請移除最後的 softmax。"},
    "function.parameters": {"en": "{model}: not checked: your parameters in the order forward uses them do not have the reference's shapes.",
                            "zh-TW": "{model}：尚未檢查：依 forward 使用順序排列的參數，形狀與參考模型不同。"},
    # -- runtime errors ------------------------------------------------------------------------------
    "error.matmul": {"en": "flatten gives {features_expr} features; your {label} {index} expects {expected:,}.",
                     "zh-TW": "攤平後有 {features_expr} 個特徵；你的{label} {index} 預期 {expected:,} 個。"},
    "error.matmul.why": {"en": "in_features of the first Linear after flatten = channels * height * width of the last feature map = {features_expr}.",
                         "zh-TW": "攤平後第一個全連接層的 in_features = 最後特徵圖的 通道 * 高 * 寬 = {features_expr}。"},
    "error.matmul.fix": {"en": "Use nn.Linear({features}, ...) there, or fix the layers before it so the map is {reference_expr}.",
                         "zh-TW": "在那裡使用 nn.Linear({features}, ...)，或修正前面的層，讓特徵圖成為 {reference_expr}。"},
    "error.channels": {"en": "{label} {index} expects {expected} input channels but receives {got}.",
                       "zh-TW": "{label} {index} 預期輸入 {expected} 個通道，但收到 {got} 個。"},
    "error.channels.why": {"en": "in_channels of a convolution must equal out_channels of the layer before it ({got}).",
                           "zh-TW": "卷積層的 in_channels 必須等於前一層的 out_channels（{got}）。"},
    "error.channels.fix": {"en": "Set in_channels={got} there, or change the previous layer to output {expected} channels.",
                           "zh-TW": "把那裡設成 in_channels={got}，或讓前一層輸出 {expected} 個通道。"},
    "error.too_small": {"en": "The feature map became too small for a {k}x{k} window after {label} {index} ({size}x{size} left).",
                        "zh-TW": "在{label} {index} 之後特徵圖太小，放不下 {k}x{k} 的窗口（只剩 {size}x{size}）。"},
    "error.too_small.why": {"en": "Every layer without padding shrinks the map: W_out = floor((W_in - K + 2P) / S) + 1.",
                            "zh-TW": "沒有填充的每一層都會縮小特徵圖：W_out = floor((W_in - K + 2P) / S) + 1。"},
    "error.too_small.fix": {"en": "Check the padding and stride of the layers before it against the reference.",
                            "zh-TW": "請對照參考模型檢查前面各層的填充與步長。"},
    "error.cat": {"en": "torch.cat could not join the branches: {detail}", "zh-TW": "torch.cat 無法串接各分支：{detail}"},
    "error.cat.why": {"en": "All branches of an Inception module must keep H x W: a 3x3 needs padding=1, a 5x5 padding=2, the pool stride=1, padding=1.",
                      "zh-TW": "Inception 模組的每個分支都必須維持 H x W：3x3 需要 padding=1，5x5 需要 padding=2，池化 stride=1、padding=1。"},
    "error.cat.fix": {"en": "Fix the padding of the branch whose size differs.", "zh-TW": "請修正尺寸不同那個分支的填充。"},
    "error.generic.why": {"en": "The last layer that ran was {last}.", "zh-TW": "最後成功執行的是 {last}。"},
    "error.generic.fix": {"en": "Read the line shown above; the shapes in the table show what reached it.",
                          "zh-TW": "請檢查上面指出的那一行；表格中的形狀顯示了傳到那裡的資料。"},
    # -- variants ------------------------------------------------------------------------------------
    "variant.torchvision_alexnet": {"en": "This looks like torchvision's AlexNet (64 filters in the first layer, 192 in the second). This exercise asks for the original 96-filter AlexNet of the course notes: 96, 256, 384, 384, 256.",
                                    "zh-TW": "這看起來是 torchvision 的 AlexNet（第一層 64 個卷積核，第二層 192 個）。本練習要的是課程筆記中原始的 96 卷積核 AlexNet：96、256、384、384、256。"},
    "variant.d2l_lenet": {"en": "This looks like Dive into Deep Learning's LeNet (padding 2, sigmoid, average pooling). This exercise asks for the course notes' LeNet-5: no padding (32x32 input), ReLU and max-pooling.",
                          "zh-TW": "這看起來是《Dive into Deep Learning》的 LeNet（填充 2、sigmoid、平均池化）。本練習要的是課程筆記的 LeNet-5：不填充（輸入 32x32）、ReLU 與最大池化。"},
    "variant.torchvision_googlenet": {"en": "This looks like torchvision's GoogLeNet (batch norm, and a 3x3 convolution in the \"5x5\" branch). This exercise asks for the paper's network: no batch norm and a true 5x5 convolution (padding 2).",
                                      "zh-TW": "這看起來是 torchvision 的 GoogLeNet（有 batch norm，且「5x5」分支用的是 3x3 卷積）。本練習要的是論文的網路：沒有 batch norm，並使用真正的 5x5 卷積（padding 2）。"},
    "variant.lrn": {"en": "You added local response normalisation (LRN) as in the paper. This exercise follows the course notes, which leave LRN out: remove it.",
                    "zh-TW": "你照論文加入了局部響應正規化（LRN）。本練習依照課程筆記，不使用 LRN：請移除它。"},
    # -- the command line -------------------------------------------------------------------------------
    "status.done": {"en": "done", "zh-TW": "完成"},
    "status.in progress": {"en": "in progress", "zh-TW": "進行中"},
    "status.not started": {"en": "not started", "zh-TW": "尚未開始"},
    "cli.next": {"en": "next: python -m grader check {short} --hints 1   (or: pytest exercises/{chapter})",
                 "zh-TW": "下一步：python -m grader check {short} --hints 1   （或：pytest exercises/{chapter}）"},
    "cli.all_done": {"en": "every chapter is done.", "zh-TW": "所有章節都完成了。"},
    "cli.no_hint": {"en": "{chapter}: every check passes, no hint needed.", "zh-TW": "{chapter}：全部檢查都通過，不需要提示。"},
    "cli.more_hints": {"en": "(run the same command again for hint {level})", "zh-TW": "（再執行一次同樣的指令，可看到提示 {level}）"},
    "cli.watching": {"en": "watching exercises/ for saved files; Ctrl-C stops.", "zh-TW": "正在監看 exercises/ 的存檔；按 Ctrl-C 停止。"},
    "cli.watch_again": {"en": "[{time}] watching; save a file to re-grade, Ctrl-C to stop.",
                        "zh-TW": "[{time}] 監看中；存檔即重新評分，按 Ctrl-C 停止。"},
    "cli.stopped": {"en": "stopped watching.", "zh-TW": "已停止監看。"},
    # -- worksheets ----------------------------------------------------------------------------------
    "worksheet.right": {"en": "{name} = {value}: right.", "zh-TW": "{name} = {value}：正確。"},
    "worksheet.blank": {"en": "{name} is still blank: {question}", "zh-TW": "{name} 還沒填：{question}"},
    "worksheet.wrong": {"en": "{name} = {value} is not right: {question}", "zh-TW": "{name} = {value} 不正確：{question}"},
    "worksheet.missing": {"en": "{name} is missing from the worksheet: add the line `{name} = ...`.",
                          "zh-TW": "工作單中找不到 {name}：請加上 `{name} = ...` 這一行。"},
    "worksheet.hint": {"en": "Compute it by hand: {formula}", "zh-TW": "請手算：{formula}"},
    "worksheet.shape": {"en": "Write a shape as (channels, height, width), without the batch dimension.",
                        "zh-TW": "形狀請寫成 (通道, 高, 寬)，不含批次維度。"},
    # -- formulas (chapter 0) ------------------------------------------------------------------------
    "formula.wrong": {"en": "{name}{args} returned {got}, expected {expected}.", "zh-TW": "{name}{args} 回傳 {got}，正確答案是 {expected}。"},
    "formula.error": {"en": "{name}{args} raised {exc_type}: {detail}", "zh-TW": "{name}{args} 發生 {exc_type}：{detail}"},
}


def normalize_lang(lang: str | None) -> str:
    if not lang:
        return "en"
    key = lang.replace("_", "-").lower()
    if key in ("zh-tw", "zh", "zh-hant", "tw"):
        return "zh-TW"
    if key.startswith("en"):
        return "en"
    raise ValueError(f"unknown language {lang!r}; use one of: {', '.join(LANGS)}")


def say(key: str, lang: str = "en", **facts: Any) -> str:
    template = MESSAGES[key][normalize_lang(lang)]
    return template.format(**facts)


def op_label(op: str, lang: str = "en") -> str:
    labels = OP_LABELS.get(op)
    return labels[normalize_lang(lang)] if labels else op


def a_label(op: str, lang: str = "en") -> str:
    """The label with its indefinite article in English ("an average pool", "a ReLU"); as is in zh-TW."""
    label = op_label(op, lang)
    if normalize_lang(lang) != "en":
        return label
    return ("an " if label[:1].lower() in "aeiou" or label.startswith("fc ") else "a ") + label
