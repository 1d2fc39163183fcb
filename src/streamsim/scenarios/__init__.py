"""Built-in scenarios; importing this package registers them."""

from streamsim.scenarios import ecommerce, eta, fraud

__all__ = ["ecommerce", "eta", "fraud"]
