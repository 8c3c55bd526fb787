from django.contrib.admin.apps import AdminConfig


class MaillageAdminConfig(AdminConfig):
    """Django's admin with our site class (see admin_site.py); imported before apps are ready,
    so it names the site by path instead of importing it."""

    default_site = "maillage.core.admin_site.MaillageAdminSite"
