/*
 * export_fixture FORMAT PATH [hostile] [random=SEED] [sort=COL] [rows=N]
 * [engine=E] [label_top=N] [draw_top=N] [columns=A,B]: writes the hand-made test network
 * (tests/unit/test_export_net.c), or a random-bytes one, in FORMAT to PATH
 * ("-" = stdout). The golden, reader and random-label tests run it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccg_export.h"
#include "test_export_net.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: export_fixture FORMAT PATH [hostile] [sort=COL] [rows=N] [engine=E]\n");
        return 2;
    }
    int hostile = 0;
    long random_seed = -1;
    ccg_export_options o;
    ccg_export_options_init(&o);
    for (int k = 3; k < argc; k++) {
        if (strcmp(argv[k], "hostile") == 0)
            hostile = 1;
        else if (strncmp(argv[k], "sort=", 5) == 0)
            o.sort_by = argv[k] + 5;
        else if (strncmp(argv[k], "rows=", 5) == 0)
            o.table_rows = strtoul(argv[k] + 5, NULL, 10);
        else if (strncmp(argv[k], "engine=", 7) == 0)
            o.engine = argv[k] + 7;
        else if (strncmp(argv[k], "label_top=", 10) == 0)
            o.label_top = strtoul(argv[k] + 10, NULL, 10);
        else if (strncmp(argv[k], "draw_top=", 9) == 0)
            o.draw_top = strtoul(argv[k] + 9, NULL, 10);
        else if (strncmp(argv[k], "columns=", 8) == 0)
            o.columns = argv[k] + 8;
        else if (strncmp(argv[k], "random=", 7) == 0)
            random_seed = strtol(argv[k] + 7, NULL, 10);
    }
    ccg_output_format f;
    if (ccg_output_format_parse(argv[1], &f) < 0) {
        fprintf(stderr, "export_fixture: %s\n", ccg_error_last());
        return 2;
    }
    ccg_network *net = random_seed >= 0 ? test_export_random_net((unsigned)random_seed)
                                        : test_export_net(hostile);
    if (!net) {
        fprintf(stderr, "export_fixture: out of memory\n");
        return 1;
    }
    ccg_annotation a = {0};
    char *from[] = {"LLaMA3-8B", "Direct Preference Optimization", hostile ? "<evil>\t&" : "GPT4",
                    "rlhf"};
    char *to[] = {"LLaMA-3", "DPO", hostile ? "x\ny\\" : "GPT-4", "RLHF"};
    a.merge_from = from;
    a.merge_to = to;
    a.n_merges = 4;
    int err = ccg_export_file(net, &a, f, argv[2], &o);
    if (err < 0)
        fprintf(stderr, "export_fixture: %s\n", ccg_error_last());
    ccg_network_free(net);
    return err < 0 ? 1 : 0;
}
