"""What pyproject.toml cannot say: the email templates live at the top of the repository, where their
authors find them, and ship inside the package as ielts_rq/templates/emails/ (ielts_rq.assets finds
them in either place). Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["ielts_rq*"]), "ielts_rq.templates.emails"],
    package_dir={"ielts_rq.templates.emails": "templates/emails"},
)
