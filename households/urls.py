from django.urls import include, path

from . import views, views_officers

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("them/", views.household_create, name="create"),
    path("them/ma-ho-goi-y/", views.household_code_suggestion, name="code-suggestion"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/sua/", views.household_edit, name="edit"),
    path("<int:pk>/ra-soat/<int:year>/", views.review_edit, name="review-edit"),
    path("<int:pk>/ra-soat/<int:year>/xem-truoc/", views.review_preview, name="review-preview"),
    path("phieu/<int:pk>/gui/", views.review_submit, name="review-submit"),
    path("phieu/<int:pk>/duyet/", views.review_approve, name="review-approve"),
    path("phieu/<int:pk>/tra-lai/", views.review_return, name="review-return"),
    path("phieu/<int:pk>/mo-lai/", views.review_reopen, name="review-reopen"),
    path("duyet/", views.review_queue, name="review-queue"),
    path("dan-so/", views.population, name="population"),
    path("khoa-so-lieu/", views.year_locks, name="year-locks"),
    path("khoa-so-lieu/<str:code>/<int:year>/khoa/", views.year_lock, name="year-lock"),
    path("khoa-so-lieu/<str:code>/<int:year>/mo-lai/", views.year_reopen, name="year-reopen"),
    path("can-bo-chua-phan-cong/", views_officers.officers_unscoped, name="officers-unscoped"),
    path("excel/", include("households.excel.urls")),
]
