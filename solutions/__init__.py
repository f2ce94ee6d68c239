"""The reference zoo: the six classic CNNs of the course, each registered with its facts, and a small
global-average-pooling network for the digits (class activation maps; not a chapter exercise)."""

from solutions._registry import ModelInfo, get_model, get_model_info, list_models, register_model
from solutions.ch01_lenet.lenet import LeNet5
from solutions.ch02_alexnet.alexnet import AlexNet
from solutions.ch03_zfnet.zfnet import ZFNet
from solutions.ch04_nin.nin import NiN
from solutions.ch05_vgg.vgg import VGG11, VGG13, VGG16, VGG19
from solutions.ch06_googlenet.googlenet import GoogLeNet
from solutions.extra.digits_gap import DigitsGAPNet

__all__ = ["ModelInfo", "get_model", "get_model_info", "list_models", "register_model"]

register_model(ModelInfo(
    name="LeNet5", builder=LeNet5, input_shape=(1, 32, 32), num_classes=10, num_params=61_706,
    paper="LeCun et al., Gradient-Based Learning Applied to Document Recognition", year=1998,
    aliases=("lenet",),
))
register_model(ModelInfo(
    name="AlexNet", builder=AlexNet, input_shape=(3, 224, 224), num_classes=1000, num_params=62_378_344,
    paper="Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional Neural Networks",
    year=2012, ilsvrc_top5=15.3, ilsvrc="ILSVRC 2012, 1st",
))
register_model(ModelInfo(
    name="ZFNet", builder=ZFNet, input_shape=(3, 224, 224), num_classes=1000, num_params=62_357_608,
    paper="Zeiler & Fergus, Visualizing and Understanding Convolutional Networks", year=2013,
    ilsvrc_top5=11.7, ilsvrc="ILSVRC 2013, 1st (Clarifai)",
))
register_model(ModelInfo(
    name="NiN", builder=NiN, input_shape=(3, 224, 224), num_classes=1000, num_params=7_439_608,
    paper="Lin, Chen & Yan, Network In Network", year=2013,
))
register_model(ModelInfo(
    name="VGG11", builder=VGG11, input_shape=(3, 224, 224), num_classes=1000, num_params=132_863_336,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014,
))
register_model(ModelInfo(
    name="VGG13", builder=VGG13, input_shape=(3, 224, 224), num_classes=1000, num_params=133_047_848,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014,
))
register_model(ModelInfo(
    name="VGG16", builder=VGG16, input_shape=(3, 224, 224), num_classes=1000, num_params=138_357_544,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014, ilsvrc_top5=7.3, ilsvrc="ILSVRC 2014, 2nd (classification)", aliases=("vgg",),
))
register_model(ModelInfo(
    name="VGG19", builder=VGG19, input_shape=(3, 224, 224), num_classes=1000, num_params=143_667_240,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014,
))
register_model(ModelInfo(
    name="GoogLeNet", builder=GoogLeNet, input_shape=(3, 224, 224), num_classes=1000, num_params=6_998_552,
    paper="Szegedy et al., Going Deeper with Convolutions", year=2014,
    ilsvrc_top5=6.67, ilsvrc="ILSVRC 2014, 1st (classification)", aliases=("inceptionv1",),
))
register_model(ModelInfo(
    name="DigitsGAPNet", builder=DigitsGAPNet, input_shape=(1, 32, 32), num_classes=10, num_params=35_850,
    paper="Zhou et al., Learning Deep Features for Discriminative Localization (CAM), on NiN's mlpconv and GAP",
    year=2016, aliases=("gapnet", "gap"),
))
