"""/sitemap.xml: the public profile pages, with absolute URLs on the instance's own address."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import public_profiles_for_sitemap


class ProfileSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self):
        return public_profiles_for_sitemap()

    def location(self, profile) -> str:
        return reverse("profile", args=[profile.address])

    def lastmod(self, profile):
        return profile.updated_at

    # django.contrib.sites is not installed: SITE_URL, not the request's Host, is the address
    # search engines are given (a forged Host header must not end up in the sitemap).
    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


SITEMAPS = {"profiles": ProfileSitemap}
