view --width 80 --fd 101:4,3 --from 1ms --to 2ms input.jsonl
