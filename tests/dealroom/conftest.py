"""The marketplace's scene (a cluster, a buyer, a supplier, a rival, an outsider) for the deal room."""

from tests.marketplace.conftest import Market, capacity_body, days, market, order_body  # noqa: F401
