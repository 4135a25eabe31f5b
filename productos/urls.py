from rest_framework.routers import SimpleRouter

from productos import views

router = SimpleRouter()
router.register("categorias", views.CategoriaViewSet, basename="categoria")
router.register("proveedores", views.ProveedorViewSet, basename="proveedor")
router.register("productos", views.ProductoViewSet, basename="producto")
router.register("pedidos", views.PedidoViewSet, basename="pedido")

urlpatterns = router.urls
