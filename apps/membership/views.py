"""Transition shim (issue 14): the membership pages are in ``apps/membership/pages/``.

The marketplace and governance pages still import these two names from here until they are
converted to ``apps.tenancy.pages.cluster_page``; delete this module once nothing does.
"""

from apps.tenancy.pages import access_refusals, forbidden

__all__ = ["access_refusals", "forbidden"]
