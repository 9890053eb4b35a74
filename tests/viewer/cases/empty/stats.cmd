stats empty.jsonl
