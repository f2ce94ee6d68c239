"""Correct: the class scores taken out of the N x classes x 1 x 1 map with two squeezes (the last two
dimensions, never the batch)."""

import torch.nn as nn
import torch.nn.functional as F


class NiN(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()

        def block(cin, cout, k, s=1, p=0):
            return nn.Sequential(nn.Conv2d(cin, cout, k, s, p), nn.ReLU(),
                                 nn.Conv2d(cout, cout, 1), nn.ReLU(),
                                 nn.Conv2d(cout, cout, 1), nn.ReLU())

        self.block1 = block(3, 96, 11, 4)
        self.block2 = block(96, 256, 5, p=2)
        self.block3 = block(256, 384, 3, p=1)
        self.block4 = block(384, num_classes, 3, p=1)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = F.max_pool2d(self.block1(x), 3, 2)   # 96 x 26 x 26
        x = F.max_pool2d(self.block2(x), 3, 2)   # 256 x 12 x 12
        x = F.max_pool2d(self.block3(x), 3, 2)   # 384 x 5 x 5
        x = self.block4(self.dropout(x))         # classes x 5 x 5
        x = F.adaptive_avg_pool2d(x, (1, 1))     # classes x 1 x 1
        return x.squeeze(-1).squeeze(-1)         # classes
