/* Calls socket functions from a constructor, before main and possibly before the shim's
 * own constructor has run. */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static int early = -1;

__attribute__((constructor)) static void before_main(void)
{
	early = socket(AF_INET, SOCK_DGRAM, 0);
}

int main(void)
{
	printf("%d\n", early);
	return close(early);
}
