from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dia-ban/<str:code>/", views.area_dashboard, name="area-dashboard"),
    path("dia-ban/<str:code>/bang/<slug:key>.xlsx", views.table_xlsx, name="table-xlsx"),
    path("bieu/", views.official, name="official"),
    path("tinh-lai/", views.jobs, name="jobs"),
]
