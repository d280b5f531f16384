from drift.cli.main import main

main()
