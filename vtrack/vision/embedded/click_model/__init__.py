"""The click objectness model: its training script and the trees it wrote."""
