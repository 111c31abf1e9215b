"""Pages of the marketplace: the market, posting and managing listings (``listings``), matches
with their score explanation (``matches``), deals to delivery and rating (``deals``). The
administrators' matching runs are matching's (``apps/matching/pages``).

Every page belongs to one cluster and declares who may open it (``tenancy.pages.cluster_page``):
the cluster's active members and administrators (others get a 403 page; objects of another
cluster, or a match or deal the caller is no side of, are a 404). Pages read through
``marketplace.selectors``, filter with ``marketplace.filters``, show only the actions
``marketplace.lifecycle`` allows, validate input with a form and call one service — the same
services as the REST API; a service's refusal becomes a form error or an error message, never
a 500. Every state change is a POST that redirects with a message. Lists are paginated and
read with a fixed number of queries.
"""
