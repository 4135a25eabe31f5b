from rest_framework.routers import SimpleRouter

from tickets import views

router = SimpleRouter()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("interacciones", views.InteraccionViewSet, basename="interaccion")

urlpatterns = router.urls
