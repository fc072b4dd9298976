"""Pure judges of the experiments: `engine/judges/<name>.py` declares CLAIMS and judge(numbers) -> Verdict (no TensorFlow)."""
