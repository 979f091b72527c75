"""The back office's rule in the authorisation matrix.

Every `admin:` URL, for every model registered now or later: anyone who is not staff (anonymous
or any organisation's role) is sent to the back office's sign-in page and changes nothing. A
platform administrator with no model permissions reaches the index and their own password page
and is refused (403) every model's pages; what a permission grants is the back office's own
business (Django's permissions, tested with the admin).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import reverse

from tests.portal.matrix_routes import ADMIN_SIGN_IN, SIGN_IN, Answer, Route
from tests.portal.matrix_world import ANONYMOUS, PLATFORM_ADMIN, World

#: A staff account without permissions, per back-office page (a model's pages by their suffix).
ADMIN_PAGES: dict[str, Answer] = {
    "index": 200,
    # The back office has no sign-in of its own: the portal's, with its code, is the way in.
    "login": 403,
    "logout": 405,  # signing out is a POST
    "password_change": 200,
    "password_change_done": 200,
    "jsi18n": 200,
    "autocomplete": 403,
    "view_on_site": 404,  # the world's authority has no page of its own
    "app_list": 404,  # no permission in any app: as if it did not exist
    "catch-all": 404,
    "changelist": 403,
    "add": 403,
    "change": 403,
    "delete": 403,
    "history": 403,
    "object": 302,  # /<id>/ redirects to the change page, which then refuses
    "password_change_of_user": 403,
    "config": 403,  # an authenticator's set-up page (django-otp's TOTP device admin)
    "qrcode": 403,
}


@dataclass(frozen=True)
class AdminPage:
    page: str
    model: type[Model] | None


def admin_page(route: Route) -> AdminPage | None:
    """What kind of back-office page a route is, and for which model; None when unknown."""
    name = route.key.removeprefix("admin:")
    parts = route.pattern.removeprefix("back-office/").split("/")
    model = None
    if len(parts) > 2:
        try:
            model = apps.get_model(parts[0], parts[1])
        except (LookupError, ValueError):
            model = None
    if model is not None:
        meta = model._meta
        suffix = name.removeprefix(f"{meta.app_label}_{meta.model_name}_")
        if name.startswith("<unnamed"):
            return AdminPage("object", model)
        if name.endswith(
            "_password_change"
        ):  # UserAdmin names it auth_user_..., whatever the model
            return AdminPage("password_change_of_user", model)
        return AdminPage(suffix, model) if suffix in ADMIN_PAGES else None
    if name.startswith("<unnamed"):
        return AdminPage("catch-all", None)
    return AdminPage(name, None) if name in ADMIN_PAGES else None


def admin_expected(route: Route, actor: str) -> Answer:
    found = admin_page(route)
    assert found is not None
    if actor == PLATFORM_ADMIN:
        return ADMIN_PAGES[found.page]
    if found.page == "login":
        # The back office's own sign-in hands over to the portal's, which asks for the code.
        return SIGN_IN if actor == ANONYMOUS else 403
    if found.page == "logout":
        return 302  # not signed in to the back office: back to its index (then to sign in)
    return ADMIN_SIGN_IN


def admin_path(route: Route, world: World) -> str:
    """The route's URL, with the first row of its model (every registered model has one)."""
    found = admin_page(route)
    assert found is not None
    if found.page == "catch-all":
        return "/back-office/nothing-here/"
    kwargs: dict[str, object] = {}
    for name in route.params:
        if found.page == "view_on_site":
            kwargs["content_type_id"] = ContentType.objects.get_for_model(world.authority_a).pk
            kwargs["object_id"] = str(world.authority_a.pk)
        elif name in ("object_id", "id", "pk"):
            assert found.model is not None
            first = found.model._default_manager.order_by("pk").first()
            assert first is not None, f"the world has no {found.model._meta.label} to ask about"
            kwargs[name] = str(first.pk)
        elif name == "app_label":
            kwargs[name] = "accounts"
    if found.page == "object":
        return "/" + route.pattern.replace("<path:object_id>", str(kwargs["object_id"]))
    return reverse(route.key, kwargs=kwargs or None)
