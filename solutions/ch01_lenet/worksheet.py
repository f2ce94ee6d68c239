"""LeNet-5 (1998): worksheet.
LeNet-5（1998）：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch01   or   pytest exercises/ch01_lenet
"""

# Shape (C, H, W) after conv1 (6 filters, 5x5) on a 1x32x32 input.
# 1x32x32 的輸入經過 conv1（6 個 5x5 卷積核）後的形狀，寫成 (C, H, W)。
CONV1_OUTPUT = (6, 28, 28)

# Shape after the first 2x2 max-pool (stride 2).
# 第一個 2x2 最大池化（步幅 2）後的形狀。
POOL1_OUTPUT = (6, 14, 14)

# Shape after conv2 (16 filters, 5x5).
# conv2（16 個 5x5 卷積核）後的形狀。
CONV2_OUTPUT = (16, 10, 10)

# Shape after the second max-pool.
# 第二個最大池化後的形狀。
POOL2_OUTPUT = (16, 5, 5)

# in_features of fc1: why is it 16*5*5? Write the number.
# fc1 的 in_features 為什麼是 16*5*5？請寫出這個數字。
FC1_IN_FEATURES = 400

# Parameters of conv2 (6 -> 16 channels, 5x5, with bias).
# conv2（6 -> 16 通道、5x5、含偏差）的參數量。
CONV2_PARAMS = 2416

# Parameters of the whole LeNet-5 (10 classes).
# 整個 LeNet-5（10 類）的參數量。
TOTAL_PARAMS = 61706
