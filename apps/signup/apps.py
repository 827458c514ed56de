from django.apps import AppConfig


class SignupConfig(AppConfig):
    """A brand signs up: the public form and API, the brand created with its first admin, the
    one-time hand-over to the brand's own site, the optional email confirmation, the limits."""

    name = "apps.signup"
    label = "signup"
