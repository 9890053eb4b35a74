view --width 100 input.jsonl
