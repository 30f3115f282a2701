"""The outbox transport: messages stored as .eml files, listed and read back."""

from __future__ import annotations

import logging

import pytest

from ielts_rq import mail, runtime
from ielts_rq.errors import NotFound, PermanentError
from ielts_rq.runtime import Runtime
from ielts_rq.settings import load_settings


@pytest.fixture
def env(tmp_path):
    return {"IELTS_RQ_HOME": str(tmp_path / "home"), "EMAIL_BACKEND": "outbox", "APP_URL": "https://ielts.example.org"}


@pytest.fixture
def settings(env):
    return load_settings(env)


def test_sent_message_is_an_eml_file_listed_and_read_back(settings):
    outbox_id = mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"),
                                settings=settings)

    path = settings.home / "outbox" / f"{outbox_id}.eml"
    assert path.is_file()
    assert list((settings.home / "outbox").glob("*.tmp")) == []
    (entry,) = mail.list_outbox(settings)
    assert entry["id"] == outbox_id and entry["path"] == path
    assert entry["to"] == "amira@example.com"
    assert entry["subject"] == "Welcome to IELTS Practice, Amira"
    assert entry["date"]
    message = mail.read_outbox(outbox_id, settings)
    assert message.get_body(("plain",)).get_content().startswith("Hello Amira,")
    assert "https://ielts.example.org/dashboard" in message.get_body(("html",)).get_content()


def test_list_is_newest_first(settings):
    with mail.get_mailer(settings) as mailer:
        ids = [mail.send_email(f"learner{n}@example.com", "welcome", mail.welcome_context(f"L{n}"),
                               settings=settings, mailer=mailer) for n in range(3)]

    assert [entry["id"] for entry in mail.list_outbox(settings)] == sorted(ids, reverse=True)
    assert sorted(ids) == ids  # ids sort by the time they were written


def test_empty_or_missing_outbox_lists_nothing(settings):
    assert mail.list_outbox(settings) == []


def test_default_settings_come_from_the_runtime_in_force(env, settings):
    with runtime.use(Runtime.from_env(env)):
        outbox_id = mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"))

        assert [entry["id"] for entry in mail.list_outbox()] == [outbox_id]
        assert mail.read_outbox(outbox_id)["To"] == "amira@example.com"
    assert [entry["id"] for entry in mail.list_outbox(settings)] == [outbox_id]  # in that runtime's home


@pytest.mark.parametrize("outbox_id", ["../../etc/passwd", "..", "/etc/passwd", "x/../y", "", None,
                                       "20261129T051100123456-abcd1234/../x"])
def test_traversal_and_malformed_ids_are_refused(settings, outbox_id):
    with pytest.raises(PermanentError, match="invalid outbox id"):
        mail.read_outbox(outbox_id, settings)


def test_unknown_id_is_not_found(settings):
    with pytest.raises(NotFound, match="no message '20261129T051100123456-abcd1234'"):
        mail.read_outbox("20261129T051100123456-abcd1234", settings)


def test_one_log_line_per_message_with_kind_and_id_but_no_body(settings, caplog):
    caplog.set_level(logging.INFO, logger="ielts_rq.mail")

    outbox_id = mail.send_email("amira@example.com", "scoring_complete",
                                mail.sample_context("scoring_complete"), settings=settings)

    (record,) = [r for r in caplog.records if r.name == "ielts_rq.mail"]
    assert "scoring_complete" in record.getMessage() and outbox_id in record.getMessage()
    assert "Lexical Resource" not in record.getMessage()
