-- A lab home's index as written before run files existed (the store of commit 243f558):
-- one finished run in 'lecture', and a finished two-network sweep in 'alice'.
BEGIN TRANSACTION;
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- 'single', 'sweep' (a sweep's job) or 'sweep_member'
    sweep_id TEXT,
    model TEXT NOT NULL,             -- 'mlp' or 'cnn'
    workspace TEXT NOT NULL,
    state TEXT NOT NULL,
    config TEXT NOT NULL,            -- JSON of config.RunConfig
    seed INTEGER NOT NULL,
    command TEXT NOT NULL,           -- the CLI command that reproduces the run
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    progress REAL NOT NULL DEFAULT 0,
    history TEXT NOT NULL DEFAULT '[]',
    params INTEGER,
    test_loss REAL,
    test_accuracy REAL,
    val_accuracy REAL,
    seconds REAL,
    versions TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    pid INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "runs" VALUES('20261201-090148-4ae4ab','single',NULL,'mlp','lecture','done','{"model": {"hidden_units": [8], "activation": "relu", "l2": 0.0, "dropout": 0.0, "kind": "mlp"}, "training": {"optimizer": "sgd", "learning_rate": 0.1, "batch_size": 128, "epochs": 2, "train_size": 200, "seed": 0, "schedule": "constant"}}',0,'python -m mnist_core train mlp --hidden 8 --epochs 2 --train-size 200',1.79611570853760409358e+09,1.79611570853760409358e+09,1764580000.0,1.0,'[{"epoch": 1, "loss": 1.9, "accuracy": 0.4, "val_loss": 1.5, "val_accuracy": 0.55}, {"epoch": 2, "loss": 1.2, "accuracy": 0.66, "val_loss": 1.0, "val_accuracy": 0.7}]',6370,1.01,0.69,0.7,1.5,'{"tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6"}',NULL,1,0);
INSERT INTO "runs" VALUES('20261201-090148-2f58b6','sweep',NULL,'mlp','alice','done','{"model": {"hidden_units": [8], "activation": "relu", "l2": 0.0, "dropout": 0.0, "kind": "mlp"}, "training": {"optimizer": "sgd", "learning_rate": 0.1, "batch_size": 128, "epochs": 2, "train_size": 200, "seed": 0, "schedule": "constant"}}',0,'python -m mnist_core sweep --hidden 8',1.79611570854078745835e+09,1.79611570854078745835e+09,1764580100.0,1.0,'[]',6370,NULL,NULL,NULL,3.0,'{}',NULL,1,0);
INSERT INTO "runs" VALUES('20261201-090148-7d7503','sweep_member','20261201-090148-2f58b6','mlp','alice','done','{"model": {"hidden_units": [8], "activation": "relu", "l2": 0.0, "dropout": 0.0, "kind": "mlp"}, "training": {"optimizer": "sgd", "learning_rate": 0.1, "batch_size": 128, "epochs": 2, "train_size": 200, "seed": 0, "schedule": "constant"}}',0,'x',1.79611570854240846636e+09,NULL,NULL,0.0,'[{"epoch": 1, "loss": 1.5, "val_accuracy": 0.6}]',6370,NULL,0.6,0.6,NULL,'{}',NULL,NULL,0);
INSERT INTO "runs" VALUES('20261201-090148-48bec1','sweep_member','20261201-090148-2f58b6','mlp','alice','done','{"model": {"hidden_units": [8], "activation": "relu", "l2": 0.0001, "dropout": 0.0, "kind": "mlp"}, "training": {"optimizer": "sgd", "learning_rate": 0.1, "batch_size": 128, "epochs": 2, "train_size": 200, "seed": 0, "schedule": "constant"}}',0,'x',1.7961157085439779759e+09,NULL,NULL,0.0,'[{"epoch": 1, "loss": 1.5, "val_accuracy": 0.6}]',6370,NULL,0.6001,0.6,NULL,'{}',NULL,NULL,0);
CREATE TABLE sweeps (
    sweep_id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,              -- JSON of sweep_spec.SweepSpec
    tasks_total INTEGER NOT NULL,
    training_now TEXT NOT NULL DEFAULT '[]',  -- JSON [[factor, replicate], ...] while running
    eta_seconds REAL
);
INSERT INTO "sweeps" VALUES('20261201-090148-2f58b6','{"hidden_units": [8], "factors": [0.0, 0.0001], "replicates": 1, "epochs": 1, "train_size": 200, "learning_rate": 0.1, "batch_size": 128, "seed": 0, "save_models": false}',2,'[]',NULL);
CREATE INDEX runs_by_state ON runs (state, created_at);
CREATE INDEX runs_by_sweep ON runs (sweep_id);
COMMIT;
