"""Pages of the membership domain, one module per concern (``urls.py`` names them).

Pages inside a cluster declare who may open them (``apps.tenancy.pages.cluster_page``) and read
the caller's access from ``request.cluster_access``; an enterprise's pages (outside any cluster)
check the caller's role in it. Every read comes from ``selectors``, every list filter is a
FilterSet of ``filters``, every write is one service call.
"""
