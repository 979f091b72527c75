from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "fps_portal.notifications"
    label = "notifications"
