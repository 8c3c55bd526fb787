"""A template loader for allauth's layout-specific elements.

allauth renders each element of an entrance page (sign-in, sign-up, password reset) or a
management page by asking for `allauth/elements/<element>__<layout>.html` first, then for
`allauth/elements/<element>.html`. We have no layout-specific elements, so every element used
to cost a failed lookup — a `TemplateDoesNotExist` raised and caught, whose traceback kept the
request's frames, and with them the request, in a reference cycle only the collector frees
(config/asgi.py says why that matters). This loader answers the first name with the second.
"""

from __future__ import annotations

import re

from django.template import Origin, TemplateDoesNotExist
from django.template.loaders.base import Loader

LAYOUT_ELEMENT = re.compile(r"^allauth/elements/(?P<element>\w+)__\w+\.html$")


class ElementLayoutLoader(Loader):
    def get_template_sources(self, template_name):
        if LAYOUT_ELEMENT.match(template_name):
            yield Origin(name=template_name, template_name=template_name, loader=self)

    def get_contents(self, origin):
        found = LAYOUT_ELEMENT.match(origin.template_name)
        if found is None:
            raise TemplateDoesNotExist(origin)
        element = found["element"]
        return f'{{% include "allauth/elements/{element}.html" %}}'
