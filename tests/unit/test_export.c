/* Unit tests of export/: format names, node order, tables, atomic files,
 * allocation failures. Byte-exact outputs are the golden tests' job. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccg_export.h"
#include "test_export_net.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/ccg_export_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    return rmdir(tmpdir);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(fp);
    return s;
}

static size_t count_files(void)
{
    DIR *d = opendir(tmpdir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void test_format_from_path(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        ccg_output_format f;
    } cases[] = {
        {"a.dot", CCG_OUT_DOT},          {"A.GV", CCG_OUT_DOT},
        {"x/y.graphml", CCG_OUT_GRAPHML}, {"g.gexf", CCG_OUT_GEXF},
        {"f.svg", CCG_OUT_SVG},          {"f.pdf", CCG_OUT_PDF},
        {"f.png", CCG_OUT_PNG},          {"n.json", CCG_OUT_JSON},
        {"n.vos.json", CCG_OUT_VOSVIEWER}, {"t.csv", CCG_OUT_CSV},
        {"t.tsv", CCG_OUT_TSV},          {"top.md", CCG_OUT_MARKDOWN},
        {"top.tex", CCG_OUT_LATEX},      {"m.thesaurus.txt", CCG_OUT_THESAURUS},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ccg_output_format f = CCG_OUT_COUNT;
        assert_int_equal(ccg_output_format_from_path(cases[k].path, &f), 0);
        assert_int_equal(f, cases[k].f);
    }
    ccg_output_format f;
    assert_int_equal(ccg_output_format_from_path("notes.txt", &f), CCG_EINVAL);
    assert_non_null(strstr(ccg_error_last(), "notes.txt"));
    assert_int_equal(ccg_output_format_from_path("graphml", &f), CCG_EINVAL);
    assert_int_equal(ccg_output_format_from_path("", &f), CCG_EINVAL);
}

static void test_format_names_roundtrip(void **state)
{
    (void)state;
    for (int k = 0; k < CCG_OUT_COUNT; k++) {
        ccg_output_format f = CCG_OUT_COUNT;
        assert_int_equal(ccg_output_format_parse(ccg_output_format_name((ccg_output_format)k), &f), 0);
        assert_int_equal(f, k);
    }
    ccg_output_format f;
    assert_int_equal(ccg_output_format_parse("md", &f), 0);
    assert_int_equal(f, CCG_OUT_MARKDOWN);
    assert_int_equal(ccg_output_format_parse("docx", &f), CCG_EINVAL);
    assert_non_null(strstr(ccg_error_last(), "docx"));
    assert_string_equal(ccg_output_format_name(CCG_OUT_COUNT), "?");
}

static void test_options_init(void **state)
{
    (void)state;
    ccg_export_options o;
    memset(&o, 0xff, sizeof o);
    ccg_export_options_init(&o);
    assert_int_equal(o.draw_top, 300);
    assert_int_equal(o.label_top, 40);
    assert_int_equal(o.table_rows, 50);
    assert_null(o.engine);
    assert_null(o.title);
    assert_null(o.sort_by);
}

/* Label of the nth data row (1-based) of a TSV text. */
static void tsv_field(const char *tsv, int row, int field, char *out, size_t cap)
{
    const char *p = tsv;
    for (int r = 0; r < row && p; r++)
        if ((p = strchr(p, '\n')))
            p++;
    assert_non_null(p);
    for (int f = 0; f < field; f++) {
        p = strchr(p, '\t');
        assert_non_null(p);
        p++;
    }
    size_t n = strcspn(p, "\t\n");
    assert_true(n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
}

static void test_tsv_order_and_rows(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    char path[128], cell[64];
    snprintf(path, sizeof path, "%s/t.tsv", tmpdir);
    ccg_export_options o;
    ccg_export_options_init(&o);
    o.table_rows = 4;
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_TSV, path, &o), 0);
    char *s = slurp(path);
    assert_non_null(s);
    assert_true(strncmp(s, "rank\tlabel\ttype\tcommunity\tpapers\tpagerank\tfirst_seen\taliases\tintroduced\n", 72) == 0);
    size_t lines = 0;
    for (char *p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 5); /* header + 4 rows */
    /* By size descending: DPO .21, RLHF .15, LLaMA-3 .13, PPO .12. */
    tsv_field(s, 1, 1, cell, sizeof cell);
    assert_string_equal(cell, "DPO");
    tsv_field(s, 3, 1, cell, sizeof cell);
    assert_string_equal(cell, "LLaMA-3");
    tsv_field(s, 4, 0, cell, sizeof cell);
    assert_string_equal(cell, "4");
    free(s);

    /* Ties (GPT-4 and MATH at .09, accuracy and vLLM at .05) break by label;
     * sorting by a column with a missing value puts it last. */
    o.table_rows = 0;
    o.sort_by = "pagerank";
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_TSV, path, &o), 0);
    s = slurp(path);
    tsv_field(s, 6, 1, cell, sizeof cell);
    assert_string_equal(cell, "GPT-4");
    tsv_field(s, 7, 1, cell, sizeof cell);
    assert_string_equal(cell, "MATH");
    tsv_field(s, 8, 1, cell, sizeof cell);
    assert_string_equal(cell, "vLLM");
    tsv_field(s, 9, 1, cell, sizeof cell);
    assert_string_equal(cell, "accuracy");
    tsv_field(s, 9, 5, cell, sizeof cell);
    assert_string_equal(cell, ""); /* NaN is an empty cell */
    free(s);

    o.sort_by = "no_such_metric";
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_TSV, path, &o), CCG_EINVAL);
    assert_non_null(strstr(ccg_error_last(), "no_such_metric"));
    ccg_network_free(net);
}

static void test_csv_pair_and_quoting(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(1);
    assert_non_null(net);
    char path[128], epath[128];
    snprintf(path, sizeof path, "%s/nodes.csv", tmpdir);
    snprintf(epath, sizeof epath, "%s/nodes.edges.csv", tmpdir);
    ccg_export_options o;
    ccg_export_options_init(&o);
    o.table_rows = 0;
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_CSV, path, &o), 0);
    char *s = slurp(path), *e = slurp(epath);
    assert_non_null(s);
    assert_non_null(e);
    /* 9 rows + header, CRLF line ends, no bare LF from the label with \n. */
    size_t crlf = 0, lf = 0;
    for (char *p = s; *p; p++) {
        lf += *p == '\n';
        crlf += *p == '\r' && p[1] == '\n';
    }
    assert_int_equal(crlf, 10);
    assert_int_equal(lf, 10);
    assert_non_null(strstr(s, "\"'=HYPERLINK(\"\"http://x\"\")\""));
    assert_non_null(strstr(s, "\"]]> & \"\"quoted\"\" 'single' <!-- -->\""));
    assert_null(strchr(s, '\x01'));
    assert_non_null(strstr(e, "source,target,weight,label,papers\r\n"));
    assert_non_null(strstr(e, "\"<id&\"\"0\"\">\",n1,12,\"<uses> \"\"&\"\" \\\",2410.00002\r\n"));
    free(s);
    free(e);
    ccg_network_free(net);
}

static void test_unwritable_leaves_nothing(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    char path[160];
    snprintf(path, sizeof path, "%s/missing-dir/t.tsv", tmpdir);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_TSV, path, NULL), CCG_EIO);
    assert_non_null(strstr(ccg_error_last(), "missing-dir/t.tsv"));
    /* A failing export leaves neither the file nor its temporary. */
    snprintf(path, sizeof path, "%s/t.tsv", tmpdir);
    ccg_export_options o;
    ccg_export_options_init(&o);
    o.sort_by = "nope";
    size_t before = count_files();
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_TSV, path, &o), CCG_EINVAL);
    assert_int_equal(count_files(), before);
    /* The thesaurus needs the annotation. */
    snprintf(path, sizeof path, "%s/m.thesaurus.txt", tmpdir);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_THESAURUS, path, NULL), CCG_EINVAL);
    assert_int_equal(count_files(), before);
    /* An unknown Graphviz engine is refused before anything is written. */
    ccg_export_options_init(&o);
    o.engine = "frobnicate";
    snprintf(path, sizeof path, "%s/f.svg", tmpdir);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_SVG, path, &o), CCG_EINVAL);
    assert_non_null(strstr(ccg_error_last(), "frobnicate"));
    assert_int_equal(count_files(), before);
    ccg_network_free(net);
}

/* ccg_export_files writes, on several threads, the bytes ccg_export_file
 * writes one output after another; a failing output fails alone and the
 * first failure in order is the one reported. */
static void test_export_files(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    static const ccg_output_format fs[] = {CCG_OUT_GRAPHML, CCG_OUT_SVG, CCG_OUT_GEXF,
                                           CCG_OUT_DOT, CCG_OUT_JSON, CCG_OUT_VOSVIEWER,
                                           CCG_OUT_MARKDOWN, CCG_OUT_LATEX, CCG_OUT_TSV,
                                           CCG_OUT_PNG};
    enum { N = sizeof fs / sizeof *fs };
    char one[N][160], many[N][160];
    ccg_export_job jobs[N + 2];
    memset(jobs, 0, sizeof jobs);
    for (size_t i = 0; i < N; i++) {
        snprintf(one[i], sizeof one[i], "%s/one%zu.%s", tmpdir, i, ccg_output_format_name(fs[i]));
        snprintf(many[i], sizeof many[i], "%s/many%zu.%s", tmpdir, i,
                 ccg_output_format_name(fs[i]));
        assert_int_equal(ccg_export_file(net, NULL, fs[i], one[i], NULL), 0);
        jobs[i].format = fs[i];
        jobs[i].path = many[i];
        ccg_export_options_init(&jobs[i].opts);
    }
    assert_int_equal(ccg_export_files(net, NULL, jobs, N, 4), 0);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(jobs[i].err, 0);
        if (fs[i] == CCG_OUT_PNG)
            continue; /* cairo's PNG bytes vary between runs (NOTES.md); PDF too */
        char *a = slurp(one[i]), *b = slurp(many[i]);
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    /* two failures: the first in order is reported; the others are written */
    char bad1[160], bad2[160], good[160];
    snprintf(bad1, sizeof bad1, "%s/missing-dir/a.tsv", tmpdir);
    snprintf(bad2, sizeof bad2, "%s/missing-dir/b.graphml", tmpdir);
    snprintf(good, sizeof good, "%s/good.md", tmpdir);
    ccg_export_job j2[3] = {{.format = CCG_OUT_GRAPHML, .path = bad2},
                            {.format = CCG_OUT_MARKDOWN, .path = good},
                            {.format = CCG_OUT_TSV, .path = bad1}};
    for (size_t i = 0; i < 3; i++)
        ccg_export_options_init(&j2[i].opts);
    assert_int_equal(ccg_export_files(net, NULL, j2, 3, 3), CCG_EIO);
    assert_non_null(strstr(ccg_error_last(), "missing-dir/b.graphml"));
    assert_int_equal(j2[0].err, CCG_EIO);
    assert_int_equal(j2[1].err, 0);
    assert_int_equal(j2[2].err, CCG_EIO);
    char *md = slurp(good);
    assert_non_null(md);
    free(md);
    assert_int_equal(ccg_export_files(net, NULL, NULL, 0, 2), 0);
    ccg_network_free(net);
}

/* Walks every allocation of each writer: each failure returns CCG_ENOMEM
 * and leaves no file behind; ASan checks nothing leaks. */
static void test_alloc_failures(void **state)
{
    (void)state;
    static const ccg_output_format fmts[] = {
        CCG_OUT_TSV,  CCG_OUT_CSV,       CCG_OUT_MARKDOWN,  CCG_OUT_LATEX, CCG_OUT_GRAPHML,
        CCG_OUT_GEXF, CCG_OUT_JSON,      CCG_OUT_VOSVIEWER, CCG_OUT_DOT,   CCG_OUT_SVG,
        CCG_OUT_THESAURUS};
    ccg_network *net = test_export_net(1);
    assert_non_null(net);
    char *from[] = {"LLaMA3-8B", "rlhf"}, *to[] = {"LLaMA-3", "RLHF"};
    ccg_annotation ann = {.merge_from = from, .merge_to = to, .n_merges = 2};
    ccg_export_options o;
    ccg_export_options_init(&o);
    /* Below the 9 nodes, so figures also walk ccg_network_subgraph's
     * allocations (it once leaked the community labels copied so far). */
    o.draw_top = 4;
    char path[128];
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        snprintf(path, sizeof path, "%s/alloc.%s", tmpdir, ccg_output_format_name(fmts[k]));
        int ok = 0;
        for (unsigned long n = 1; n < 10000 && !ok; n++) {
            size_t before = count_files();
            ccg_alloc_fail_after(n);
            int err = ccg_export_file(net, &ann, fmts[k], path, &o);
            ccg_alloc_fail_after(0);
            if (err == 0) {
                ok = 1;
            } else {
                assert_int_equal(err, CCG_ENOMEM);
                assert_int_equal(count_files(), before);
            }
        }
        assert_true(ok);
    }
    ccg_network_free(net);
}

/* Found by random labels: a legend with no known type and no size metric
 * once wrote an empty <FONT></FONT>, which Graphviz's HTML parser rejects. */
static void test_figure_unusual_legend(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    for (size_t i = 0; i < net->n_nodes; i++)
        net->node_type[i][0] = 'X'; /* "Xethod", "Xataset": no known type */
    ccg_export_options o;
    ccg_export_options_init(&o);
    o.title = "";
    char path[128];
    snprintf(path, sizeof path, "%s/legend.svg", tmpdir);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_SVG, path, &o), 0);
    char *svg = slurp(path);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "Concept co&#45;mention network (9 nodes)"));
    free(svg);
    ccg_network_free(net);
}

static void test_table_columns(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    char path[128];
    ccg_export_options o;
    ccg_export_options_init(&o);
    snprintf(path, sizeof path, "%s/t.md", tmpdir);
    o.columns = "pagerank,papers";
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_MARKDOWN, path, &o), 0);
    char *s = slurp(path);
    assert_non_null(s);
    assert_true(strncmp(s, "| rank | label | type | community | pagerank | papers |\n", 56) == 0);
    assert_non_null(strstr(s, "| 1 | DPO | method | 0 | 0.1963 | 40 |\n"));
    free(s);
    /* LaTeX shows a page-wide selection by default. */
    snprintf(path, sizeof path, "%s/t.tex", tmpdir);
    o.columns = NULL;
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_LATEX, path, &o), 0);
    s = slurp(path);
    assert_non_null(strstr(s, "Rank & Label & Type & Community & papers & first\\_seen & pagerank \\\\\n"));
    assert_null(strstr(s, "aliases"));
    free(s);
    o.columns = "papers,nope";
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_LATEX, path, &o), CCG_EINVAL);
    assert_non_null(strstr(ccg_error_last(), "'nope'"));
    ccg_network_free(net);
}

/* The bounding box of the first shape (ellipse or polygon) after s. */
static bool shape_box(const char *s, double box[4])
{
    const char *e = strstr(s, "<ellipse"), *p = strstr(s, "<polygon");
    if (e && (!p || e < p)) {
        double cx, cy, rx, ry;
        const char *q = strstr(e, " cx=\"");
        if (!q || sscanf(q, " cx=\"%lf\" cy=\"%lf\" rx=\"%lf\" ry=\"%lf\"", &cx, &cy, &rx, &ry) != 4)
            return false;
        box[0] = cx - rx, box[1] = cy - ry, box[2] = cx + rx, box[3] = cy + ry;
        return true;
    }
    if (!p || !(p = strstr(p, "points=\"")))
        return false;
    p += 8;
    box[0] = box[1] = 1e300;
    box[2] = box[3] = -1e300;
    double x, y;
    int used;
    while (sscanf(p, "%lf,%lf%n", &x, &y, &used) == 2) {
        box[0] = x < box[0] ? x : box[0], box[1] = y < box[1] ? y : box[1];
        box[2] = x > box[2] ? x : box[2], box[3] = y > box[3] ? y : box[3];
        p += used;
    }
    return box[0] <= box[2];
}

/* A layout that stacks nodes on one another still draws them apart: the
 * figure removes overlaps itself (deterministically; Graphviz's prism moved
 * labels with the memory layout of the run), and twice gives the same bytes. */
static void test_figure_nodes_apart(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    for (size_t i = 0; i < net->n_nodes; i++) {
        net->x[i] = i % 3 ? 0.5 : 0.5 + 1e-9 * (double)i; /* all on one point, or nearly */
        net->y[i] = 0.5;
    }
    char path[128], path2[128];
    snprintf(path, sizeof path, "%s/stack.svg", tmpdir);
    snprintf(path2, sizeof path2, "%s/stack2.svg", tmpdir);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_SVG, path, NULL), 0);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_SVG, path2, NULL), 0);
    char *svg = slurp(path), *svg2 = slurp(path2);
    assert_non_null(svg);
    assert_non_null(svg2);
    assert_string_equal(svg, svg2);
    double box[64][4];
    size_t n = 0;
    for (const char *p = strstr(svg, "class=\"node\""); p && n < 64;
         p = strstr(p + 1, "class=\"node\""))
        assert_true(shape_box(p, box[n++]));
    assert_int_equal(n, net->n_nodes);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            /* SVG coordinates have two decimals */
            bool apart = box[i][2] <= box[j][0] + 0.02 || box[j][2] <= box[i][0] + 0.02 ||
                         box[i][3] <= box[j][1] + 0.02 || box[j][3] <= box[i][1] + 0.02;
            if (!apart)
                fail_msg("nodes %zu and %zu overlap", i, j);
        }
    free(svg);
    free(svg2);
    ccg_network_free(net);
}

/* A network whose layout covers only some nodes (build lays out the drawn
 * top only): positions are left out for the others, never written as NaN. */
static void test_partial_layout(void **state)
{
    (void)state;
    ccg_network *net = test_export_net(0);
    assert_non_null(net);
    net->x[3] = net->y[3] = 0.0 / 0.0;
    char path[128];
    static const ccg_output_format fmts[] = {CCG_OUT_GRAPHML, CCG_OUT_GEXF, CCG_OUT_JSON,
                                             CCG_OUT_VOSVIEWER, CCG_OUT_DOT};
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        snprintf(path, sizeof path, "%s/partial.%s", tmpdir, ccg_output_format_name(fmts[k]));
        assert_int_equal(ccg_export_file(net, NULL, fmts[k], path, NULL), 0);
        char *s = slurp(path);
        assert_non_null(s);
        assert_null(strstr(s, "nan"));
        assert_null(strstr(s, "x=\"\""));
        assert_null(strstr(s, "\"x\": null"));
        assert_null(strstr(s, "n3\t[pos"));
        free(s);
    }
    /* The figure draws the top nodes that have a position: with room for
     * three and DPO unplaced, RLHF, LLaMA-3 and PPO; LLaMA-3 has no edge
     * to the other two, so it is left out as an isolated dot. */
    net->x[0] = net->y[0] = 0.0 / 0.0;
    ccg_export_options o;
    ccg_export_options_init(&o);
    o.draw_top = 3;
    snprintf(path, sizeof path, "%s/partial.svg", tmpdir);
    assert_int_equal(ccg_export_file(net, NULL, CCG_OUT_SVG, path, &o), 0);
    char *svg = slurp(path);
    assert_non_null(svg);
    assert_null(strstr(svg, ">DPO<"));
    assert_non_null(strstr(svg, ">RLHF<"));
    assert_null(strstr(svg, ">LLaMA&#45;3<"));
    assert_non_null(strstr(svg, ">PPO<"));
    free(svg);
    ccg_network_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_from_path),
        cmocka_unit_test(test_format_names_roundtrip),
        cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_tsv_order_and_rows),
        cmocka_unit_test(test_csv_pair_and_quoting),
        cmocka_unit_test(test_unwritable_leaves_nothing),
        cmocka_unit_test(test_export_files),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_partial_layout),
        cmocka_unit_test(test_table_columns),
        cmocka_unit_test(test_figure_unusual_legend),
        cmocka_unit_test(test_figure_nodes_apart),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
