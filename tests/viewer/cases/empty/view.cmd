view --width 60 empty.jsonl
