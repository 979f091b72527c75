from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Adds this module's viewsets to the providers router."""
