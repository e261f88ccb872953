"""AWS cost models, one module per resource type or small family."""
