view --width 80 --pid 200 --call connect,sendto,recvfrom input.jsonl
