view --width 100 server.jsonl client.jsonl
