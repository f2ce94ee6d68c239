"""The formulas: output size, parameters, receptive field: worksheet.
計算公式：輸出尺寸、參數量、感受野：工作單。

Compute each blank by hand (paper, or a calculator), then replace the None with your number.
Write shapes as (channels, height, width), without the batch dimension.
請用紙筆（或計算機）手算每一格，再把 None 換成你的答案。
形狀寫成 (C, H, W)，也就是通道、高、寬，不含批次維度。

Check: python -m grader check ch00   or   pytest exercises/ch00_formulas
"""

# Output width of an 11x11 convolution, stride 4, padding 2, on a 224-wide input (AlexNet's conv1).
# 寬度 224 的輸入經過 11x11 卷積（步幅 4、填充 2）後的輸出寬度（AlexNet 的 conv1）。
CONV_224_K11_S4_P2 = 55

# Output width of a 3x3 max-pool with stride 2 on a 55-wide input.
# 寬度 55 的輸入經過 3x3 最大池化（步幅 2）後的輸出寬度。
POOL_55_F3_S2 = 27

# Output width of a 5x5 convolution (stride 1, no padding) on a 32-wide input (LeNet's conv1).
# 寬度 32 的輸入經過 5x5 卷積（步幅 1、不填充）後的輸出寬度（LeNet 的 conv1）。
CONV_32_K5 = 28

# Parameters of a 5x5 convolution from 1 channel to 6 filters, with bias.
# 從 1 個通道到 6 個卷積核的 5x5 卷積（含偏差）的參數量。
CONV_1_TO_6_K5_PARAMS = 156

# Parameters of a fully-connected layer from 400 to 120 features, with bias.
# 從 400 個特徵到 120 個特徵的全連接層（含偏差）的參數量。
FC_400_TO_120_PARAMS = 48120

# Receptive field (in pixels, one side) of two stacked 3x3 convolutions with stride 1.
# 兩個堆疊的 3x3 卷積（步幅 1）的感受野（單邊，以像素計）。
RF_TWO_3X3 = 5
