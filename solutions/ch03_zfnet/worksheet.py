"""ZFNet (ILSVRC 2013): worksheet.
ZFNet（ILSVRC 2013）：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch03   or   pytest exercises/ch03_zfnet
"""

# Shape after conv1 (96 filters, 7x7, stride 2, padding 1) on 3x224x224.
# 3x224x224 經過 conv1（96 個 7x7 卷積核、步幅 2、填充 1）後的形狀。
CONV1_OUTPUT = (96, 110, 110)

# Shape after the first 3x3 max-pool, stride 2, ceil_mode=True.
# 第一個 3x3 最大池化（步幅 2、ceil_mode=True）後的形狀。
POOL1_OUTPUT = (96, 55, 55)

# Shape after conv2 (256 filters, 5x5, stride 2, no padding).
# conv2（256 個 5x5 卷積核、步幅 2、不填充）後的形狀。
CONV2_OUTPUT = (256, 26, 26)

# Shape after the second max-pool (3x3, stride 2, ceil_mode=True).
# 第二個最大池化（3x3、步幅 2、ceil_mode=True）後的形狀。
POOL2_OUTPUT = (256, 13, 13)

# Parameters of ZFNet's conv1.
# ZFNet conv1 的參數量。
CONV1_PARAMS = 14208

# How many fewer parameters does ZFNet's 7x7 conv1 have than AlexNet's 11x11 conv1?
# ZFNet 的 7x7 conv1 比 AlexNet 的 11x11 conv1 少多少參數？
CONV1_PARAMS_SAVED = 20736
