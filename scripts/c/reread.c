/* reread MS FILE... : reads each FILE to EOF every MS milliseconds, until killed.
 * scripts/steady runs one in each of N cgroups: a fleet of containers whose agents sample /proc. */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	long ms = argc > 1 ? atol(argv[1]) : 1000;
	struct timespec pause = { ms / 1000, (ms % 1000) * 1000000L };

	for (;;) {
		for (int i = 2; i < argc; i++) {
			int fd = open(argv[i], O_RDONLY);
			if (fd < 0)
				continue;
			while (read(fd, buf, sizeof buf) > 0)
				;
			close(fd);
		}
		nanosleep(&pause, NULL);
	}
}
