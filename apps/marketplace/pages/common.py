"""What every marketplace page shares: who may open it, the page size, how a refused button speaks."""

from django.utils.translation import gettext_lazy

PAGE_SIZE = 25
#: the marketplace's pages open to the cluster's active members and administrators (platform staff too)
MARKET_REFUSAL = gettext_lazy("The marketplace is open to the cluster's members and administrators.")
