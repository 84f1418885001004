"""`python -m bulletin_ssg` runs the CLI."""

from .cli import run

run()
