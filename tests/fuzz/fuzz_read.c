/*
 * fuzz_read.c: libFuzzer target for one reader, chosen at build time with
 * -DCCG_FUZZ_FORMAT=CCG_FORMAT_X (CCG_FORMAT_AUTO also fuzzes detection).
 * Each input goes through the whole public path: open (gzip detection
 * included), every record, ccg_record_text and ccg_record_to_json, strict
 * and not. Readers open files, so the input is written to one temporary
 * file, reused for every run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccg_record.h"

#ifndef CCG_FUZZ_FORMAT
#define CCG_FUZZ_FORMAT CCG_FORMAT_AUTO
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void cleanup(void) { unlink(path); }

static void read_all(bool strict)
{
    ccg_reader_options o = {.format = CCG_FUZZ_FORMAT, .strict = strict};
    ccg_reader *r = NULL;
    if (ccg_reader_open(&r, path, &o) < 0)
        return;
    ccg_record *rec;
    while (ccg_reader_next(r, &rec) > 0) {
        size_t len;
        char *text = ccg_record_text(rec, &len), *json = NULL;
        if (text && strlen(text) != len)
            abort(); /* records never hold NUL bytes */
        if (ccg_record_to_json(rec, &json) == 0 && (!rec->id || !json || json[0] != '{'))
            abort();
        free(text);
        free(json);
        ccg_record_free(rec);
    }
    ccg_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/ccg_fuzz_read_XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(cleanup);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
        abort();
    read_all(false);
    read_all(true);
    return 0;
}
