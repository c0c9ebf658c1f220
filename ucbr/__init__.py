"""ucbr: the Unreasonable Customer Behaviour Register."""

__version__ = "0.1.0"
