"""`python -m nianbao`: the same command as `nianbao`."""

from nianbao.cli import main

main()
