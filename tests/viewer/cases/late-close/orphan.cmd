view --width 100 --max-lanes 0 --pid 80 orphan.jsonl
