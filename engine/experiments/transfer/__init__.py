"""Exercise 9: transfer the 0–4 network's layers to digits 5–9 (the runner is `runner.run`)."""
