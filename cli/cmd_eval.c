/*
 * ccgraph eval: extraction scored against a gold file, exactly as
 * ANNOTATION.md says: per paper, a prediction matches a gold entity by name
 * or form after folding case and dropping spaces, hyphens and underscores
 * (and a trailing plural s); a prediction matching only an ignore string
 * is not counted; micro precision, recall and F1; type and introduced
 * accuracy on the matched pairs.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_extract.h"
#include "util.h"

/* The scoring key: case folded, no spaces, hyphens or underscores, no final s. */
static char *score_key(const char *s)
{
    size_t n = strlen(s);
    char *k = malloc(n + 1);
    if (!k)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '-' || c == '_' || c == '\t' || c == '\n')
            continue;
        k[j++] = (char)tolower(c);
    }
    if (j > 1 && k[j - 1] == 's')
        j--;
    k[j] = '\0';
    return k;
}

typedef struct {
    const char *name;
    const char *type;
    bool introduced;
    char **keys;
    size_t n_keys;
    bool matched;
} ent;

static void ent_free(ent *e)
{
    for (size_t i = 0; i < e->n_keys; i++)
        free(e->keys[i]);
    free(e->keys);
}

static bool keys_meet(const ent *a, const ent *b)
{
    for (size_t i = 0; i < a->n_keys; i++)
        for (size_t j = 0; j < b->n_keys; j++)
            if (strcmp(a->keys[i], b->keys[j]) == 0)
                return true;
    return false;
}

static int ent_from_json(ent *e, json_t *o)
{
    memset(e, 0, sizeof *e);
    json_t *name = json_object_get(o, "name"), *forms = json_object_get(o, "forms");
    if (!json_is_string(name))
        return -1;
    e->name = json_string_value(name);
    e->type = json_string_value(json_object_get(o, "type"));
    if (!e->type)
        e->type = "";
    e->introduced = json_is_true(json_object_get(o, "introduced"));
    size_t nf = json_is_array(forms) ? json_array_size(forms) : 0;
    e->keys = calloc(nf + 1, sizeof *e->keys);
    if (!e->keys)
        return -1;
    if (!(e->keys[e->n_keys++] = score_key(e->name)))
        return -1;
    for (size_t i = 0; i < nf; i++) {
        const char *f = json_string_value(json_array_get(forms, i));
        if (f && !(e->keys[e->n_keys++] = score_key(f)))
            return -1;
    }
    return 0;
}

typedef struct {
    size_t tp, fp, fn, type_ok, intro_ok;
} score;

/* Scores one paper; prints its errors when asked. */
static int score_paper(const char *id, json_t *gold, json_t *pred, score *sc, bool errors)
{
    json_t *ge = json_object_get(gold, "entities"), *ig = json_object_get(gold, "ignore");
    json_t *pe = pred ? json_object_get(pred, "entities") : NULL;
    size_t ng = json_array_size(ge), np = json_array_size(pe), ni = json_array_size(ig);
    ent *g = calloc(ng + 1, sizeof *g), *p = calloc(np + 1, sizeof *p);
    ent ign = {0};
    int err = 0;
    if (!g || !p || !(ign.keys = calloc(ni + 1, sizeof *ign.keys))) {
        err = -1;
        goto cleanup;
    }
    for (size_t i = 0; i < ni; i++) {
        const char *s = json_string_value(json_array_get(ig, i));
        if (s && !(ign.keys[ign.n_keys++] = score_key(s))) {
            err = -1;
            goto cleanup;
        }
    }
    for (size_t i = 0; i < ng; i++)
        if (ent_from_json(&g[i], json_array_get(ge, i)) < 0) {
            err = -1;
            goto cleanup;
        }
    for (size_t i = 0; i < np; i++)
        if (ent_from_json(&p[i], json_array_get(pe, i)) < 0) {
            err = -1;
            goto cleanup;
        }
    for (size_t i = 0; i < np; i++) {
        size_t j = 0;
        while (j < ng && (g[j].matched || !keys_meet(&p[i], &g[j])))
            j++;
        if (j < ng) {
            g[j].matched = p[i].matched = true;
            sc->tp++;
            bool tok = strcmp(p[i].type, g[j].type) == 0;
            bool iok = p[i].introduced == g[j].introduced;
            sc->type_ok += tok;
            sc->intro_ok += iok;
            if (errors && !tok)
                printf("%s\ttype\t%s\t%s (gold %s)\n", id, p[i].name, p[i].type, g[j].type);
            if (errors && !iok)
                printf("%s\tintroduced\t%s\t%s (gold %s)\n", id, p[i].name,
                       p[i].introduced ? "true" : "false", g[j].introduced ? "true" : "false");
            continue;
        }
        if (keys_meet(&p[i], &ign))
            continue;
        /* a second prediction for an entity already matched is still wrong */
        sc->fp++;
        if (errors)
            printf("%s\tFP\t%s\t%s\n", id, p[i].name, p[i].type);
    }
    for (size_t j = 0; j < ng; j++)
        if (!g[j].matched) {
            sc->fn++;
            if (errors)
                printf("%s\tFN\t%s\t%s\n", id, g[j].name, g[j].type);
        }
cleanup:
    for (size_t i = 0; g && i < ng; i++)
        ent_free(&g[i]);
    for (size_t i = 0; p && i < np; i++)
        ent_free(&p[i]);
    ent_free(&ign);
    free(g);
    free(p);
    return err;
}

/* The predictions as the JSON objects `ccgraph extract` writes, keyed by id. */
static json_t *predictions(const ccg_corpus *c, const ccg_annotation *a)
{
    json_t *all = json_object();
    if (!all)
        return NULL;
    for (size_t d = 0; d < c->n_records; d++) {
        const ccg_record *rec = c->records[d];
        size_t len;
        char *text = ccg_record_text(rec, &len);
        json_t *ents = json_array(), *obj = json_object();
        if (!text || !ents || !obj) {
            free(text);
            json_decref(ents);
            json_decref(obj);
            json_decref(all);
            return NULL;
        }
        const ccg_doc_entities *de = &a->docs[d];
        for (size_t i = 0; i < de->n; i++) {
            const ccg_doc_entity *it = &de->items[i];
            const ccg_entity *e = &a->entities[it->entity];
            json_t *forms = json_array();
            for (uint32_t k = 0; k < it->count; k++)
                json_array_append_new(forms, json_stringn(text + it->spans[2 * k],
                                                          it->spans[2 * k + 1] - it->spans[2 * k]));
            json_array_append_new(
                ents, json_pack("{s:s, s:s, s:o, s:b}", "name", e->name, "type",
                                ccg_entity_type_name(e->type), "forms", forms, "introduced",
                                it->introduced));
        }
        json_object_set_new(obj, "entities", ents);
        json_object_set_new(all, rec->id ? rec->id : "", obj);
        free(text);
    }
    return all;
}

static const struct option options[] = {
    {"gold", required_argument, NULL, 'g'},
    {"errors", no_argument, NULL, 'e'},
    XCLI_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
static const char *const argnames[] = {"GOLD", NULL, XCLI_ARGNAMES, NULL};
static const char *const help[] = {
    "the gold file (JSON Lines: id, entities, ignore), as in ANNOTATION.md",
    "list false positives, false negatives, type and introduced mismatches",
    XCLI_HELP,
    "show this help",
};

static void usage(FILE *fp)
{
    cli_usage(fp, "ccgraph eval --gold GOLD.jsonl [options] [FILE...]",
              "Extracts the papers of FILE and scores the result against GOLD: precision,\n"
              "recall and F1 (micro), type and introduced accuracy on matched pairs.",
              options, argnames, help);
}

int cmd_eval(int argc, char **argv)
{
    xcli o;
    xcli_init(&o);
    const char *goldpath = NULL;
    bool errors = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "g:eqh", options, NULL)) != -1) {
        int r = xcli_option(&o, c, optarg);
        if (r < 0)
            return CLI_USAGE;
        if (r > 0)
            continue;
        switch (c) {
        case 'g': goldpath = optarg; break;
        case 'e': errors = true; break;
        case 'h': usage(stdout); return CLI_OK;
        default: usage(stderr); return CLI_USAGE;
        }
    }
    if (!goldpath) {
        cli_error("eval: --gold GOLD.jsonl is required");
        usage(stderr);
        return CLI_USAGE;
    }
    FILE *gf = fopen(goldpath, "r");
    if (!gf) {
        cli_error("%s: cannot open", goldpath);
        return CLI_ERROR;
    }
    ccg_corpus *corpus = NULL;
    ccg_extractor *x = NULL;
    ccg_annotation *a = NULL;
    json_t *pred = NULL;
    int rc = CLI_ERROR;
    if (xcli_run(&o, argv + optind, argc - optind, &corpus, &x, &a) != CLI_OK)
        goto done;
    if (!(pred = predictions(corpus, a))) {
        cli_lib_error(CCG_ENOMEM);
        goto done;
    }
    score sc = {0};
    size_t papers = 0, missing = 0;
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    ssize_t n;
    rc = CLI_OK;
    while ((n = getline(&line, &cap, gf)) > 0) {
        lineno++;
        json_error_t je;
        json_t *g = json_loads(line, 0, &je);
        if (!g && n > 1) {
            cli_error("%s:%lu: %s", goldpath, lineno, je.text);
            rc = CLI_ERROR;
            break;
        }
        if (!g)
            continue;
        const char *id = json_string_value(json_object_get(g, "id"));
        if (!id || !json_is_array(json_object_get(g, "entities"))) {
            cli_error("%s:%lu: a gold line needs \"id\" and \"entities\"", goldpath, lineno);
            json_decref(g);
            rc = CLI_ERROR;
            break;
        }
        json_t *p = json_object_get(pred, id);
        missing += p == NULL;
        papers++;
        if (score_paper(id, g, p, &sc, errors) < 0) {
            cli_lib_error(CCG_ENOMEM);
            json_decref(g);
            rc = CLI_ERROR;
            break;
        }
        json_decref(g);
    }
    free(line);
    if (rc == CLI_OK) {
        double pr = sc.tp + sc.fp ? (double)sc.tp / (double)(sc.tp + sc.fp) : 0;
        double re = sc.tp + sc.fn ? (double)sc.tp / (double)(sc.tp + sc.fn) : 0;
        double f1 = pr + re > 0 ? 2 * pr * re / (pr + re) : 0;
        printf("papers\t%zu\t(%zu not in the input)\n", papers, missing);
        printf("precision\t%.4f\t%zu/%zu\n", pr, sc.tp, sc.tp + sc.fp);
        printf("recall\t%.4f\t%zu/%zu\n", re, sc.tp, sc.tp + sc.fn);
        printf("F1\t%.4f\n", f1);
        printf("type accuracy\t%.4f\t%zu/%zu\n", sc.tp ? (double)sc.type_ok / (double)sc.tp : 0,
               sc.type_ok, sc.tp);
        printf("introduced accuracy\t%.4f\t%zu/%zu\n",
               sc.tp ? (double)sc.intro_ok / (double)sc.tp : 0, sc.intro_ok, sc.tp);
    }
done:
    fclose(gf);
    json_decref(pred);
    ccg_annotation_free(a);
    ccg_extractor_free(x);
    ccg_corpus_free(corpus);
    return rc;
}
