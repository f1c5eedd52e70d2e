"""Neural-network building blocks on top of `autograd`."""
from . import scalar
from .scalar import MLP, Layer, Neuron

__all__ = ["scalar", "MLP", "Layer", "Neuron"]
