"""Classic architectures, sized for a laptop CPU."""
from .alexnet import AlexNetSmall
from .linear import LinearRegression, LogisticRegression, SoftmaxRegression
from .perceptron import Perceptron

__all__ = ["AlexNetSmall", "LinearRegression", "LogisticRegression", "SoftmaxRegression", "Perceptron"]
