/* tools/run_sockets.c - `bpfemu run OBJ --sockets FILE [--json]`: a script
 * of socket events (the attach: and sockets: keys of a socket test,
 * docs/sockets.md) run on the object's sock_ops / sk_msg / sk_skb
 * programs, printing per event the programs run, their return values and
 * where the bytes went. The object is verified first (as `run` does);
 * bad scripts, attachments and program faults exit 2 with one line. */
#include "tools/run_object.h"
#include "tools/testspec_sock.h"
#include "tools/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_script(const char *path, struct ts_sock **out)
{
    uint8_t *buf;
    size_t len;
    int rc = cli_read_file_errno(path, &buf, &len);
    if (rc) {
        cli_error(path, "%s", strerror(rc));
        return CLI_EXIT_BAD_INPUT;
    }
    char err[1024];
    struct ynode *root = ytree_load((const char *)buf, len, err, sizeof err);
    free(buf);
    if (!root) {
        cli_error(path, "%s", err);
        return CLI_EXIT_BAD_INPUT;
    }
    rc = CLI_EXIT_BAD_INPUT;
    const struct ynode *sockets = ytree_get(root, "sockets");
    if (root->type != Y_MAP) {
        cli_error(path, "line %u: a socket script is a mapping with attach: and sockets:",
                  root->line);
    } else if (!sockets) {
        cli_error(path, "line %u: the script needs a 'sockets:' list of events", root->line);
    } else {
        size_t i;
        for (i = 0; i < root->n; i++)
            if (strcmp(root->keys[i]->str, "attach") && strcmp(root->keys[i]->str, "sockets"))
                break;
        if (i < root->n)
            cli_error(path, "line %u: unknown key '%s' (expected attach and sockets)",
                      root->keys[i]->line, root->keys[i]->str);
        else if (ts_sock_parse(ytree_get(root, "attach"), sockets, NULL, out, err, sizeof err))
            cli_error(path, "%s", err);
        else
            rc = 0;
    }
    ytree_free(root);
    return rc;
}

int run_sockets(const char *file, const char *script, struct env_cli *envo, bool json,
                bool no_verify, int priv)
{
    struct ts_sock *s = NULL;
    struct vm_object *obj = NULL;
    struct helper_env *env = NULL;
    char err[1024];
    int rc = load_script(script, &s);
    if (rc)
        return rc;
    if ((rc = object_open(file, &obj, err, sizeof err)))
        goto out;
    rc = CLI_EXIT_BAD_INPUT;
    if (helper_env_create(obj, &envo->opts, &env, err, sizeof err)) {
        cli_error(file, "%s", err);
        goto out;
    }
    if (!no_verify && object_verify(file, env, NULL, priv, false))
        goto out;
    if (ts_sock_print(s, env, json, stdout, err, sizeof err)) {
        cli_error(script, "%s", err);
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    helper_env_destroy(env);
    vm_object_free(obj);
    ts_sock_free(s);
    return rc;
}
