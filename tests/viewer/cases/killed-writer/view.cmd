view --width 80 input.jsonl
