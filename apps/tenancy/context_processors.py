from . import selectors


def navigation(request):
    """Clusters where the signed-in user holds a role, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_cluster_roles": ()}

    def roles():
        return list(selectors.user_cluster_roles(user=user)[:20])

    return {"my_cluster_roles": roles}
