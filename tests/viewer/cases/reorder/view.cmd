view --width 90 input.jsonl
