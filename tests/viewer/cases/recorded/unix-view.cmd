view --width 110 unix.jsonl
