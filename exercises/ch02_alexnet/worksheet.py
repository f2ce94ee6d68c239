"""AlexNet (ILSVRC 2012): worksheet.
AlexNet（ILSVRC 2012）：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch02   or   pytest exercises/ch02_alexnet
"""

# Shape after conv1 (96 filters, 11x11, stride 4, padding 2) on 3x224x224.
# 3x224x224 經過 conv1（96 個 11x11 卷積核、步幅 4、填充 2）後的形狀。
CONV1_OUTPUT = None  # TODO

# Shape after the first 3x3 max-pool, stride 2.
# 第一個 3x3 最大池化（步幅 2）後的形狀。
POOL1_OUTPUT = None  # TODO

# Shape after the second max-pool (conv2: 256 filters, 5x5, padding 2).
# 第二個最大池化後的形狀（conv2：256 個 5x5 卷積核、填充 2）。
POOL2_OUTPUT = None  # TODO

# Shape after the last max-pool of the feature extractor.
# 特徵擷取部分最後一個最大池化後的形狀。
FEATURES_OUTPUT = None  # TODO

# Parameters of conv1.
# conv1 的參數量。
CONV1_PARAMS = None  # TODO

# Parameters of the three fully-connected layers together (9216 -> 4096 -> 4096 -> 1000).
# 三個全連接層合計的參數量（9216 -> 4096 -> 4096 -> 1000）。
FC_PARAMS = None  # TODO
