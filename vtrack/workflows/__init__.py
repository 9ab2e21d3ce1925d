"""The studio's one-shot workflows (point-to-track, text-to-video, object removal), each declared
once in catalog.py: media I/O, the engines, the pipeline stages and the session's tracking put
together. Jobs, the API and the CLI are derived from the catalog."""
