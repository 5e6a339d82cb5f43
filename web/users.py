"""Users as people know them in exports: by full name (the user_name template
filter shows them so on the pages)."""

from django.contrib.auth import get_user_model


class FullNames:
    """An export column's `display` for a column of user names: each user's full
    name, the user name when none is set, and a name no user has any more (the
    audit trail keeps a deleted user's) as it is. A class: every export makes its
    own, which reads all users once (they are few) when the first row asks."""

    def __init__(self):
        self.names = None

    def __call__(self, username):
        if not username:
            return username
        if self.names is None:
            self.names = {
                name: f"{first} {last}".strip()
                for name, first, last in get_user_model().objects.values_list(
                    "username", "first_name", "last_name"
                )
            }
        return self.names.get(username) or username
