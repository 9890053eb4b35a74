stats udp.jsonl unix.jsonl nonblock.jsonl
