/* paced FILE N INTERVAL_US : N times, sleep INTERVAL_US, then time one open + read to EOF + close
 * of FILE; prints p50 and p90. A sampling agent's read in C, for runs without the JVM reader
 * (`jlxcfs bench --interval` does the same with percentiles, server CPU and side-by-side roots). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: paced FILE N INTERVAL_US\n");
		return 2;
	}
	int n = atoi(argv[2]);
	long interval = atol(argv[3]);
	if (n < 1 || interval < 0) return 2;
	double *lat = malloc(n * sizeof(double));
	static char buf[65536];
	for (int i = 0; i < n; i++) {
		usleep(interval);
		double t = now_us();
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		while (read(fd, buf, sizeof buf) > 0)
			;
		close(fd);
		lat[i] = now_us() - t;
	}
	qsort(lat, n, sizeof(double), cmp);
	printf("%s p50 %.1f p90 %.1f us\n", argv[1], lat[n / 2], lat[n * 9 / 10]);
	free(lat);
	return 0;
}
