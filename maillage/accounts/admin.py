from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import SignupInvitation, User
from .services import INVITATION_VALIDITY


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "search_name"]
    readonly_fields = ["public_id", "date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )


@admin.register(SignupInvitation)
class SignupInvitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "invited_by", "expires_at", "used_at", "link"]
    readonly_fields = ["code", "invited_by", "used_at", "used_by", "link"]
    fields = ["email", "expires_at", "code", "link", "invited_by", "used_at", "used_by"]

    @admin.display(description=_("link to send"))
    def link(self, obj):
        if not obj.pk:
            return "—"
        return format_html("<code>{}</code>", obj.get_absolute_url())

    def get_changeform_initial_data(self, request):
        from django.utils import timezone

        return {"expires_at": timezone.now() + INVITATION_VALIDITY}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)
