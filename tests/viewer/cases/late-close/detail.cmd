view --lane 60:5 input.jsonl
