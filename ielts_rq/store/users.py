"""Learners: an id, an address, a name, and whether they want email.

An opt-out follows the address as well as the learner: each opted-out
learner's address is indexed in its normal form (``normal_address``), so a
message to that address is held back whichever job sends it, whatever the
case of its letters, and with or without the learner's id.
"""

from __future__ import annotations

import email.errors
import json
import unicodedata
from email.headerregistry import Address
from email.utils import parseaddr

from ..addresses import validate_address
from ..queueing import keys
from ..queueing.connection import get_connection
from .records import check_id, clean_text, read, read_many, scan_in_batches

SCAN_BATCH = 500


def save_user(user_id: str, email: str | None = None, name: str | None = None, email_opt_in: bool = True) -> dict:
    check_id(user_id, "user")
    user = {"id": user_id, "email": validate_address(email) if email else None,
            "name": clean_text(name, "name", 200) if name else None, "email_opt_in": bool(email_opt_in)}
    return _write(user_id, lambda old: user)


def update_user(user_id: str, email: str | None = None, name: str | None = None,
                email_opt_in: bool | None = None) -> dict:
    """Change only the fields given (a new learner starts opted in); an opt-out stays unless changed explicitly."""
    check_id(user_id, "user")
    changes = {"email": validate_address(email) if email else None,
               "name": clean_text(name, "name", 200) if name else None, "email_opt_in": email_opt_in}
    changes = {field: value for field, value in changes.items() if value is not None}
    return _write(user_id, lambda old: {"id": user_id, "email": None, "name": None, "email_opt_in": True,
                                        **(old or {}), **changes})


def _write(user_id: str, new_record) -> dict:
    """Write ``new_record(old record)`` and move its address's opt-out with it, in one transaction."""
    key = keys.user(user_id)

    def write(pipe) -> dict:  # under WATCH: a concurrent change makes this run again on the new record
        old = json.loads(pipe.get(key) or "null")
        user = new_record(old)
        pipe.multi()
        pipe.set(key, json.dumps(user))
        if old and old.get("email"):
            pipe.srem(keys.email_opted_out(normal_address(old["email"])), user_id)
        if user["email"] and not user["email_opt_in"]:
            pipe.sadd(keys.email_opted_out(normal_address(user["email"])), user_id)
        return user

    return get_connection().transaction(write, key, value_from_callable=True)


def normal_address(address: str) -> str:
    """The form an opt-out is kept and looked up in: one form for every way of writing one mailbox.

    The bare address (out of "Name <addr>" too) without surrounding spaces; the part before @ unquoted
    (``"bob"@x`` is delivered to ``bob@x``), NFKC-normalised and case-folded; the domain in its ASCII
    (IDNA) form, lower-cased (``bücher.de`` is ``xn--bcher-kva.de``). Folding the part before @ may join
    two mailboxes a server tells apart; for an opt-out, erring toward not sending is the safe side."""
    bare = (parseaddr(address.strip())[1] or address).strip()
    if "@" not in bare:
        return bare.casefold()
    try:
        parsed = Address(addr_spec=bare)
        local, domain = parsed.username, parsed.domain
    except (ValueError, email.errors.HeaderParseError):
        local, _, domain = bare.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not a domain the mail could go to either; kept as written
    return f"{unicodedata.normalize('NFKC', local).casefold()}@{domain.lower()}"


def address_opted_out(address: str) -> bool:
    """Whether any learner with this address (in any case or form) opted out of email."""
    connection = get_connection()
    if not connection.exists(keys.email_opt_outs_indexed()):
        _index_earlier_opt_outs(connection)
    return bool(connection.exists(keys.email_opted_out(normal_address(address))))


def _index_earlier_opt_outs(connection) -> None:
    """Index the opt-outs of learner records written before the index existed (once; repeating is harmless)."""
    for batch in scan_in_batches(connection, keys.user("*"), SCAN_BATCH):
        _index_records(connection, batch)
    connection.set(keys.email_opt_outs_indexed(), 1)


def _index_records(connection, record_keys: list) -> None:
    with connection.pipeline() as pipe:
        for payload in connection.mget(record_keys) if record_keys else []:
            try:
                user = json.loads(payload) if payload else None
            except ValueError:
                continue  # not a learner record: nothing to index
            if isinstance(user, dict) and user.get("email") and user.get("email_opt_in") is False and user.get("id"):
                pipe.sadd(keys.email_opted_out(normal_address(user["email"])), user["id"])
        pipe.execute()


def get_user(user_id: str) -> dict | None:
    return read(keys.user(check_id(user_id, "user")))


def user_known(user_id: str) -> bool:
    """Whether ielts-rq has heard of this learner: a record of their own, or any submission or result."""
    connection = get_connection()
    user_id = check_id(user_id, "user")
    with connection.pipeline(transaction=False) as pipe:
        pipe.exists(keys.user(user_id), keys.submissions_by_user(user_id), keys.results_by_user(user_id))
        return bool(pipe.execute()[0])


def get_users(user_ids: list[str]) -> dict[str, dict]:
    """The users that exist among ``user_ids``, by id, in one round trip."""
    unique = list(dict.fromkeys(user_ids))
    found = read_many([keys.user(check_id(uid, "user")) for uid in unique])
    return {uid: user for uid, user in zip(unique, found) if user}
