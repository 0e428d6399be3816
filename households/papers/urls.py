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
    path("<int:pk>/phieu-<str:form>/<int:year>/", views.household_form_paper, name="paper-form"),
    path(
        "<int:pk>/phieu-<str:form>/<int:year>/pdf/",
        views.household_form_paper,
        PDF,
        name="paper-form-pdf",
    ),
    path(
        "giay-to/<str:code>/<int:year>/phieu-<str:form>-trang/",
        views.blank_form_paper,
        name="paper-blank-form",
    ),
    path(
        "giay-to/<str:code>/<int:year>/phieu-<str:form>-trang/pdf/",
        views.blank_form_paper,
        PDF,
        name="paper-blank-form-pdf",
    ),
    path(
        "giay-to/<str:code>/<int:year>/bien-ban-hop/", views.meeting_minutes, name="paper-minutes"
    ),
    path(
        "giay-to/<str:code>/<int:year>/bien-ban-hop/pdf/",
        views.meeting_minutes,
        PDF,
        name="paper-minutes-pdf",
    ),
    path("giay-to/khieu-nai/<int:pk>/", views.complaint_record, name="paper-complaint"),
    path(
        "giay-to/khieu-nai/<int:pk>/pdf/", views.complaint_record, PDF, name="paper-complaint-pdf"
    ),
    path(
        "giay-to/<str:code>/<int:year>/quyet-dinh/",
        views.recognition_decision,
        name="paper-decision",
    ),
    path(
        "giay-to/<str:code>/<int:year>/quyet-dinh/pdf/",
        views.recognition_decision,
        PDF,
        name="paper-decision-pdf",
    ),
    path("giay-to/<str:code>/<int:year>/bao-cao/", views.round_report, name="paper-report"),
    path(
        "giay-to/<str:code>/<int:year>/bao-cao/pdf/",
        views.round_report,
        PDF,
        name="paper-report-pdf",
    ),
    path("giay-to/viec/<int:pk>/", views.paper_job, name="paper-job"),
    path("giay-to/viec/<int:pk>/trang-thai/", views.paper_job_status, name="paper-job-status"),
    path("giay-to/viec/<int:pk>/tai-ve/", views.paper_job_download, name="paper-job-download"),
]
