"""Kernel pages: landing, health, staff outbox, friendly error pages."""

from __future__ import annotations

import logging
import uuid

from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from maillage.accounts.selectors import members_count

from . import mail

logger = logging.getLogger(__name__)


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "core/landing.html", {"members_count": members_count()})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Search engines may read public profiles; everything private is behind a login anyway."""
    from django.conf import settings

    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /outbox/",
        "Disallow: /profile/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# --- Health ---------------------------------------------------------------------------------


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answering. Checks nothing else, on purpose."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)


def _check_channel_layer() -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("readyz.")
        await layer.send(channel, {"type": "readyz.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "readyz.ping":
            raise RuntimeError("message sent was not received")

    async_to_sync(round_trip)()


def _check_task_queue() -> None:
    from django_tasks import default_task_backend

    backend_path = type(default_task_backend).__module__
    if backend_path.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    elif backend_path.startswith("django_tasks_rq"):
        import django_rq

        django_rq.get_connection("default").ping()


READINESS_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "task_queue": _check_task_queue,
}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Every dependency answers; 503 naming the failing parts otherwise."""
    results: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.warning("Readiness check %s failed: %s", name, exc)
            results[name] = "failing"
        else:
            results[name] = "ok"
    failing = [name for name, state in results.items() if state != "ok"]
    body = {"status": "failing" if failing else "ok", "checks": results, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


# --- Staff outbox ---------------------------------------------------------------------------


def _staff_or_404(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404


def outbox(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    return render(request, "core/outbox.html", {"messages_list": mail.outbox_list()})


def outbox_message(request: HttpRequest, name: str) -> HttpResponse:
    _staff_or_404(request)
    message = mail.outbox_get(name)
    if message is None:
        raise Http404
    return render(request, "core/outbox_message.html", {"message": message})


# --- Friendly error pages -------------------------------------------------------------------


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever broke (the database, say) must not break this page too.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
