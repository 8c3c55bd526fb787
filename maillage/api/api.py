"""The REST API root (version 1). Each app adds its endpoints from `<app>/api.py`.

Authentication is the member's session (with CSRF) for now; personal access tokens come with the
API capability. Errors share one shape: {"detail": "..."}.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as InputError
from ninja.security import django_auth

api = NinjaAPI(
    title="Maillage API",
    version="1",
    urls_namespace="api-1",
    auth=django_auth,
    description="The Maillage REST API. Every endpoint applies the same audience rules as pages.",
)


class MeOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    email: str
    language: str


class InstanceOut(Schema):
    name: str
    languages: list[str]


@api.get("/me", response=MeOut, summary="The member making the request")
def me(request):
    user = request.auth
    return MeOut(
        id=user.public_id,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        language=user.language or request.LANGUAGE_CODE,
    )


@api.get("/instance", response=InstanceOut, auth=None, summary="About this instance")
def instance(request):
    from maillage.core.models import InstanceSettings

    return InstanceOut(
        name=InstanceSettings.current().name, languages=[code for code, _ in settings.LANGUAGES]
    )


@api.exception_handler(InputError)
def input_error(request, exc: InputError):
    """Malformed input (a missing field, a wrong type) answers 400 in the shared error shape."""
    parts = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ())[1:] if p != "payload")
        parts.append(f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", "")))
    return api.create_response(request, {"detail": "; ".join(parts) or "Invalid input."}, status=400)


def _add_app_routers() -> None:
    from maillage.feed.api import router as feed_router

    api.add_router("", feed_router)


_add_app_routers()
