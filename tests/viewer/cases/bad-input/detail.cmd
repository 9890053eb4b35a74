view --lane 1 input.jsonl
