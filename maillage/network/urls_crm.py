from django.urls import path

from . import views_crm

urlpatterns = [
    path("in/<slug:address>/relationship/", views_crm.crm_relationship, name="crm_relationship"),
    path(
        "in/<slug:address>/relationship/<slug:action>/",
        views_crm.crm_relationship_action,
        name="crm_relationship_action",
    ),
    path("network/contacts/", views_crm.crm_contacts, name="crm_contacts"),
    path("network/contacts/new/", views_crm.crm_contact_new, name="crm_contact_new"),
    path("network/contacts/import/", views_crm.crm_import, name="crm_import"),
    path(
        "network/contacts/import/preview/",
        views_crm.crm_import_preview,
        name="crm_import_preview",
    ),
    path("network/contacts/<uuid:contact_id>/", views_crm.crm_contact, name="crm_contact"),
    path(
        "network/contacts/<uuid:contact_id>/<slug:action>/",
        views_crm.crm_contact_action,
        name="crm_contact_action",
    ),
]
