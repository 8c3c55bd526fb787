from django.contrib import admin

from .models import InstanceSettings
from .services import instance_settings_update


@admin.register(InstanceSettings)
class InstanceSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "signup_mode", "updated_at"]

    def has_add_permission(self, request):
        return not InstanceSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, so the copy every process caches is dropped on commit.
        saved = instance_settings_update(**{name: form.cleaned_data[name] for name in form.fields})
        obj.pk = saved.pk
