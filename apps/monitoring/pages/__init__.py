"""Pages of monitoring, inside one cluster: the administrators' dashboard (``dashboard``), an
enterprise's own dashboard (``enterprise``) and the alert buttons (``alerts``); ``figures``
writes the KPIs as the pages show them, the cluster's public figures included.

Every page declares who may open it (``apps.tenancy.pages.cluster_page``); reads come from
``apps.monitoring.selectors``; state changes are POSTs that call the same services as the REST
API and redirect with a message.
"""
