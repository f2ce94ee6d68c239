"""The reference zoo: the six classic CNNs of the course, each registered with its facts, and a small
global-average-pooling network for the digits (class activation maps; not a chapter exercise). No torch
is imported until a model is built."""

from solutions._registry import ModelInfo, get_model, get_model_info, list_models, literal, register_model

__all__ = ["ModelInfo", "get_model", "get_model_info", "list_models", "register_model", "model_modules"]

# VGG's configurations are written once, in the reference (vgg.py's ``cfgs``), and read from there
_VGG_CONFIGS = {name: tuple(cfg) for name, cfg in literal("ch05_vgg/vgg.py", "cfgs").items()}


def model_modules() -> list[str]:
    """The modules defining the registered models (the grader's child process imports them ahead)."""
    return list(dict.fromkeys(get_model_info(name).module for name in list_models()))

register_model(ModelInfo(
    name="LeNet5", builder="solutions.ch01_lenet.lenet:LeNet5", input_shape=(1, 32, 32), num_classes=10, num_params=61_706,
    paper="LeCun et al., Gradient-Based Learning Applied to Document Recognition", year=1998,
    aliases=("lenet",),
))
register_model(ModelInfo(
    name="AlexNet", builder="solutions.ch02_alexnet.alexnet:AlexNet", input_shape=(3, 224, 224), num_classes=1000, num_params=62_378_344,
    paper="Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional Neural Networks",
    year=2012, ilsvrc_top5=15.3, ilsvrc="ILSVRC 2012, 1st",
))
register_model(ModelInfo(
    name="ZFNet", builder="solutions.ch03_zfnet.zfnet:ZFNet", input_shape=(3, 224, 224), num_classes=1000, num_params=62_357_608,
    paper="Zeiler & Fergus, Visualizing and Understanding Convolutional Networks", year=2013,
    ilsvrc_top5=11.7, ilsvrc="ILSVRC 2013, 1st (Clarifai)",
))
register_model(ModelInfo(
    name="NiN", builder="solutions.ch04_nin.nin:NiN", input_shape=(3, 224, 224), num_classes=1000, num_params=7_439_608,
    paper="Lin, Chen & Yan, Network In Network", year=2013,
))
register_model(ModelInfo(
    name="VGG11", config=_VGG_CONFIGS["vgg11"], builder="solutions.ch05_vgg.vgg:VGG11", input_shape=(3, 224, 224), num_classes=1000, num_params=132_863_336,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014,
))
register_model(ModelInfo(
    name="VGG13", config=_VGG_CONFIGS["vgg13"], builder="solutions.ch05_vgg.vgg:VGG13", input_shape=(3, 224, 224), num_classes=1000, num_params=133_047_848,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014,
))
register_model(ModelInfo(
    name="VGG16", config=_VGG_CONFIGS["vgg16"], builder="solutions.ch05_vgg.vgg:VGG16", input_shape=(3, 224, 224), num_classes=1000, num_params=138_357_544,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014, ilsvrc_top5=7.3, ilsvrc="ILSVRC 2014, 2nd (classification)", aliases=("vgg",),
))
register_model(ModelInfo(
    name="VGG19", config=_VGG_CONFIGS["vgg19"], builder="solutions.ch05_vgg.vgg:VGG19", input_shape=(3, 224, 224), num_classes=1000, num_params=143_667_240,
    paper="Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition",
    year=2014,
))
register_model(ModelInfo(
    name="GoogLeNet", config=literal("ch06_googlenet/googlenet.py", "INCEPTION_CFGS"), builder="solutions.ch06_googlenet.googlenet:GoogLeNet", input_shape=(3, 224, 224), num_classes=1000, num_params=6_998_552,
    paper="Szegedy et al., Going Deeper with Convolutions", year=2014,
    ilsvrc_top5=6.67, ilsvrc="ILSVRC 2014, 1st (classification)", aliases=("inceptionv1",),
))
register_model(ModelInfo(
    name="DigitsGAPNet", builder="solutions.extra.digits_gap:DigitsGAPNet", input_shape=(1, 32, 32), num_classes=10, num_params=35_850,
    paper="Zhou et al., Learning Deep Features for Discriminative Localization (CAM), on NiN's mlpconv and GAP",
    year=2016, aliases=("gapnet", "gap"),
))
