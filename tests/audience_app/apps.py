from django.apps import AppConfig


class AudienceAppConfig(AppConfig):
    """Stand-ins for groups, organizations, connections and blocks, for the audience tests."""

    name = "tests.audience_app"
    label = "audience_app"
    default_auto_field = "django.db.models.BigAutoField"
