"""Networks as plain data: configs and their validation, one module per kind of network
(its layer table, parameter arithmetic, Keras builder and CLI flags), and the reproduce
command. Importing a kind module registers it in `kinds.KINDS`; both are imported here."""

from mnist_core.models import cnn, mlp  # noqa: F401  (registers the kinds)
