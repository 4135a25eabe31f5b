from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductosConfig(AppConfig):
    name = "productos"
    verbose_name = _("Productos")
