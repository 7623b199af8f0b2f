"""The URL conf walked: every route with its pattern, name and view, for the sweeps of this folder."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_routes():
    """(route text, namespaced name, URLPattern) for every route but the admin's."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}".strip(":") if pattern.name else ""
                yield prefix + str(pattern.pattern), name, pattern

    return [r for r in walk(get_resolver().url_patterns) if not r[0].startswith("admin/")]


def view_class(pattern):
    callback = pattern.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def list_routes_with_filters():
    """(path, FilterSet) of every list page and API list that filters with a FilterSet."""
    found = []
    for route, _name, pattern in all_routes():
        if "<" in route or "(?P" in route:
            continue
        filterset = getattr(view_class(pattern), "filterset_class", None)
        if filterset is not None:
            found.append(("/" + route.replace("^", "").replace("$", ""), filterset))
    return found
