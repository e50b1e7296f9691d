/* Unit tests of core/secret.c: Data.Dir/secret is created once, mode 0600, and every process
 * that starts at the same time on an empty folder gets the same 32 bytes, never a short or
 * empty file (even on a slow disk); a reader copes with short reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testutil.h"
#include "core/secret.h"
#include "core/util.h"

#define CHILDREN 16
#define ROUNDS   5

static char dir[64];
static char real_dir[PATH_MAX];

/* A slow disk: while slow_disk is set, every write(2) of this program (and its children) to a
 * file under the test folder waits 20 ms before it writes, so that a process that can see the
 * secret file before its bytes are in it finds it empty or short, every time. */
static int slow_disk;

ssize_t write(int fd, const void *buf, size_t n)
{
    if (slow_disk) {
        char link[64], target[PATH_MAX];
        ssize_t len;
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        len = readlink(link, target, sizeof target - 1);
        if (len > 0) {
            target[len] = '\0';
            if (strncmp(target, real_dir, strlen(real_dir)) == 0)
                usleep(20000);
        }
    }
    return syscall(SYS_write, fd, buf, n);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/fc-secret-XXXXXX");
    if (!mkdtemp(dir) || !realpath(dir, real_dir))
        return -1;
    strcat(real_dir, "/");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    testutil_cleanup(dir);
    return 0;
}

/* Names in d other than . and ..; the first one in first. */
static int entries(const char *d, char *first, size_t n)
{
    DIR *dh = opendir(d);
    struct dirent *e;
    int k = 0;
    if (!dh)
        return -1;
    while ((e = readdir(dh))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (k++ == 0 && first)
            snprintf(first, n, "%s", e->d_name);
    }
    closedir(dh);
    return k;
}

static void test_created_once_0600(void **state)
{
    char sub[128], path[160], name[64];
    unsigned char a[FC_SECRET_LEN], b[FC_SECRET_LEN], zero[FC_SECRET_LEN] = {0};
    struct stat st;
    (void)state;
    snprintf(sub, sizeof sub, "%s/once", dir);
    assert_int_equal(fc_secret_load(sub, a), FC_OK);
    assert_memory_not_equal(a, zero, sizeof a);
    snprintf(path, sizeof path, "%s/secret", sub);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, FC_SECRET_LEN);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_nlink, 1); /* the temporary name is gone */
    assert_int_equal(entries(sub, name, sizeof name), 1);
    assert_string_equal(name, "secret");
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(fc_secret_load(sub, b), FC_OK);
    assert_memory_equal(a, b, sizeof a);
}

/* One round: CHILDREN processes released at once on an empty folder; each sends back its
 * result byte and its 32 bytes; ok[i] tells whether child i got a key (in got[i]). Returns the
 * number of children that failed. */
static int race_round(const char *sub, unsigned char got[CHILDREN][FC_SECRET_LEN], int ok[CHILDREN])
{
    int go[2], res[2], failed = 0;
    pid_t pids[CHILDREN];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(res), 0);
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            unsigned char msg[1 + FC_SECRET_LEN] = {0};
            char c;
            close(go[1]);
            close(res[0]);
            /* wait for the start: the parent closes the pipe */
            while (read(go[0], &c, 1) > 0)
                ;
            msg[0] = (unsigned char)i;
            if (fc_secret_load(sub, msg + 1) != FC_OK)
                msg[0] |= 0x80;
            /* atomic: at most PIPE_BUF bytes */
            _exit(write(res[1], msg, sizeof msg) == (ssize_t)sizeof msg ? 0 : 1);
        }
    }
    close(go[0]);
    close(res[1]);
    close(go[1]); /* go */
    for (int i = 0; i < CHILDREN; i++) {
        unsigned char msg[1 + FC_SECRET_LEN];
        assert_int_equal(read(res[0], msg, sizeof msg), (ssize_t)sizeof msg);
        if (msg[0] & 0x80)
            failed++;
        ok[msg[0] & 0x7f] = !(msg[0] & 0x80);
        memcpy(got[msg[0] & 0x7f], msg + 1, FC_SECRET_LEN);
    }
    close(res[0]);
    for (int i = 0; i < CHILDREN; i++) {
        int st;
        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    return failed;
}

static void test_race_same_key(void **state)
{
    unsigned char got[CHILDREN][FC_SECRET_LEN], file[FC_SECRET_LEN];
    int ok[CHILDREN], failed = 0, differ = 0, leftovers = 0;
    (void)state;
    slow_disk = 1;
    for (int r = 0; r < ROUNDS; r++) {
        char sub[128], path[160];
        FILE *f;
        snprintf(sub, sizeof sub, "%s/race%d", dir, r);
        failed += race_round(sub, got, ok);
        snprintf(path, sizeof path, "%s/secret", sub);
        f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fread(file, 1, sizeof file, f), sizeof file);
        fclose(f);
        for (int i = 0; i < CHILDREN; i++)
            if (ok[i] && memcmp(got[i], file, sizeof file) != 0)
                differ++;
        if (entries(sub, NULL, 0) != 1)
            leftovers++;
    }
    slow_disk = 0;
    if (failed || differ || leftovers)
        fprintf(stderr,
                "# %d rounds of %d processes: %d failed, %d got another key, %d folders with "
                "more than the secret\n",
                ROUNDS, CHILDREN, failed, differ, leftovers);
    assert_int_equal(failed, 0);
    assert_int_equal(differ, 0);
    assert_int_equal(leftovers, 0);
}

/* A read that returns fewer bytes than asked (a FIFO fed in two halves) is continued. */
static void test_short_reads(void **state)
{
    char sub[128], path[160];
    unsigned char want[FC_SECRET_LEN], got[FC_SECRET_LEN];
    pid_t pid;
    int st;
    (void)state;
    for (int i = 0; i < FC_SECRET_LEN; i++)
        want[i] = (unsigned char)(0xa0 + i);
    snprintf(sub, sizeof sub, "%s/short", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/secret", sub);
    assert_int_equal(mkfifo(path, 0600), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_WRONLY);
        if (fd < 0 || write(fd, want, 10) != 10)
            _exit(1);
        usleep(200000);
        if (write(fd, want + 10, sizeof want - 10) != (ssize_t)sizeof want - 10)
            _exit(1);
        close(fd);
        _exit(0);
    }
    assert_int_equal(fc_secret_load(sub, got), FC_OK);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_memory_equal(got, want, sizeof want);
}

/* A file that is there but shorter than a key (left by an older version that crashed while
 * writing it) is an error, not a key of zeros, and is left for the operator. */
static void test_short_file_refused(void **state)
{
    char sub[128], path[160];
    unsigned char got[FC_SECRET_LEN];
    struct stat st;
    FILE *f;
    (void)state;
    snprintf(sub, sizeof sub, "%s/truncated", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/secret", sub);
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("0123456789", 1, 10, f);
    fclose(f);
    assert_int_equal(fc_secret_load(sub, got), FC_ERR);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_created_once_0600),
        cmocka_unit_test(test_race_same_key),
        cmocka_unit_test(test_short_reads),
        cmocka_unit_test(test_short_file_refused),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("secret", tests, setup, teardown);
}
