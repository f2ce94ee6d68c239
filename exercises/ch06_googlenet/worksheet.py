"""GoogLeNet / Inception v1 (ILSVRC 2014): worksheet.
GoogLeNet／Inception v1（ILSVRC 2014）：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch06   or   pytest exercises/ch06_googlenet
"""

# Shape after the stem (7x7/2 conv, 3x3/2 pool, 1x1 conv, 3x3 conv to 192, 3x3/2 pool; pools padding
# 1) on 3x224x224.
# 3x224x224 經過主幹（7x7/2 卷積、3x3/2 池化、1x1 卷積、輸出 192 個通道的 3x3 卷積、3x3/2 池化；池化
# 都填充 1）後的形狀。
STEM_OUTPUT = None  # TODO

# Shape after inception 3a (1x1: 64, 3x3: 128, 5x5: 32, pool proj: 32).
# inception 3a 之後的形狀（1x1：64、3x3：128、5x5：32、池化投影：32）。
INCEPTION_3A_OUTPUT = None  # TODO

# Parameters of inception 3a with its 1x1 reductions (192 in; 64 | 96->128 | 16->32 | pool->32).
# 含 1x1 降維的 inception 3a 參數量（輸入 192；64 | 96->128 | 16->32 | 池化->32）。
INCEPTION_3A_PARAMS = None  # TODO

# The same module without the 1x1 reductions: the 3x3 and 5x5 convolutions see all 192 channels.
# 同一個模組但沒有 1x1 降維：3x3 與 5x5 卷積直接接收全部 192 個通道。
INCEPTION_3A_PARAMS_NO_REDUCTION = None  # TODO

# Shape after inception 5b, the last module.
# 最後一個模組 inception 5b 之後的形狀。
INCEPTION_5B_OUTPUT = None  # TODO

# Parameters of the whole GoogLeNet (1000 classes).
# 整個 GoogLeNet（1000 類）的參數量。
TOTAL_PARAMS = None  # TODO
