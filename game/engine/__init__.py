"""The headless G2 engine: data loading, the batched quarterly model and the public game API (numpy only)."""
