stats input.jsonl
