from django.urls import path

from . import views

PDF = {"fmt": "pdf"}

# Included by households.urls (namespace "households"): each paper as a page and as a PDF.
urlpatterns = [
    path(
        "<int:pk>/giay-chung-nhan/<int:year>/",
        views.household_certificate,
        name="paper-certificate",
    ),
    path(
        "<int:pk>/giay-chung-nhan/<int:year>/pdf/",
        views.household_certificate,
        PDF,
        name="paper-certificate-pdf",
    ),
    path(
        "giay-to/<str:code>/<int:year>/giay-chung-nhan.pdf",
        views.area_certificates,
        name="paper-area-certificates",
    ),
    path("giay-to/<str:code>/<int:year>/niem-yet/", views.posting_list, name="paper-posting"),
    path(
        "giay-to/<str:code>/<int:year>/niem-yet/pdf/",
        views.posting_list,
        PDF,
        name="paper-posting-pdf",
    ),
]
