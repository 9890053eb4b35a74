/* record: `socklens record` — run a program with the shim preloaded. */
#include "cmd.h"

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 2;
}
