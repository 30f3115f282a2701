"""Learners: an id, an address, a name, and whether they want email."""

from __future__ import annotations

import json

from ..addresses import validate_address
from ..queueing import keys
from ..queueing.connection import get_connection
from .records import check_id, clean_text, read, read_many


def save_user(user_id: str, email: str | None = None, name: str | None = None, email_opt_in: bool = True) -> dict:
    check_id(user_id, "user")
    user = {"id": user_id, "email": validate_address(email) if email else None,
            "name": clean_text(name, "name", 200) if name else None, "email_opt_in": bool(email_opt_in)}
    get_connection().set(keys.user(user_id), json.dumps(user))
    return user


def update_user(user_id: str, email: str | None = None, name: str | None = None,
                email_opt_in: bool | None = None) -> dict:
    """Change only the fields given (a new learner starts opted in); an opt-out stays unless changed explicitly."""
    check_id(user_id, "user")
    changes = {"email": validate_address(email) if email else None,
               "name": clean_text(name, "name", 200) if name else None, "email_opt_in": email_opt_in}
    changes = {field: value for field, value in changes.items() if value is not None}
    key = keys.user(user_id)

    def merge(pipe) -> dict:  # under WATCH: a concurrent change makes this run again on the new record
        user = {"id": user_id, "email": None, "name": None, "email_opt_in": True,
                **json.loads(pipe.get(key) or "{}"), **changes}
        pipe.multi()
        pipe.set(key, json.dumps(user))
        return user

    return get_connection().transaction(merge, key, value_from_callable=True)


def get_user(user_id: str) -> dict | None:
    return read(keys.user(check_id(user_id, "user")))


def get_users(user_ids: list[str]) -> dict[str, dict]:
    """The users that exist among ``user_ids``, by id, in one round trip."""
    unique = list(dict.fromkeys(user_ids))
    found = read_many([keys.user(check_id(uid, "user")) for uid in unique])
    return {uid: user for uid, user in zip(unique, found) if user}
