from . import main

main(prog_name="ielts-rq")
