view --lane 50:5 input.jsonl
