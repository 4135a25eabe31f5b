from django.urls import path

from backups import views

urlpatterns = [
    path("history/", views.HistoryView.as_view(), name="backup-history"),
    path("create/", views.CreateView.as_view(), name="backup-create"),
    path("history/<int:pk>/", views.DeleteView.as_view(), name="backup-delete"),
    path("history/<int:pk>/download/", views.DownloadView.as_view(), name="backup-download"),
    path("history/<int:pk>/restore/", views.RestoreView.as_view(), name="backup-restore"),
    path("config/", views.ConfigView.as_view(), name="backup-config"),
]
