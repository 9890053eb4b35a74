view --width 110 udp.jsonl
