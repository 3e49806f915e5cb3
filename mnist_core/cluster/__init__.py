"""Training on a Ray cluster: the tasks that run on its nodes, the connection that ships them
the lab's code and the data, and the dispatcher process that feeds them the queue. Only the
dispatcher and the CLI import this package (it imports Ray); the server never does."""
