view --lane 1 nonblock.jsonl
