"""Fine-Tune Studio core: data, tokenizers, training, inference. Never imports gradio.

Submodules import torch/transformers/datasets lazily inside functions so that
``import trainer_core`` stays cheap.
"""

__version__ = "0.1.0"
