"""The formula drill's questions and the names of its kinds of question."""

TEXTS: dict[str, dict[str, str]] = {
    "drill.kind.conv_output": {"en": "convolution output size", "zh-TW": "卷積輸出尺寸"},
    "drill.kind.pool_output": {"en": "pooling output size", "zh-TW": "池化輸出尺寸"},
    "drill.kind.conv_params": {"en": "convolution parameters", "zh-TW": "卷積層參數量"},
    "drill.kind.linear_params": {"en": "fully-connected parameters", "zh-TW": "全連接層參數量"},
    "drill.kind.receptive_field": {"en": "receptive field", "zh-TW": "感受野"},
    "drill.ask.conv_output": {
        "en": "A {k}x{k} convolution with stride {s} and padding {p} runs on a {w}x{w} input. What is the output width?",
        "zh-TW": "{w}x{w} 的輸入經過 {k}x{k} 卷積、步幅 {s}、填充 {p}，輸出寬度是多少？",
    },
    "drill.ask.pool_output": {
        "en": "A {k}x{k} max-pool with stride {s} runs on a {w}x{w} input. What is the output width?",
        "zh-TW": "{w}x{w} 的輸入經過 {k}x{k} 最大池化、步幅 {s}，輸出寬度是多少？",
    },
    "drill.ask.pool_output_ceil": {
        "en": "A {k}x{k} max-pool with stride {s}, ceil_mode=True, runs on a {w}x{w} input. What is the output width?",
        "zh-TW": "{w}x{w} 的輸入經過 {k}x{k} 最大池化、步幅 {s}、ceil_mode=True，輸出寬度是多少？",
    },
    "drill.ask.conv_params": {
        "en": "How many parameters does a {k}x{k} convolution from {i} to {o} channels, with bias, have?",
        "zh-TW": "從 {i} 個通道到 {o} 個通道、含偏差的 {k}x{k} 卷積有多少參數？",
    },
    "drill.ask.conv_params_no_bias": {
        "en": "How many parameters does a {k}x{k} convolution from {i} to {o} channels, without bias (bias=False), have?",
        "zh-TW": "從 {i} 個通道到 {o} 個通道、不含偏差（bias=False）的 {k}x{k} 卷積有多少參數？",
    },
    "drill.ask.linear_params": {
        "en": "How many parameters does a fully-connected layer from {i} to {o} features, with bias, have?",
        "zh-TW": "從 {i} 個特徵到 {o} 個特徵的全連接層（含偏差）有多少參數？",
    },
    "drill.ask.receptive_field": {
        "en": "What is the receptive field (one side, in input pixels) of this stack, first layer first: {stack} "
              "(kernel/stride, no dilation)?",
        "zh-TW": "一疊層由第一層起依序為 {stack}（卷積核大小/步幅，無擴張）。它的感受野邊長是多少個輸入像素？",
    },
}
