"""A stored run as a plain Keras notebook that reproduces it outside the lab."""
