from .models import User


def demo_accounts() -> list[dict]:
    """The demo accounts with their roles, for the login page in demo mode."""
    users = User.objects.filter(is_demo=True, is_active=True).prefetch_related("roles").order_by("id")
    return [
        {
            "username": user.username,
            "name": str(user),
            "roles": "、".join(sorted({a.get_role_display() for a in user.roles.all() if a.is_active})),
        }
        for user in users
    ]
