view --width 100 --pid 60 input.jsonl
