from axes.backends import AxesStandaloneBackend


class AdminLoginGuardBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped where there is no request to judge (scripts, tests)."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
