#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * The merges the extractor made, as a VOSviewer thesaurus: a header line
 * "label<TAB>replace by", then one "form<TAB>canonical name" per merge. A
 * user reviews it, edits or deletes lines (an empty replacement drops the
 * label) and feeds it back with --thesaurus. Tabs and newlines inside names
 * were cleaned to spaces, so every line has exactly two fields.
 */

/* A merge as it is sorted: the comparison needs nothing else, so outputs
 * written at once on several threads (ccg_export_files) share no state. */
typedef struct {
    const char *to, *from;
    size_t k;
} merge;

static int merge_cmp(const void *pa, const void *pb)
{
    const merge *a = pa, *b = pb;
    int c = strcmp(a->to, b->to);
    if (!c)
        c = strcmp(a->from, b->from);
    return c ? c : (a->k > b->k) - (a->k < b->k);
}

int ccg__export_thesaurus(const ccg_network *net, const ccg_annotation *a, FILE *fp,
                          const ccg_export_options *o)
{
    int err = 0;
    ccg_buf b = CCG_BUF_INIT;
    merge *idx = NULL;
    (void)net;
    (void)o;
    if (!a)
        return ccg__err(CCG_EINVAL, "thesaurus export needs the annotation (the merges made)");
    if (!(idx = ccg__malloc((a->n_merges + 1) * sizeof *idx))) {
        err = ccg__err(CCG_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t n = 0;
    for (size_t k = 0; k < a->n_merges; k++)
        if (a->merge_from[k] && a->merge_to[k])
            idx[n++] = (merge){a->merge_to[k], a->merge_from[k], k};
    /* Grouped by canonical name, so a reviewer sees each merge set together. */
    qsort(idx, n, sizeof *idx, merge_cmp);
    fputs("label\treplace by\n", fp);
    for (size_t k = 0; k < n; k++) {
        b.len = 0;
        if (ccg__export_clean(&b, idx[k].from) < 0 || ccg__buf_putc(&b, '\t') < 0 ||
            ccg__export_clean(&b, idx[k].to) < 0 || ccg__buf_putc(&b, '\n') < 0) {
            err = ccg__err(CCG_ENOMEM, "out of memory");
            goto cleanup;
        }
        fwrite(b.data, 1, b.len, fp);
    }
cleanup:
    free(idx);
    ccg__buf_free(&b);
    return err;
}
