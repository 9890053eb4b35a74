view --color always --width 100 input.jsonl
