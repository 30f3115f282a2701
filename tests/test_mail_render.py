"""Email templates, message contexts, address checks and MIME message building."""

from __future__ import annotations

import pytest

from ielts_rq import mail
from ielts_rq.errors import PermanentError
from ielts_rq.settings import load_settings

APP_URL = "https://ielts.example.org"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def settings(tmp_path):
    return load_settings({"IELTS_RQ_HOME": str(tmp_path), "APP_URL": APP_URL,
                          "FROM_EMAIL": "no-reply@ielts.example.org", "FROM_NAME": "IELTS Practice"})


@pytest.mark.parametrize("name", mail.MESSAGES)
def test_every_message_renders_its_sample_without_template_syntax_left(name, settings):
    rendered = mail.render(name, mail.sample_context(name), settings)

    assert rendered.subject and "\n" not in rendered.subject
    for output in (rendered.subject, rendered.text, rendered.html):
        assert "{{" not in output and "{%" not in output and "}}" not in output
    if name == "platform_report":  # to administrators: why they get it, and no learner's preferences link
        assert "ADMIN_EMAILS" in rendered.text and "ADMIN_EMAILS" in rendered.html
        assert "settings/notifications" not in rendered.text + rendered.html
    else:
        assert f"{APP_URL}/settings/notifications" in rendered.text
        assert f'href="{APP_URL}/settings/notifications"' in rendered.html
    assert "max-width:600px" in rendered.html


def test_default_settings_come_from_the_runtime_in_force(use_settings):
    use_settings(APP_URL=APP_URL)

    assert APP_URL in mail.render("welcome", mail.welcome_context("Amira")).text


def test_user_name_is_escaped_in_html_and_kept_as_is_in_text(settings):
    rendered = mail.render("welcome", mail.welcome_context(SCRIPT), settings)

    assert SCRIPT not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert f"Hello {SCRIPT}," in rendered.text


def test_scoring_complete_shows_bands_by_human_name_suggestions_and_result_link(settings):
    rendered = mail.render("scoring_complete", mail.sample_context("scoring_complete"), settings)

    assert rendered.subject == "Your Writing Task 2 result: band 6.5"
    for output in (rendered.text, rendered.html):
        for criterion, band in [("Task Response", "6.5"), ("Coherence and Cohesion", "7.0"),
                                ("Lexical Resource", "6.0"), ("Grammatical Range and Accuracy", "6.5")]:
            assert criterion in output and band in output
        assert f"{APP_URL}/results/sub_8f3a2c" in output
        # The weakest criterion's suggestion comes first.
        assert output.index("less common vocabulary") < output.index("specific example")
    assert "<td" in rendered.html and "Task Response</td>" in rendered.html


def test_scoring_complete_context_from_a_speaking_result_without_name():
    result = {"overall_band_score": 7, "task_type": "speaking_part_2", "criteria_scores": [
        {"criterion": "fluency_coherence", "band_score": 7, "suggestions": ["Pause less."]},
        {"criterion": "pronunciation", "band_score": 6.5, "suggestions": ["Stress key words.", "Pause less."]},
    ]}

    context = mail.scoring_complete_context(result, "sub/1", None)

    assert context["task"] == "Speaking Part 2"
    assert context["overall_band"] == "7.0"
    assert [c["name"] for c in context["criteria"]] == ["Fluency and Coherence", "Pronunciation"]
    assert context["suggestions"] == ["Stress key words.", "Pause less."]


def test_malformed_scoring_result_is_a_permanent_error():
    with pytest.raises(PermanentError, match="scoring result.*overall_band_score"):
        mail.scoring_complete_context({"criteria_scores": []}, "sub_1")


def test_weekly_report_numbers_and_optional_chart(settings):
    report = {"period_start": "2026-11-16", "period_end": "2026-11-22", "submissions": 4,
              "average_band": 6.0, "previous_average_band": 6.5,
              "strongest_criterion": "task_response", "weakest_criterion": "pronunciation"}

    plain = mail.render("weekly_report", mail.weekly_report_context(report, "Amira"), settings)
    with_chart = mail.render("weekly_report", mail.weekly_report_context(report, "Amira", ("chart1",)), settings)

    for output in (plain.text, plain.html):
        for fact in ("16 Nov 2026", "22 Nov 2026", "4", "6.0", "down 0.5 from 6.5 the week before",
                     "Task Response", "Pronunciation"):
            assert fact in output
    assert "cid:" not in plain.html
    assert 'src="cid:chart1"' in with_chart.html


def test_weekly_report_without_results(settings):
    report = {"period_start": "2026-11-16", "period_end": "2026-11-22", "submissions": 0,
              "average_band": None, "previous_average_band": 6.5,
              "strongest_criterion": None, "weakest_criterion": None}

    rendered = mail.render("weekly_report", mail.weekly_report_context(report, None), settings)

    assert "no scored results this week" in rendered.text
    assert "no scored results this week" in rendered.html
    assert "Strongest" not in rendered.text and "week before" not in rendered.text


def test_generic_escapes_text_but_trusts_html_from_the_platform(settings):
    escaped = mail.render("generic", mail.generic_context("Notice", f"Hi {SCRIPT}\n\nBye"), settings)
    trusted = mail.render("generic", mail.generic_context("Notice", "Hi", "<p><b>Hi</b></p>"), settings)

    assert SCRIPT not in escaped.html and "&lt;script&gt;" in escaped.html
    assert escaped.html.count("<p style") == 2
    assert SCRIPT in escaped.text
    assert "<p><b>Hi</b></p>" in trusted.html


def test_missing_variable_is_a_permanent_error_naming_the_template(settings):
    with pytest.raises(PermanentError, match=r"email template 'welcome/subject.txt': 'name' is undefined"):
        mail.render("welcome", {}, settings)


def test_missing_variable_in_a_body_names_the_body_template(settings):
    context = mail.sample_context("scoring_complete")
    del context["criteria"]

    with pytest.raises(PermanentError, match=r"'scoring_complete/body.txt': 'criteria' is undefined"):
        mail.render("scoring_complete", context, settings)


def test_missing_template_file_is_a_permanent_error_naming_it(settings, monkeypatch, tmp_path):
    (tmp_path / "welcome").mkdir()
    (tmp_path / "welcome" / "subject.txt").write_text('{% extends "_base/subject.txt" %}')
    monkeypatch.setattr(mail.templates, "emails_dir", lambda: tmp_path)
    mail.templates._environment.cache_clear()
    try:
        with pytest.raises(PermanentError,
                           match=r"email template 'welcome/subject.txt' not found: no '_base/subject.txt'"):
            mail.render("welcome", mail.sample_context("welcome"), settings)
    finally:
        mail.templates._environment.cache_clear()


def test_unknown_template_is_a_permanent_error(settings):
    with pytest.raises(PermanentError, match="unknown email template 'nope'"):
        mail.render("nope", {}, settings)
    with pytest.raises(PermanentError, match="unknown email template '../secret'"):
        mail.render("../secret", {}, settings)


@pytest.mark.parametrize("address", [
    "learner@example.com", "first.last+ielts@mail.example.co.uk", "admin@localhost",
])
def test_good_addresses_pass(address):
    assert mail.validate_address(address) == address


@pytest.mark.parametrize("address", [
    "a@b.com\r\nBcc: x@y.com", "no-at-sign.example.com", "two@@example.com", "with space@example.com",
    " learner@example.com", "Learner <learner@example.com>", "learner@example", "learner@-bad-.com",
    "learner@exa_mple.com", "learner@example..com", "x" * 250 + "@example.com", "", None,
])
def test_bad_addresses_are_refused(address):
    with pytest.raises(PermanentError, match="invalid email address"):
        mail.validate_address(address)


def test_build_message_has_headers_and_text_then_html_with_inline_image(settings):
    rendered = mail.render("weekly_report", {**mail.sample_context("weekly_report"), "chart_cids": ["chart1"]},
                           settings)

    message = mail.build_message("learner@example.com", rendered, settings, {"chart1": b"\x89PNG fake"},
                                 {"List-Unsubscribe": f"<{APP_URL}/settings/notifications>"})

    assert str(message["From"]) == "IELTS Practice <no-reply@ielts.example.org>"
    assert str(message["To"]) == "learner@example.com"
    assert message["Subject"] == rendered.subject
    assert message["Date"] and message["Message-ID"].endswith("@ielts.example.org>")
    assert message["List-Unsubscribe"] == f"<{APP_URL}/settings/notifications>"
    assert message.get_content_type() == "multipart/alternative"
    text_part, related = message.get_payload()
    assert text_part.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    assert image["Content-ID"] == "<chart1>" and image.get_content() == b"\x89PNG fake"


def test_build_message_refuses_an_image_the_html_does_not_show(settings):
    rendered = mail.render("welcome", mail.sample_context("welcome"), settings)

    with pytest.raises(PermanentError, match="inline image 'chart1' is not shown"):
        mail.build_message("learner@example.com", rendered, settings, {"chart1": b"png"})


@pytest.mark.parametrize("headers", [{"X-Note": "a\r\nBcc: x@y.com"}, {"From": "x@y.com"}, {"Bad Name": "x"}])
def test_build_message_refuses_bad_extra_headers(settings, headers):
    rendered = mail.render("welcome", mail.sample_context("welcome"), settings)

    with pytest.raises(PermanentError, match="email header"):
        mail.build_message("learner@example.com", rendered, settings, headers=headers)
