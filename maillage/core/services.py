"""Writes to the kernel's own rows."""

from __future__ import annotations

from django.db import transaction

from .models import InstanceSettings


def instance_settings_update(**fields: object) -> InstanceSettings:
    """Change the instance settings row (created on first use) and drop the cached copy."""
    with transaction.atomic():
        instance = InstanceSettings.objects.select_for_update().order_by("pk").first()
        if instance is None:
            # First change: start from the defaults the environment gives.
            InstanceSettings.forget_cached()
            instance = InstanceSettings.current()
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        # Dropped now for this process, and again after commit in case another process cached
        # the old row in between.
        InstanceSettings.forget_cached()
        transaction.on_commit(InstanceSettings.forget_cached)
    return instance
