"""Classic architectures, sized for a laptop CPU."""
from .alexnet import AlexNetSmall

__all__ = ["AlexNetSmall"]
