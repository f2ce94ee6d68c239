"""VGG16 (ILSVRC 2014): worksheet.
VGG16（ILSVRC 2014）：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch05   or   pytest exercises/ch05_vgg
"""

# Shape after block 1 (two 3x3 convs, padding 1, 64 filters, then a 2x2 max-pool) on 3x224x224.
# 3x224x224 經過第 1 個區塊（兩個 3x3 卷積、填充 1、64 個卷積核，再接 2x2 最大池化）後的形狀。
BLOCK1_OUTPUT = None  # TODO

# Shape after block 3.
# 第 3 個區塊後的形狀。
BLOCK3_OUTPUT = None  # TODO

# Shape after block 5, the last of the feature extractor.
# 第 5 個區塊（特徵擷取的最後一塊）後的形狀。
FEATURES_OUTPUT = None  # TODO

# Parameters of fc1 (512*7*7 -> 4096).
# fc1（512*7*7 -> 4096）的參數量。
FC1_PARAMS = None  # TODO

# Weights of three stacked 3x3 convolutions at 512 -> 512 channels (bias excluded).
# 三個堆疊的 3x3 卷積（512 -> 512 通道，不含偏差）的權重數。
THREE_3X3_PARAMS_512 = None  # TODO

# Weights of one 7x7 convolution at 512 -> 512 channels (bias excluded).
# 一個 7x7 卷積（512 -> 512 通道，不含偏差）的權重數。
ONE_7X7_PARAMS_512 = None  # TODO

# Receptive field (one side, pixels) of three stacked 3x3 convolutions, stride 1.
# 三個堆疊的 3x3 卷積（步幅 1）的感受野（單邊，以像素計）。
RF_THREE_3X3 = None  # TODO
