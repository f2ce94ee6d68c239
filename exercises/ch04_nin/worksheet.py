"""Network in Network (2013): worksheet.
Network in Network（2013）：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch04   or   pytest exercises/ch04_nin
"""

# Shape after the first mlpconv block (11x11 conv, stride 4, 96 filters, then two 1x1) on 3x224x224.
# 3x224x224 經過第一個 mlpconv 區塊（96 個 11x11 卷積核、步幅 4，再接兩個 1x1 卷積）後的形狀。
BLOCK1_OUTPUT = None  # TODO

# Shape after the first 3x3 max-pool, stride 2.
# 第一個 3x3 最大池化（步幅 2）後的形狀。
POOL1_OUTPUT = None  # TODO

# Shape after the third max-pool.
# 第三個最大池化後的形狀。
POOL3_OUTPUT = None  # TODO

# Shape after the last mlpconv block (num_classes = 1000 channels), before global average pooling.
# 最後一個 mlpconv 區塊（輸出 1000 個通道）之後、全域平均池化之前的形狀。
LAST_BLOCK_OUTPUT = None  # TODO

# Parameters of the first mlpconv block (11x11 3->96, then 1x1 96->96 twice).
# 第一個 mlpconv 區塊的參數量（11x11 3->96，再接兩個 1x1 96->96）。
BLOCK1_PARAMS = None  # TODO

# Global average pooling has no parameters. How many parameters do AlexNet's three fc layers have,
# which NiN does without?
# 全域平均池化沒有參數。AlexNet 的三個全連接層有多少參數（NiN 完全省下了它們）？
PARAMS_SAVED_BY_GAP = None  # TODO
