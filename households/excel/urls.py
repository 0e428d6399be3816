from django.urls import path

from . import views

urlpatterns = [
    path("nhap/", views.import_start, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import-template"),
    path("nhap/<int:pk>/", views.import_job, name="import-job"),
    path("nhap/<int:pk>/trang-thai/", views.import_status, name="import-status"),
    path("nhap/<int:pk>/loi.xlsx", views.import_errors, name="import-errors"),
    path("nhap/<int:pk>/xac-nhan/", views.import_confirm, name="import-confirm"),
    path("xuat.xlsx", views.export, name="export"),
    path("xuat/<int:pk>/", views.export_job, name="export-job"),
    path("xuat/<int:pk>/trang-thai/", views.export_status, name="export-status"),
    path("xuat/<int:pk>/tai-ve.xlsx", views.export_download, name="export-download"),
]
