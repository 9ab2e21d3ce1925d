"""HTTP API (FastAPI): the seed's contract, task status and events, result files, static UI."""
