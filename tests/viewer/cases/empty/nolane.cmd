view --width 60 --lane 9 empty.jsonl
