from django.urls import path

from accounts import views
from accounts.avatars import views as views_avatar

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("register/", views.register_view, name="register"),
    path("register/confirm/<str:token>/", views.register_confirm_view, name="register-confirm"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/delete/", views.delete_account_view, name="delete"),
    path("profile/email/", views.email_change_view, name="email-change"),
    path("profile/email/confirm/<str:token>/", views.email_confirm_view, name="email-confirm"),
    path("password-reset/", views.PasswordResetPage.as_view(), name="password-reset"),
    path("password-reset/done/", views.PasswordResetDonePage.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmPage.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompletePage.as_view(),
        name="password-reset-complete",
    ),
    path("profile/avatar/", views_avatar.avatar_upload_view, name="avatar-upload"),
    path("profile/avatar/remove/", views_avatar.avatar_remove_view, name="avatar-remove"),
]
