"""Which HTTP methods a view implements, read from the view itself.

* A class-based view (Django's ``View``, DRF's ``APIView``) implements the methods it has a
  handler for; a DRF viewset's route implements the methods its router mapped to actions.
  Either way only among the class's ``http_method_names`` (several viewsets drop PUT).
  DRF answers OPTIONS only with a metadata class (the platform has none).
* A function view implements what Django's ``require_http_methods`` (``require_GET``,
  ``require_POST``…) lets through, wherever it sits among the view's decorators; with no such
  decorator, a page's methods: GET, HEAD and POST.

``AllowedMethodsMiddleware`` answers every other method with 405 before the view, its
decorators (a login redirect) or its authentication (a 401) can answer anything else.
"""

import functools
import inspect

from django.views.decorators.http import require_http_methods

#: the methods the platform answers at all; any other (TRACE, CONNECT, PROPFIND…) is a 405 everywhere
STANDARD = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: what a function view without a method decorator implements
PAGE = frozenset({"GET", "HEAD", "POST"})
_REQUIRE_CODE = require_http_methods(["GET"])(lambda request: None).__code__


@functools.lru_cache(maxsize=2048)
def allowed_methods(view) -> frozenset[str]:
    """The methods ``view`` (a URL pattern's callback) implements, in upper case."""
    for layer in _layers(view):
        view_class = getattr(layer, "cls", None) or getattr(layer, "view_class", None)
        if view_class is not None:
            return _of_class(view_class, getattr(layer, "actions", None))
        if getattr(layer, "__code__", None) is _REQUIRE_CODE:
            listed = inspect.getclosurevars(layer).nonlocals.get("request_method_list")
            if listed is not None:
                return frozenset(method.upper() for method in listed)
    return PAGE


def _layers(view):
    """The view and every function its decorators wrapped (``functools.wraps``' ``__wrapped__``)."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        yield view
        view = getattr(view, "__wrapped__", None)


def _of_class(view_class, actions) -> frozenset[str]:
    if actions is not None:  # a DRF viewset route: the methods its router mapped
        names = [method for method in actions if method in view_class.http_method_names]
    else:
        names = [method for method in view_class.http_method_names if hasattr(view_class, method)]
    methods = {method.upper() for method in names}
    if "GET" in methods:
        methods.add("HEAD")  # Django's View and DRF's viewsets answer HEAD as GET
    if getattr(view_class, "metadata_class", True) is None:  # DRF without metadata refuses OPTIONS
        methods.discard("OPTIONS")
    elif hasattr(view_class, "options"):
        methods.add("OPTIONS")
    return frozenset(methods & STANDARD)
