from accounts.models import User

PASSWORD = "correct-horse-battery"


def make_user(email: str, *, password: str = PASSWORD, verified: bool = True, **extra) -> User:
    user = User.objects.create_user(email, password, is_verified=verified, **extra)
    return user
