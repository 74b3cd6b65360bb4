/* tools/yaml.h - a YAML document (libyaml) as a tree with line numbers,
 * for the test files of `bpfemu test`. Scalars keep their text (and
 * whether they were quoted); anchors and aliases are resolved. */
#ifndef BPFEMU_TOOLS_YAML_H
#define BPFEMU_TOOLS_YAML_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_type { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
    enum ynode_type type;
    char *str;                 /* scalar text */
    bool quoted;               /* written in quotes or as a block scalar */
    unsigned line;             /* 1-based */
    struct ynode **items;      /* sequence items / mapping values */
    struct ynode **keys;       /* mapping keys (scalars) */
    size_t n;
};

/* Parse the first document; NULL with "line N: what" in err. An empty
 * document is an empty mapping. */
struct ynode *ytree_load(const char *text, size_t len, char *err, size_t errlen);
void ytree_free(struct ynode *n);
/* Mapping member by key, or NULL. */
const struct ynode *ytree_get(const struct ynode *map, const char *key);
/* "a mapping", "a list", "a value" */
const char *ytree_kind(const struct ynode *n);
/* A scalar that is null: empty and unquoted, "~" or "null". */
bool ytree_is_null(const struct ynode *n);

#endif
