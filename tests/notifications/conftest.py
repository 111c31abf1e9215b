from tests.marketplace.conftest import market  # noqa: F401  (the buyer, the supplier, a rival, one cluster)
from tests.parks.conftest import park  # noqa: F401  (a park: its administrator, two members, a lab)
