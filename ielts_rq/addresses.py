"""Email addresses: one check for the settings, the learner records and every message."""

from __future__ import annotations

import email.errors
import re
from email.headerregistry import Address

from .errors import PermanentError

_DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def validate_address(address: str) -> str:
    """Return ``address`` if it is a plain ``name@domain`` address; else ``PermanentError``."""
    problem = address_problem(address) if isinstance(address, str) else "not a string"
    if problem:
        raise PermanentError(f"invalid email address {address!r:.120}: {problem}")
    return address


def address_problem(address: str) -> str | None:
    """What is wrong with an address, or None."""
    if not address:
        return "empty"
    if "\r" in address or "\n" in address:
        return "contains a line break"
    if any(char.isspace() for char in address):
        return "contains a space"
    if len(address) > 254:
        return "longer than 254 characters"
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, email.errors.HeaderParseError):
        return "not of the form name@domain"
    if not parsed.username or not parsed.domain:
        return "not of the form name@domain"
    if len(parsed.username) > 64:
        return "the part before @ is longer than 64 characters"
    try:
        labels = parsed.domain.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        return "bad domain"
    if len(labels) < 2 and parsed.domain != "localhost":
        return "the domain has no dot"
    if not all(_DOMAIN_LABEL.match(label) for label in labels):
        return "bad domain"
    return None
