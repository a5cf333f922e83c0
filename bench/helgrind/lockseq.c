/*
 * lockseq: replays a generated lock sequence with real pthread mutexes, so Valgrind's Helgrind
 * can analyse the same acquisition sequence that `lockdep check` reads from a trace
 * (bench/run.js compiles it into .bench/ and runs it under `valgrind --tool=helgrind`).
 * Input (bench/generate.js, format "seq"): a header line "tasks locks events", then one line
 * per event "task op lock" with op 0 = lock, 1 = unlock. Each task's events run, in file order,
 * on its own thread; threads run one after another (create, join), so a lock-order cycle in
 * the sequence is reported by Helgrind but can never deadlock this program. A trace cut at an
 * arbitrary event leaves some tasks holding locks; a thread unlocks those before it ends.
 * A file with fewer or more events than its header says, or a line that is not an event, is
 * an error (exit 2): a truncated workload must not pass for the whole one.
 * Output: "locks at ADDRESS stride BYTES" (so that the addresses Helgrind prints can be mapped
 * back to lock numbers), then "replayed N events on T threads, L locks".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct step { int op; int lock; };
struct task { struct step *steps; long count; long capacity; };

static pthread_mutex_t *locks;
static int nlocks;

static void *run_task(void *arg)
{
	struct task *task = arg;
	char *held = calloc((size_t)nlocks, 1);
	if (!held)
		abort();
	for (long i = 0; i < task->count; i++) {
		int lock = task->steps[i].lock;
		if (task->steps[i].op == 0) {
			pthread_mutex_lock(&locks[lock]);
			held[lock] = 1;
		} else {
			pthread_mutex_unlock(&locks[lock]);
			held[lock] = 0;
		}
	}
	for (int lock = 0; lock < nlocks; lock++)
		if (held[lock])
			pthread_mutex_unlock(&locks[lock]);
	free(held);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: lockseq FILE.seq\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 2;
	}
	int ntasks;
	long nevents;
	if (fscanf(in, "%d %d %ld", &ntasks, &nlocks, &nevents) != 3 || ntasks <= 0 || nlocks <= 0) {
		fprintf(stderr, "%s:1: bad header (expected \"tasks locks events\")\n", argv[1]);
		return 2;
	}
	locks = calloc((size_t)nlocks, sizeof *locks);
	struct task *tasks = calloc((size_t)ntasks, sizeof *tasks);
	if (!locks || !tasks)
		return 2;
	for (int i = 0; i < nlocks; i++)
		pthread_mutex_init(&locks[i], NULL);
	int t, op, lock;
	long line = 1;
	int fields;
	while ((fields = fscanf(in, "%d %d %d", &t, &op, &lock)) == 3) {
		line++;
		if (t < 0 || t >= ntasks || lock < 0 || lock >= nlocks || (op != 0 && op != 1)) {
			fprintf(stderr, "%s:%ld: bad event\n", argv[1], line);
			return 2;
		}
		struct task *task = &tasks[t];
		if (task->count == task->capacity) {
			task->capacity = task->capacity ? task->capacity * 2 : 1024;
			task->steps = realloc(task->steps, (size_t)task->capacity * sizeof *task->steps);
			if (!task->steps)
				return 2;
		}
		task->steps[task->count].op = op;
		task->steps[task->count].lock = lock;
		task->count++;
	}
	if (fields != EOF || ferror(in)) {
		fprintf(stderr, "%s:%ld: bad event (expected \"task op lock\")\n", argv[1], line + 1);
		return 2;
	}
	fclose(in);
	if (line - 1 != nevents) {
		fprintf(stderr, "%s: truncated or padded: the header says %ld events, the file has %ld\n", argv[1], nevents, line - 1);
		return 2;
	}
	printf("locks at %p stride %zu\n", (void *)locks, sizeof *locks);
	for (int i = 0; i < ntasks; i++) {
		pthread_t thread;
		pthread_create(&thread, NULL, run_task, &tasks[i]);
		pthread_join(thread, NULL);
	}
	printf("replayed %ld events on %d threads, %d locks\n", line - 1, ntasks, nlocks);
	return 0;
}
