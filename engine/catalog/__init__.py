"""Registry entries, one module per experiment family; each module defines EXPERIMENTS."""
