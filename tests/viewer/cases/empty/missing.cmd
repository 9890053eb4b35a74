view nonexistent.jsonl
