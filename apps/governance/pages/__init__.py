"""The governance pages under ``/clusters/<slug>/``, one module per concern: ``council`` (seats),
``proposals`` (the list, drafting, the author's buttons), ``detail`` (a proposal's page),
``debate`` (comments and votes), ``petitions`` and ``rulebook``.

Every page declares who may open it (``tenancy.pages.cluster_page``): the cluster's members, its
council (holders of a current seat) and its administrators, or fewer; others get a 403 page, and
objects of another cluster (or someone else's draft) are a 404. Views validate input with a form
and call one service — the same services and selectors as the REST API; a service's refusal
becomes a form error or an error message, never a 500. Every state change is a POST that
redirects with a message. Lists are paginated and read with a fixed number of queries. The
result of a vote is shown only once it has been tallied, after the window has closed.
"""
