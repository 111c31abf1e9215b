from tests.marketplace.conftest import market  # noqa: F401  (the buyer, the supplier, a rival, one cluster)
