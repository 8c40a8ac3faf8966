"""Gradio layer: one module per tab, layout and wiring only; logic lives in trainer_core."""
