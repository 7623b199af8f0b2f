"""The API's answers to what goes wrong, in Chinese like the pages: Django's ``get_object_or_404`` says
"No Demand matches the given query." in English, so a 404 without a Chinese message gets DRF's own (未找到。)."""

import re

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.views import exception_handler as drf_exception_handler

CJK = re.compile(r"[\u4e00-\u9fff]")


def exception_handler(exc, context):
    if isinstance(exc, Http404) and not CJK.search(str(exc)):
        exc = NotFound()
    return drf_exception_handler(exc, context)
