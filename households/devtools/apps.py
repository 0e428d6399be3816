from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "households.devtools"
    label = "devtools"
    verbose_name = "Công cụ phát triển"
