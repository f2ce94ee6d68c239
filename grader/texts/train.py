"""Training on the digits and looking inside a network: the command line's and the app's words."""

TEXTS: dict[str, dict[str, str]] = {
    # -- training: the command line and the app ----------------------------------------------------------
    "train.not_trainable": {
        "en": "{chapter}: this network cannot be trained on this machine: its trained behaviour needs a GPU and a large "
              "dataset such as ImageNet. Here you can train ch01 (your own LeNet-5) and ch04 (the zoo's small NiN "
              "with global average pooling, for class activation maps).",
        "zh-TW": "{chapter}：這個網路無法在這台機器上訓練，它訓練後的行為需要 GPU 與 ImageNet 這類大型資料集。"
                 "在這裡可以訓練 ch01（你自己的 LeNet-5）與 ch04（模型動物園裡以全域平均池化結尾的小型 NiN，用來看類別激勵圖）。",
    },
    "train.checking": {"en": "Checking your model's structure first…", "zh-TW": "先檢查你的模型結構…"},
    "train.fix_first": {
        "en": "Training needs a model whose structure matches LeNet-5: fix {check} first. {message}",
        "zh-TW": "訓練需要結構與 LeNet-5 相符的模型：請先修正 {check}。{message}",
    },
    "train.training": {
        "en": "Training {model} on the handwritten digits ({train} images to learn from, {test} held out for testing, "
              "1x32x32): {epochs} epochs, seed {seed}.",
        "zh-TW": "正在訓練：{model}，使用手寫數字（{train} 張用來學習、{test} 張留作測試，1x32x32），{epochs} 個訓練週期，隨機種子 {seed}。",
    },
    "train.yours": {"en": "your {model} from {path}", "zh-TW": "你在 {path} 的 {model}"},
    "train.zoo_model": {
        "en": "{model} comes from the zoo (it is no chapter's exercise): a NiN sized for the digits, for class activation maps.",
        "zh-TW": "{model} 來自模型動物園（不是任何一章的練習）：依數字圖片大小設計的 NiN，用來看類別激勵圖。",
    },
    "train.stop_hint": {"en": "Ctrl-C stops the training; you get what it has learned so far.",
                        "zh-TW": "按 Ctrl-C 可停止訓練，並得到目前為止學到的結果。"},
    "train.stopping": {"en": "Stopping after this batch…", "zh-TW": "這一批次結束後停止…"},
    "train.stopped": {"en": "Stopped after {epochs} of {asked} epochs.", "zh-TW": "在 {asked} 個訓練週期中的第 {epochs} 個之後停止。"},
    "train.reference_training": {
        "en": "Training the reference {model} with the same seed and data, for its curve (once: it is kept)…",
        "zh-TW": "以相同的隨機種子與資料訓練參考模型 {model}，畫出它的曲線（只需一次，結果會保存）…",
    },
    "train.progress": {"en": "epoch {epoch}/{epochs}, loss {loss:.3f}, test {test:.1%}",
                       "zh-TW": "訓練週期 {epoch}/{epochs}，損失 {loss:.3f}，測試 {test:.1%}"},
    "train.col.epoch": {"en": "epoch", "zh-TW": "週期"},
    "train.col.loss": {"en": "loss", "zh-TW": "損失"},
    "train.col.train": {"en": "train acc", "zh-TW": "訓練準確率"},
    "train.col.test": {"en": "test acc", "zh-TW": "測試準確率"},
    "train.col.reference": {"en": "reference test acc", "zh-TW": "參考模型測試準確率"},
    "train.result": {
        "en": "{model}: test accuracy {test:.1%} (train {train:.1%}) after {epochs} epochs in {seconds:.1f} s. Chance is 10%.",
        "zh-TW": "{model}：訓練 {epochs} 個週期、耗時 {seconds:.1f} 秒，測試準確率 {test:.1%}（訓練準確率 {train:.1%}）。"
                 "隨便猜的準確率是 10%。",
    },
    "train.reference_result": {
        "en": "The reference {model}, same seed and data: test accuracy {test:.1%} in {seconds:.1f} s.",
        "zh-TW": "參考模型 {model}（相同的隨機種子與資料）：測試準確率 {test:.1%}，耗時 {seconds:.1f} 秒。",
    },
    "train.confusion": {"en": "Confusion matrix (rows: the true digit; columns: what the model said):",
                        "zh-TW": "混淆矩陣（列：真正的數字；欄：模型的答案）："},
    "train.misclassified": {"en": "{count} of {total} test digits misclassified.",
                            "zh-TW": "{total} 張測試數字中有 {count} 張分類錯誤。"},
    "train.misclassified_one": {"en": "test digit #{index}: a {label}, the model said {predicted}",
                                "zh-TW": "測試數字 #{index}：是 {label}，模型說是 {predicted}"},
    "train.look_inside": {
        "en": "Look inside the trained network (filters, feature maps, receptive fields, class activation maps): "
              "`make app`, chapter {number}, tab \"Train\".",
        "zh-TW": "看看訓練好的網路內部（卷積核、特徵圖、感受野、類別激勵圖）：執行 `make app`，打開第 {number} 章的「訓練」分頁。",
    },
    "train.failed": {"en": "The training could not run: {detail}", "zh-TW": "無法進行訓練：{detail}"},
    "train.timeout": {"en": "The training did not finish within {seconds} s; it was stopped. Fewer epochs?",
                      "zh-TW": "訓練沒有在 {seconds} 秒內完成，已被停止。要不要減少訓練週期數？"},
    "train.memory": {"en": "The training used more memory than allowed ({limit} MB).",
                     "zh-TW": "訓練使用的記憶體超過上限（{limit} MB）。"},
    "train.exit": {"en": "Your code ended the training process (sys.exit or os._exit?).",
                   "zh-TW": "你的程式結束了訓練用的行程（是不是呼叫了 sys.exit 或 os._exit？）。"},
    "train.crash": {"en": "The process training your model crashed.", "zh-TW": "訓練你的模型的行程當掉了。"},
    "train.error.build": {"en": "Building your model raised {exc_type}: {detail}",
                          "zh-TW": "建立你的模型時發生 {exc_type}：{detail}"},
    "train.error.build_at": {"en": "Building your model raised {exc_type} (your file, line {line}): {detail}",
                             "zh-TW": "建立你的模型時發生 {exc_type}（你的檔案第 {line} 行）：{detail}"},
    "train.error.train": {"en": "Training raised {exc_type}: {detail}", "zh-TW": "訓練時發生 {exc_type}：{detail}"},
    "train.error.train_at": {"en": "Training raised {exc_type} (your file, line {line}): {detail}",
                             "zh-TW": "訓練時發生 {exc_type}（你的檔案第 {line} 行）：{detail}"},
    "train.error.inside": {"en": "Looking inside the trained model raised {exc_type}: {detail}",
                           "zh-TW": "查看訓練好的模型內部時發生 {exc_type}：{detail}"},
    "train.error.inside_at": {"en": "Looking inside the trained model raised {exc_type} (your file, line {line}): {detail}",
                              "zh-TW": "查看訓練好的模型內部時發生 {exc_type}（你的檔案第 {line} 行）：{detail}"},
    # -- the app's Train tab -----------------------------------------------------------------------------
    "tab.train": {"en": "Train", "zh-TW": "訓練"},
    "tab.inside": {"en": "Inside", "zh-TW": "網路內部"},
    "train.intro": {
        "en": "Train your own `{cls}` from `{path}` on {total:,} real handwritten digits (scikit-learn's bundled set, "
              "8x8 pixels scaled to 32x32): {train:,} to learn from, {test} held out to test it. It runs in a separate "
              "process, so the page stays usable; you can stop it at any time.",
        "zh-TW": "用 {total:,} 張真實的手寫數字（scikit-learn 內附的資料集，8x8 像素放大成 32x32）訓練你在 `{path}` 的 `{cls}`："
                 "{train:,} 張用來學習，{test} 張留作測試。訓練在獨立的行程中進行，頁面仍可正常使用，也可以隨時停止。",
    },
    "train.intro_gap": {
        "en": "With global average pooling, each class's score is the average of one map, so that map shows where the "
              "network saw the class: its class activation map (CAM). Your NiN is built for 224x224 ImageNet photos "
              "and cannot be trained here; the zoo's `{model}` is the same idea at the digits' size (three mlpconv "
              "blocks, a 1x1 convolution to 10 maps, global average pooling, {params:,} parameters). Train it, then see "
              "which strokes made it say each digit.",
        "zh-TW": "有了全域平均池化，每一類的分數就是一張圖的平均值，所以這張圖顯示網路在哪裡看到這一類：也就是類別激勵圖（CAM）。"
                 "你的 NiN 是為 224x224 的 ImageNet 照片設計的，無法在這裡訓練；模型動物園裡的 `{model}` 是同樣的想法、"
                 "配合數字圖片的大小（三個 mlpconv 區塊、一個輸出 10 張圖的 1x1 卷積、全域平均池化，共 {params:,} 個參數）。"
                 "訓練它，再看看是哪些筆畫讓它認出每個數字。",
    },
    "train.epochs": {"en": "Epochs", "zh-TW": "訓練週期數（epochs）"},
    "train.seed": {"en": "Seed", "zh-TW": "隨機種子（seed）"},
    "train.start": {"en": "Train", "zh-TW": "開始訓練"},
    "train.stop": {"en": "Stop", "zh-TW": "停止"},
    "train.again": {"en": "Train again", "zh-TW": "重新訓練"},
    "train.state.waiting": {"en": "Starting…", "zh-TW": "準備中…"},
    "train.state.checking": {"en": "Checking your model's structure…", "zh-TW": "正在檢查你的模型結構…"},
    "train.state.training": {"en": "Training: epoch {epoch} of {epochs}", "zh-TW": "訓練中：第 {epoch}/{epochs} 個訓練週期"},
    "train.state.reference": {"en": "Training the reference for its curve (once: it is kept)…",
                              "zh-TW": "正在訓練參考模型以畫出它的曲線（只需一次，結果會保存）…"},
    "train.state.inside": {"en": "Looking inside the trained network…", "zh-TW": "正在查看訓練好的網路內部…"},
    "train.state.stopping": {"en": "Stopping after this batch…", "zh-TW": "這一批次結束後停止…"},
    "train.chart.epoch": {"en": "epoch", "zh-TW": "訓練週期"},
    "train.chart.value": {"en": "value", "zh-TW": "數值"},
    "train.chart.series": {"en": "curve", "zh-TW": "曲線"},
    "train.chart.loss": {"en": "training loss", "zh-TW": "訓練損失"},
    "train.chart.accuracy": {"en": "accuracy", "zh-TW": "準確率"},
    "train.chart.yours_test": {"en": "yours · test", "zh-TW": "你的 · 測試"},
    "train.chart.yours_train": {"en": "yours · train", "zh-TW": "你的 · 訓練"},
    "train.chart.model_test": {"en": "test", "zh-TW": "測試"},
    "train.chart.model_train": {"en": "train", "zh-TW": "訓練"},
    "train.chart.reference_test": {"en": "reference · test", "zh-TW": "參考模型 · 測試"},
    "train.chart.yours_loss": {"en": "yours", "zh-TW": "你的"},
    "train.chart.reference_loss": {"en": "reference", "zh-TW": "參考模型"},
    "train.chart.caption": {
        "en": "Accuracy on the training digits and on the held-out test digits after each epoch; the loss is the "
              "average cross-entropy of the epoch's batches. The reference {model} is trained with the same seed on "
              "the same data.",
        "zh-TW": "每個訓練週期之後，在訓練數字與留作測試的數字上的準確率；損失是該週期各批次交叉熵的平均。"
                 "參考模型 {model} 以相同的隨機種子、相同的資料訓練。",
    },
    "train.metric.test": {"en": "Test accuracy", "zh-TW": "測試準確率"},
    "train.metric.train": {"en": "Train accuracy", "zh-TW": "訓練準確率"},
    "train.metric.seconds": {"en": "Training time", "zh-TW": "訓練時間"},
    "train.metric.reference": {"en": "Reference, test", "zh-TW": "參考模型測試準確率"},
    "train.seconds_value": {"en": "{seconds:.1f} s", "zh-TW": "{seconds:.1f} 秒"},
    "train.done": {"en": "Trained for {epochs} epochs: {test:.1%} of the held-out digits right (chance: 10%).",
                   "zh-TW": "訓練了 {epochs} 個週期：留作測試的數字答對 {test:.1%}（隨便猜是 10%）。"},
    "train.confusion_title": {"en": "Confusion matrix", "zh-TW": "混淆矩陣"},
    "train.confusion_caption": {
        "en": "Each row is a true digit, each column what the model said; the diagonal is right. Off the diagonal: "
              "which digits it mixes up.",
        "zh-TW": "每一列是真正的數字，每一欄是模型的答案；對角線是答對的。對角線以外：模型把哪些數字搞混了。",
    },
    "train.true": {"en": "true digit", "zh-TW": "真正的數字"},
    "train.predicted": {"en": "model said", "zh-TW": "模型的答案"},
    "train.count": {"en": "test digits", "zh-TW": "測試數字數量"},
    "train.misclassified_title": {"en": "The digits it got wrong", "zh-TW": "答錯的數字"},
    "train.misclassified_caption": {"en": "{label} → said {predicted}", "zh-TW": "{label} → 說是 {predicted}"},
    "train.all_right": {"en": "Every held-out digit is right.", "zh-TW": "留作測試的數字全部答對。"},
    "train.previous": {"en": "Your last run (settings: {epochs} epochs, seed {seed}).",
                       "zh-TW": "你上一次的訓練（設定：{epochs} 個訓練週期，隨機種子 {seed}）。"},
    # -- looking inside ----------------------------------------------------------------------------------
    "inside.title": {"en": "Look inside the trained network", "zh-TW": "看看訓練好的網路內部"},
    "inside.filters": {"en": "The first layer's {count} filters ({k}x{k})", "zh-TW": "第一層的 {count} 個卷積核（{k}x{k}）"},
    "inside.filters_caption": {
        "en": "Each filter is a {k}x{k} pattern of weights slid over the image; white = positive weight, black = "
              "negative. Trained on strokes, they become edge and stroke detectors.",
        "zh-TW": "每個卷積核都是在圖片上滑動的 {k}x{k} 權重圖樣；白色是正權重，黑色是負權重。用筆畫訓練之後，它們會變成邊緣與筆畫的偵測器。",
    },
    "inside.digit": {"en": "Digit", "zh-TW": "數字"},
    "inside.digit_option": {"en": "#{index}: a {label}, said {predicted} ({confidence:.0%})",
                            "zh-TW": "#{index}：是 {label}，模型說 {predicted}（{confidence:.0%}）"},
    "inside.maps": {"en": "Convolution {number}: {channels} feature maps of {h}x{w}",
                    "zh-TW": "第 {number} 個卷積層：{channels} 張 {h}x{w} 的特徵圖"},
    "inside.maps_blank": {"en": "Shape {shape}: the `{blank}` of your worksheet.", "zh-TW": "形狀 {shape}：就是你工作單上的 `{blank}`。"},
    "inside.maps_shape": {"en": "Shape {shape}.", "zh-TW": "形狀 {shape}。"},
    "inside.maps_caption": {
        "en": "What each filter finds in this digit: the convolution's output before its ReLU, each map scaled on its "
              "own (bright = strong positive response).",
        "zh-TW": "每個卷積核在這個數字裡找到的東西：卷積層在 ReLU 之前的輸出，每張圖各自縮放（越亮代表正向反應越強）。",
    },
    "inside.field_title": {"en": "Receptive field", "zh-TW": "感受野"},
    "inside.field_layer": {"en": "Layer", "zh-TW": "層"},
    "inside.field_row": {"en": "Unit row", "zh-TW": "單元的列"},
    "inside.field_col": {"en": "Unit column", "zh-TW": "單元的欄"},
    "inside.layer_option": {"en": "{number}. {op} → {shape}", "zh-TW": "{number}. {op} → {shape}"},
    "inside.field": {
        "en": "Unit `({y}, {x})` of layer {number} ({op}) sees a {size}x{size} square of the input: rows {top}-{bottom}, "
              "columns {left}-{right}. By the formula: r = {steps} = {size}.",
        "zh-TW": "第 {number} 層（{op}）的單元 `({y}, {x})` 看到輸入中 {size}x{size} 的正方形：第 {top}-{bottom} 列、"
                 "第 {left}-{right} 欄。由公式：r = {steps} = {size}。",
    },
    "inside.field_ok": {
        "en": "Checked against gradients: for {units} units of this layer, the input pixels whose gradient is not zero "
              "(over {samples} random inputs) fill exactly the formula's square.",
        "zh-TW": "已用梯度驗證：這一層的 {units} 個單元，梯度不為零的輸入像素（{samples} 張隨機輸入）正好填滿公式算出的正方形。",
    },
    "inside.field_bad": {
        "en": "The gradients disagree with the formula for unit {unit}: formula {formula}, gradients {gradient}.",
        "zh-TW": "單元 {unit} 的梯度與公式不一致：公式 {formula}，梯度 {gradient}。",
    },
    "inside.field_caption": {
        "en": "The red square is what the unit can see; the part outside the image, if any, is zero padding. A unit "
              "of a deeper layer sees more of the digit: LeNet-5's last pooling sees 16x16, half the image's side.",
        "zh-TW": "紅框是這個單元看得到的範圍；超出圖片的部分（如果有）是填充的 0。越深的層，單元看到的數字範圍越大："
                 "LeNet-5 最後的池化層看到 16x16，是圖片邊長的一半。",
    },
    "inside.gradcam_title": {"en": "Grad-CAM: where your LeNet-5 looked", "zh-TW": "Grad-CAM：你的 LeNet-5 看了哪裡"},
    "inside.gradcam_caption": {
        "en": "Grad-CAM (torchcam) at `{layer}`, the last convolution: its maps weighted by how much the predicted "
              "digit's score depends on each, red = most. Its {h}x{w} map is stretched to 32x32, so it is coarse.",
        "zh-TW": "Grad-CAM（torchcam）作用在最後一個卷積層 `{layer}`：以預測數字的分數對每張特徵圖的依賴程度加權，越紅越重要。"
                 "它的 {h}x{w} 圖被拉伸到 32x32，所以比較粗略。",
    },
    "inside.gradcam_none": {
        "en": "Grad-CAM needs your last convolution to be an `nn.Conv2d` module (it hooks the module); yours calls the "
              "function directly.",
        "zh-TW": "Grad-CAM 需要你最後一個卷積層是 `nn.Conv2d` 模組（它掛在模組上）；你的模型直接呼叫函式。",
    },
    "inside.image_caption": {"en": "{label} → {predicted}", "zh-TW": "{label} → {predicted}"},
    "inside.failed": {"en": "Could not look inside: {detail}", "zh-TW": "無法查看網路內部：{detail}"},
    "cam.title": {"en": "Class activation maps", "zh-TW": "類別激勵圖"},
    "cam.class": {"en": "Map of the class", "zh-TW": "顯示哪一類的圖"},
    "cam.predicted": {"en": "the one it said", "zh-TW": "模型的答案"},
    "cam.caption": {
        "en": "CAM (torchcam): the last mlpconv's 64 maps weighted by the 1x1 classifier's weights for the class, the "
              "map whose average is the class's score (before its bias). Red = where the network saw that digit; "
              "8x8, stretched to 32x32.",
        "zh-TW": "CAM（torchcam）：最後一個 mlpconv 的 64 張圖，以 1x1 分類層對該類別的權重加權，也就是平均起來等於該類分數（不含偏差）的那張圖。"
                 "越紅代表網路在那裡看到這個數字；原本是 8x8，拉伸成 32x32。",
    },
    # -- bigger networks ---------------------------------------------------------------------------------
    "big.title": {"en": "{model} cannot be trained here", "zh-TW": "{model} 無法在這裡訓練"},
    "big.intro": {
        "en": "Its trained behaviour (what its filters look like, which photos it gets right) needs a GPU and a large "
              "dataset: it was trained on ImageNet's 1.28 million photos for days on the GPUs of its time, and this "
              "machine has two CPU cores and no dataset. What its structure alone tells, without any weights, is below.",
        "zh-TW": "它訓練後的行為（卷積核長什麼樣、哪些照片認得對）需要 GPU 與大型資料集：它當年是用 ImageNet 的 128 萬張照片、"
                 "在那時的 GPU 上訓練好幾天。這台機器只有兩個 CPU 核心，也沒有資料集。下面是不需要任何權重、單從結構就能看出的東西。",
    },
    "big.sizes": {"en": "Feature-map size, layer by layer", "zh-TW": "逐層的特徵圖尺寸"},
    "big.sizes_caption": {
        "en": "Height x width of each convolution's and pooling's output (channels in the table below); each follows "
              "from the output-size formula.",
        "zh-TW": "每個卷積層與池化層輸出的高 x 寬（通道數見下表），都可由輸出尺寸公式算出。",
    },
    "big.field": {"en": "The receptive field grows with depth", "zh-TW": "感受野隨深度增加"},
    "big.field_caption": {
        "en": "How many input pixels one unit sees (one side of the square), from the receptive-field formula. The "
              "last layers see more than the whole {size}x{size} image: most of it is padding.",
        "zh-TW": "一個單元看到的輸入像素（正方形的邊長），由感受野公式算出。最後幾層看到的範圍比整張 {size}x{size} 的圖還大，多出的部分是填充。",
    },
    "big.cost": {"en": "Parameters and MACs per layer", "zh-TW": "每一層的參數量與 MACs"},
    "big.cost_caption": {
        "en": "Where the parameters are (the fully-connected layers, for AlexNet, ZFNet and VGG) is not where the "
              "computation is (the convolutions). MACs = multiply-accumulates for one image.",
        "zh-TW": "參數集中的地方（AlexNet、ZFNet、VGG 是全連接層）不是運算集中的地方（卷積層）。MACs＝一張圖片的乘積累加次數。",
    },
    "big.layer": {"en": "layer", "zh-TW": "層"},
    "big.op": {"en": "operation", "zh-TW": "運算"},
    "big.size": {"en": "height x width", "zh-TW": "高 x 寬"},
    "big.shape": {"en": "output", "zh-TW": "輸出形狀"},
    "big.field_px": {"en": "receptive field (px)", "zh-TW": "感受野（像素）"},
    "big.jump": {"en": "jump (px)", "zh-TW": "間距（像素）"},
    "big.params": {"en": "parameters (M)", "zh-TW": "參數量（M）"},
    "big.macs": {"en": "MACs (M)", "zh-TW": "MACs（M）"},
    "big.vgg": {"en": "Three 3x3 = one 7x7", "zh-TW": "三個 3x3 = 一個 7x7"},
    "big.vgg_intro": {
        "en": "VGG's argument, with {channels} channels in and out: n stacked 3x3 convolutions see as far as one "
              "(2n+1)x(2n+1) convolution, with fewer parameters and fewer operations, and a ReLU between each.",
        "zh-TW": "VGG 的論點（輸入與輸出都是 {channels} 個通道）：疊 n 個 3x3 卷積看到的範圍和一個 (2n+1)x(2n+1) 卷積一樣，"
                 "但參數量與運算量更少，而且每層之間都多一個 ReLU。",
    },
    "big.vgg_n": {"en": "3x3 layers", "zh-TW": "3x3 層數"},
    "big.vgg_field": {"en": "receptive field", "zh-TW": "感受野"},
    "big.vgg_stacked": {"en": "parameters, stacked 3x3", "zh-TW": "參數量（疊 3x3）"},
    "big.vgg_single": {"en": "parameters, one kxk", "zh-TW": "參數量（單一 kxk）"},
}
