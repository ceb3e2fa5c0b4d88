"""`python -m nianbao`: the same command as `nianbao`."""

from .cli import main

main()
