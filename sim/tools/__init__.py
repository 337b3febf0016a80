"""What serves the model without being it: composing and validating configs, the command line's
help and completion, the parameter reference, a run's outputs and overview figure, sweep checks,
and calibration. The model itself (agents, mechanisms, schemas, metrics) is the rest of ``sim``."""
