from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("ghi-nhan-theo-danh-sach/", views.bulk_support, name="bulk-support"),
    path("nhap-excel/", views.support_import, name="import"),
    path("nhap-excel/loi.xlsx", views.support_import_errors, name="import-errors"),
    path("ho/<int:pk>/ghi-nhan/", views.support_create, name="support-create"),
    path("<str:code>/", views.programme_detail, name="detail"),
]
