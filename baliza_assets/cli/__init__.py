"""The `baliza` command line (`main.py`; `python -m baliza_assets.cli` runs it too): `doctor`, `verify`,
`fetch-payload`, `query`, `retry-failed`, `backfill-plan`, `backup`, `restore`; and the day's summary
(`python -m baliza_assets.cli.summary`)."""
