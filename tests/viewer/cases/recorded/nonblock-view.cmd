view --width 110 nonblock.jsonl
