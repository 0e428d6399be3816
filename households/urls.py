from django.urls import include, path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("duyet/", views.review_queue, name="review-queue"),
    path("excel/", include("households.urls_excel")),
]
