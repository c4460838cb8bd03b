/*
 * fuzz_read_replay.c: a main() for compilers without libFuzzer: feeds each
 * file named on the command line (or each file in a named folder) to
 * LLVMFuzzerTestOneInput once, so the fuzz corpora run as ordinary tests.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += k;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    if (!buf)
        return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    int failed = 0, runs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char **names = NULL;
            size_t n = 0;
            while (d && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                    continue;
                names = realloc(names, (n + 1) * sizeof *names);
                size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
                names[n] = malloc(len);
                snprintf(names[n++], len, "%s/%s", argv[i], e->d_name);
            }
            if (d)
                closedir(d);
            qsort(names, n, sizeof *names, cmp);
            for (size_t k = 0; k < n; k++) {
                failed |= run_file(names[k]);
                runs++;
                free(names[k]);
            }
            free(names);
        } else {
            failed |= run_file(argv[i]);
            runs++;
        }
    }
    printf("replayed %d inputs\n", runs);
    return failed || runs == 0;
}
