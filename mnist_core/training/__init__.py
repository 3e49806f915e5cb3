"""Training one model: the fit loop with its hooks (`loop`), the runner that carries out a
stored run (`runner`), time estimates (`estimate`), and how a failing job is recorded."""
