from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dia-ban/<str:code>/", views.area_dashboard, name="area-dashboard"),
    path("dia-ban/<str:code>/bang/<slug:key>.xlsx", views.table_xlsx, name="table-xlsx"),
    path("bieu/", views.official, name="official"),
    path("tinh-lai/", views.jobs, name="jobs"),
    path("du-bao/", views.forecast, name="forecast"),
    path("du-bao/<int:pk>/", views.forecast_job, name="forecast-job"),
    path("du-bao/<int:pk>/tai-ve.xlsx", views.forecast_download, name="forecast-download"),
]
