"""Object removal engines: fill masked regions of a video so the object was never there."""
