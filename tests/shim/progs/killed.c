/* Makes one call and is killed with SIGKILL the moment it returns: its line must be there. */
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	send(sv[0], "last words", 10, 0);
	kill(getpid(), SIGKILL);
	return 1;
}
