view --lane 5 --lane 200:3 input.jsonl
