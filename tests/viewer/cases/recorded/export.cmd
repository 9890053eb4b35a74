export --format chrome udp.jsonl unix.jsonl
