stats server.jsonl client.jsonl
