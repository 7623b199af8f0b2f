"""The sign-in backend: Django's, reading the person with their organisation and its region."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

PATH = "portal.security.backends.ModelBackend"


class ModelBackend(DjangoModelBackend):
    """Every page asks for the person's role (their organisation's kind) and scopes by its region: read in the same
    query as the person rather than in a second one on every request."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organisation__region").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
