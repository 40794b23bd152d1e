"""Benchmarks run after fine-tuning: lm-evaluation-harness and a RAG needle-in-a-haystack test,
base vs fine-tuned, logged to MLflow. Entry point: ``python -m hone_trainer.bench --spec spec.json``."""
