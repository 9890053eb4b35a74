export --format chrome input.jsonl
