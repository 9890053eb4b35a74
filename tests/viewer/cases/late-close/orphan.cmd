view --width 100 --max-lanes 0 orphan.jsonl
