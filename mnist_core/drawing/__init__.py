"""A drawing or a photo on its way to an MNIST-style 28×28: the pipeline (every step kept),
upload checks before anything is decoded, and a student's own labelled test set."""
