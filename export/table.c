#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/*
 * Node tables: rank, label, type, community, then every node column (CSV
 * adds the node id after rank: the edge table refers to nodes by id, since
 * labels need not be unique). Rows are ordered by ccg__export_order.
 */

/* Writes one cell of text, cleaned and escaped for format f. */
static int put_cell(FILE *fp, ccg_buf *b, ccg_output_format f, const char *text)
{
    b->len = 0;
    if (ccg__export_clean(b, text) < 0)
        return ccg__err(CCG_ENOMEM, "out of memory");
    const char *s = b->data;
    switch (f) {
    case CCG_OUT_TSV:
        fputs(s, fp); /* tabs and newlines were cleaned to spaces */
        break;
    case CCG_OUT_CSV: {
        /* RFC 4180: quote fields with a comma, quote or leading/trailing
         * space. A leading = + - @ would make a spreadsheet evaluate the
         * cell as a formula (CSV injection): such text cells get a leading
         * apostrophe, as OWASP recommends, unless they are numbers. */
        bool formula = (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@');
        if (formula) {
            char *end;
            (void)strtod(s, &end);
            formula = *end != '\0';
        }
        size_t n = strlen(s);
        bool quote = formula || strpbrk(s, ",\"") || (n && (s[0] == ' ' || s[n - 1] == ' '));
        if (!quote) {
            fputs(s, fp);
            break;
        }
        fputc('"', fp);
        if (formula)
            fputc('\'', fp);
        for (const char *q; (q = strchr(s, '"')); s = q + 1) {
            fwrite(s, 1, (size_t)(q - s) + 1, fp); /* up to and with the quote ... */
            fputc('"', fp);                         /* ... which is doubled */
        }
        fputs(s, fp);
        fputc('"', fp);
        break;
    }
    case CCG_OUT_MARKDOWN:
        /* CommonMark lets any ASCII punctuation be backslash-escaped: escape
         * what could start markup, a table cell break, raw HTML, an entity,
         * or (on GitHub) inline math, so every label renders as plain text. */
        for (; *s; s++) {
            if (strchr("\\`*_[]<>|~&$", *s))
                fputc('\\', fp);
            fputc(*s, fp);
        }
        break;
    case CCG_OUT_LATEX:
        for (; *s; s++) {
            switch (*s) {
            case '#': case '$': case '%': case '&': case '_': case '{': case '}':
                fputc('\\', fp);
                fputc(*s, fp);
                break;
            case '~': fputs("\\textasciitilde{}", fp); break;
            case '^': fputs("\\textasciicircum{}", fp); break;
            case '\\': fputs("\\textbackslash{}", fp); break;
            case '<': fputs("\\textless{}", fp); break;
            case '>': fputs("\\textgreater{}", fp); break;
            case '|': fputs("\\textbar{}", fp); break;
            default: fputc(*s, fp);
            }
        }
        break;
    default: break;
    }
    return 0;
}

/* Separators of each format: before the first cell, between cells, at line end. */
static void row_start(FILE *fp, ccg_output_format f)
{
    if (f == CCG_OUT_MARKDOWN)
        fputs("| ", fp);
}

static void cell_sep(FILE *fp, ccg_output_format f)
{
    switch (f) {
    case CCG_OUT_TSV: fputc('\t', fp); break;
    case CCG_OUT_CSV: fputc(',', fp); break;
    case CCG_OUT_MARKDOWN: fputs(" | ", fp); break;
    case CCG_OUT_LATEX: fputs(" & ", fp); break;
    default: break;
    }
}

static void row_end(FILE *fp, ccg_output_format f)
{
    switch (f) {
    case CCG_OUT_CSV: fputs("\r\n", fp); break; /* RFC 4180 line ends */
    case CCG_OUT_MARKDOWN: fputs(" |\n", fp); break;
    case CCG_OUT_LATEX: fputs(" \\\\\n", fp); break;
    default: fputc('\n', fp); break;
    }
}

/*
 * The node columns a table shows, as indices into net->node_cols: those
 * named in o->columns (CCG_EINVAL for an unknown name), every column, or
 * for the tables a survey shows (Markdown, LaTeX) by default a few that fit
 * a page: the data tables (CSV, TSV) keep every column.
 */
static int pick_columns(const ccg_network *net, ccg_output_format f, const ccg_export_options *o,
                        size_t **out, size_t *n)
{
    size_t *idx = ccg__malloc((net->n_node_cols + 1) * sizeof *idx);
    size_t k = 0;
    if (!idx)
        return ccg__err(CCG_ENOMEM, "out of memory");
    if (o->columns) {
        const char *p = o->columns;
        while (*p) {
            size_t len = strcspn(p, ",");
            size_t c = 0;
            while (c < net->n_node_cols &&
                   (strlen(net->node_cols[c].name) != len || strncmp(net->node_cols[c].name, p, len)))
                c++;
            if (c == net->n_node_cols) {
                free(idx);
                return ccg__err(CCG_EINVAL, "no node column '%.*s' to show", (int)len, p);
            }
            bool dup = false;
            for (size_t j = 0; j < k; j++)
                dup |= idx[j] == c;
            if (!dup)
                idx[k++] = c;
            p += len + (p[len] == ',');
        }
    } else if (f == CCG_OUT_LATEX || f == CCG_OUT_MARKDOWN) {
        const char *want[] = {"papers", "first_seen", o->size_by ? o->size_by : "pagerank"};
        for (size_t w = 0; w < sizeof want / sizeof *want; w++)
            for (size_t c = 0; c < net->n_node_cols; c++)
                if (strcmp(net->node_cols[c].name, want[w]) == 0) {
                    idx[k++] = c;
                    break;
                }
    } else {
        for (size_t c = 0; c < net->n_node_cols; c++)
            idx[k++] = c;
    }
    *out = idx;
    *n = k;
    return 0;
}

/* Human tables round to 4 significant digits; data tables keep every digit. */
static const char *value_text(const ccg_column *c, size_t i, bool human, char buf[32])
{
    if (human && c->type == CCG_COL_DOUBLE && !isnan(c->d[i])) {
        snprintf(buf, 32, "%.4g", c->d[i]);
        return buf;
    }
    return ccg__column_text(c, i, buf);
}

int ccg__export_table(const ccg_network *net, ccg_output_format f, FILE *fp,
                      const ccg_export_options *o)
{
    int err = 0;
    size_t *order = NULL, *cols = NULL, ncols = 0;
    ccg_buf b = CCG_BUF_INIT;
    bool human = f == CCG_OUT_MARKDOWN || f == CCG_OUT_LATEX;
    bool with_id = f == CCG_OUT_CSV;
    char num[32];
    size_t rows = net->n_nodes;
    if (o->table_rows && o->table_rows < rows)
        rows = o->table_rows;
    const char *title = o->title ? o->title : net->title;

    if ((err = ccg__export_order(net, o->sort_by, &order)) < 0 ||
        (err = pick_columns(net, f, o, &cols, &ncols)) < 0)
        goto cleanup;

    if (f == CCG_OUT_LATEX) {
        /* A booktabs table ready for \input in a survey (needs
         * \usepackage{booktabs}). */
        fputs("\\begin{table}[t]\n\\centering\n", fp);
        if (title) {
            fputs("\\caption{", fp);
            if ((err = put_cell(fp, &b, f, title)) < 0)
                goto cleanup;
            fputs("}\n", fp);
        }
        fputs("\\begin{tabular}{rll", fp);
        if (net->community)
            fputc('r', fp);
        for (size_t k = 0; k < ncols; k++)
            fputc(net->node_cols[cols[k]].type == CCG_COL_STRING ? 'l' : 'r', fp);
        fputs("}\n\\toprule\n", fp);
    }

    /* Header. */
    row_start(fp, f);
    fputs(f == CCG_OUT_LATEX ? "Rank" : "rank", fp);
    if (with_id) {
        cell_sep(fp, f);
        fputs("id", fp);
    }
    cell_sep(fp, f);
    fputs(f == CCG_OUT_LATEX ? "Label" : "label", fp);
    cell_sep(fp, f);
    fputs(f == CCG_OUT_LATEX ? "Type" : "type", fp);
    if (net->community) {
        cell_sep(fp, f);
        fputs(f == CCG_OUT_LATEX ? "Community" : "community", fp);
    }
    for (size_t k = 0; k < ncols; k++) {
        cell_sep(fp, f);
        if ((err = put_cell(fp, &b, f, net->node_cols[cols[k]].name)) < 0)
            goto cleanup;
    }
    row_end(fp, f);
    if (f == CCG_OUT_MARKDOWN) {
        fputs("|---:|:---|:---|", fp);
        if (net->community)
            fputs("---:|", fp);
        for (size_t k = 0; k < ncols; k++)
            fputs(net->node_cols[cols[k]].type == CCG_COL_STRING ? ":---|" : "---:|", fp);
        fputc('\n', fp);
    } else if (f == CCG_OUT_LATEX) {
        fputs("\\midrule\n", fp);
    }

    for (size_t r = 0; r < rows; r++) {
        size_t i = order[r];
        row_start(fp, f);
        fprintf(fp, "%zu", r + 1);
        if (with_id) {
            cell_sep(fp, f);
            if ((err = put_cell(fp, &b, f, net->node_id[i])) < 0)
                goto cleanup;
        }
        cell_sep(fp, f);
        if ((err = put_cell(fp, &b, f, net->node_label[i])) < 0)
            goto cleanup;
        cell_sep(fp, f);
        if ((err = put_cell(fp, &b, f, net->node_type[i])) < 0)
            goto cleanup;
        if (net->community) {
            cell_sep(fp, f);
            if (net->community[i] >= 0)
                fprintf(fp, "%d", net->community[i]);
        }
        for (size_t k = 0; k < ncols; k++) {
            cell_sep(fp, f);
            const ccg_column *col = &net->node_cols[cols[k]];
            if ((err = put_cell(fp, &b, f, value_text(col, i, human, num))) < 0)
                goto cleanup;
        }
        row_end(fp, f);
    }

    if (f == CCG_OUT_LATEX) {
        fputs("\\bottomrule\n\\end{tabular}\n\\end{table}\n", fp);
    } else if (f == CCG_OUT_MARKDOWN && title) {
        /* Pandoc's table caption syntax; other renderers show a paragraph. */
        fputs("\nTable: ", fp);
        if ((err = put_cell(fp, &b, f, title)) < 0)
            goto cleanup;
        fputc('\n', fp);
    }
cleanup:
    ccg__buf_free(&b);
    free(cols);
    free(order);
    return err;
}

int ccg__export_csv_edges(const ccg_network *net, FILE *fp)
{
    int err = 0;
    ccg_buf b = CCG_BUF_INIT;
    char num[32];
    const ccg_output_format f = CCG_OUT_CSV;
    fputs("source,target,weight", fp);
    if (net->edge_label)
        fputs(",label", fp);
    for (size_t c = 0; c < net->n_edge_cols; c++) {
        cell_sep(fp, f);
        if ((err = put_cell(fp, &b, f, net->edge_cols[c].name)) < 0)
            goto cleanup;
    }
    row_end(fp, f);
    for (size_t e = 0; e < net->n_edges; e++) {
        if ((err = put_cell(fp, &b, f, net->node_id[net->source[e]])) < 0)
            goto cleanup;
        cell_sep(fp, f);
        if ((err = put_cell(fp, &b, f, net->node_id[net->target[e]])) < 0)
            goto cleanup;
        cell_sep(fp, f);
        fputs(ccg__fmt_double(num, net->weight[e]), fp);
        if (net->edge_label) {
            cell_sep(fp, f);
            if ((err = put_cell(fp, &b, f, net->edge_label[e])) < 0)
                goto cleanup;
        }
        for (size_t c = 0; c < net->n_edge_cols; c++) {
            cell_sep(fp, f);
            if ((err = put_cell(fp, &b, f, ccg__column_text(&net->edge_cols[c], e, num))) < 0)
                goto cleanup;
        }
        row_end(fp, f);
    }
cleanup:
    ccg__buf_free(&b);
    return err;
}
