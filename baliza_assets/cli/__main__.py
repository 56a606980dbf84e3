"""`python -m baliza_assets.cli`: the `baliza` command."""

from .main import main

raise SystemExit(main())
