from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo brand 花漾美妆: people, events, chats, competitions and logs, seeded through each
    app's own services (`manage.py seed_demo`). Nothing else imports it."""

    name = "apps.demo"
    label = "demo"
