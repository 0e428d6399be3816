from django.urls import path

from . import views

# Included by households.urls (namespace "households").
urlpatterns = [
    path("quy-trinh/<str:code>/<int:year>/", views.round_page, name="round"),
    path(
        "quy-trinh/<str:code>/<int:year>/<str:hamlet>/hop-dan/",
        views.meeting_create,
        name="round-meeting",
    ),
    path(
        "quy-trinh/<str:code>/<int:year>/<str:hamlet>/niem-yet/",
        views.posting_create,
        name="round-posting",
    ),
    path(
        "quy-trinh/<str:code>/<int:year>/<str:hamlet>/xong-khieu-nai/",
        views.complaints_close,
        name="round-complaints-close",
    ),
    path(
        "quy-trinh/<str:code>/<int:year>/cong-nhan/",
        views.recognition_create,
        name="round-recognition",
    ),
    path("quy-trinh/<str:code>/<int:year>/buoc/<str:step>/", views.step_close, name="round-step"),
    path("phieu/<int:pk>/khieu-nai/", views.complaint_create, name="review-complaint"),
    path("khieu-nai/<int:pk>/giai-quyet/", views.complaint_resolve, name="complaint-resolve"),
]
