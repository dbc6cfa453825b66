from django.urls import path

from . import views

app_name = "questions"
urlpatterns = [
    path("token/", views.form_token, name="token"),
    path("<str:section_id>/", views.ask, name="ask"),
]
