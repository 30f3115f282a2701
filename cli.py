"""Run the CLI from a checkout: ``python cli.py status`` is ``ielts-rq status``."""

from ielts_rq.cli import main

if __name__ == "__main__":
    main(prog_name="ielts-rq")
