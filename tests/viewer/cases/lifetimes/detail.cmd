view --lane 300:3 --lane 300:7 input.jsonl
