/* tools/yaml.c - libyaml's document API turned into a small tree. */
#include "tools/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

void ytree_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        ytree_free(n->items[i]);
        if (n->keys)
            ytree_free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->str);
    free(n);
}

static struct ynode *convert(yaml_document_t *doc, yaml_node_t *yn, int depth, char *err,
                             size_t errlen)
{
    if (depth > MAX_DEPTH) {
        snprintf(err, errlen, "line %lu: nested too deeply (or a recursive alias)",
                 (unsigned long)yn->start_mark.line + 1);
        return NULL;
    }
    struct ynode *n = calloc(1, sizeof(*n));
    if (!n) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    n->line = (unsigned)yn->start_mark.line + 1;
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n->type = Y_SCALAR;
        n->str = malloc(yn->data.scalar.length + 1);
        if (!n->str)
            goto oom;
        memcpy(n->str, yn->data.scalar.value, yn->data.scalar.length);
        n->str[yn->data.scalar.length] = 0;
        n->quoted = yn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        return n;
    case YAML_SEQUENCE_NODE: {
        n->type = Y_SEQ;
        size_t cnt = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->items = calloc(cnt + 1, sizeof(*n->items));
        if (!n->items)
            goto oom;
        for (yaml_node_item_t *it = yn->data.sequence.items.start;
             it < yn->data.sequence.items.top; it++) {
            n->items[n->n] = convert(doc, yaml_document_get_node(doc, *it), depth + 1, err, errlen);
            if (!n->items[n->n])
                goto fail;
            n->n++;
        }
        return n;
    }
    case YAML_MAPPING_NODE: {
        n->type = Y_MAP;
        size_t cnt = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        n->items = calloc(cnt + 1, sizeof(*n->items));
        n->keys = calloc(cnt + 1, sizeof(*n->keys));
        if (!n->items || !n->keys)
            goto oom;
        for (yaml_node_pair_t *p = yn->data.mapping.pairs.start; p < yn->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (k->type != YAML_SCALAR_NODE) {
                snprintf(err, errlen, "line %lu: a mapping key must be a plain value",
                         (unsigned long)k->start_mark.line + 1);
                goto fail;
            }
            n->keys[n->n] = convert(doc, k, depth + 1, err, errlen);
            if (!n->keys[n->n])
                goto fail;
            n->items[n->n] = convert(doc, yaml_document_get_node(doc, p->value), depth + 1, err,
                                     errlen);
            if (!n->items[n->n]) {
                ytree_free(n->keys[n->n]);
                goto fail;
            }
            for (size_t i = 0; i < n->n; i++)
                if (!strcmp(n->keys[i]->str, n->keys[n->n]->str)) {
                    snprintf(err, errlen, "line %u: key '%s' given twice (first on line %u)",
                             n->keys[n->n]->line, n->keys[n->n]->str, n->keys[i]->line);
                    n->n++;
                    goto fail;
                }
            n->n++;
        }
        return n;
    }
    default:
        snprintf(err, errlen, "line %u: empty node", n->line);
        goto fail;
    }
oom:
    snprintf(err, errlen, "out of memory");
fail:
    ytree_free(n);
    return NULL;
}

struct ynode *ytree_load(const char *text, size_t len, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;
        snprintf(err, errlen, "line %lu: %s%s%s", (unsigned long)m->line + 1,
                 parser.problem ? parser.problem : "invalid YAML",
                 parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return NULL;
    }
    struct ynode *root;
    yaml_node_t *r = yaml_document_get_root_node(&doc);
    if (!r) {
        root = calloc(1, sizeof(*root));
        if (root) {
            root->type = Y_MAP;
            root->line = 1;
        } else {
            snprintf(err, errlen, "out of memory");
        }
    } else {
        root = convert(&doc, r, 0, err, errlen);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return root;
}

const struct ynode *ytree_get(const struct ynode *map, const char *key)
{
    if (!map || map->type != Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i]->str, key))
            return map->items[i];
    return NULL;
}

const char *ytree_kind(const struct ynode *n)
{
    return n->type == Y_MAP ? "a mapping" : n->type == Y_SEQ ? "a list" : "a value";
}

bool ytree_is_null(const struct ynode *n)
{
    return n && n->type == Y_SCALAR && !n->quoted &&
           (!n->str[0] || !strcmp(n->str, "~") || !strcmp(n->str, "null"));
}
