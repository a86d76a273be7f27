from kyodo.cli import run

run()
