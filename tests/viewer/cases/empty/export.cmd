export --format chrome empty.jsonl
