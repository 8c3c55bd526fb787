"""The profile page at /in/<address>/, its vCard and QR code, and /in/me/."""

from django.urls import path

from . import views

urlpatterns = [
    # "me" is a reserved address (addresses.RESERVED_ADDRESSES), so it never shadows a member.
    path("in/me/", views.my_profile, name="my_profile"),
    path("in/<slug:address>/", views.profile_page, name="profile"),
    path("in/<slug:address>/vcard.vcf", views.profile_vcard, name="profile_vcard"),
    path("in/<slug:address>/qr.svg", views.profile_qr, name="profile_qr"),
]
