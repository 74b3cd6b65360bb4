/* tools/net_json.c - parse --net FILE into a struct helper_net. */
#include "tools/net_json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/json.h"

static int bad(char *err, size_t errlen, const struct json *j, const char *what)
{
    snprintf(err, errlen, "line %u: %s", j ? j->line : 0, what);
    return -EINVAL;
}

static int get_u32(const struct json *obj, const char *key, uint32_t *out, bool required,
                   char *err, size_t errlen)
{
    const struct json *j = json_get(obj, key);
    uint64_t v;
    if (!j) {
        if (!required)
            return 0;
        char m[64];
        snprintf(m, sizeof m, "missing \"%s\"", key);
        return bad(err, errlen, obj, m);
    }
    if (!json_u64(j, &v) || v > UINT32_MAX) {
        char m[64];
        snprintf(m, sizeof m, "\"%s\" must be an integer from 0 to 4294967295", key);
        return bad(err, errlen, j, m);
    }
    *out = (uint32_t)v;
    return 0;
}

static int get_mac(const struct json *obj, const char *key, uint8_t mac[6], char *err,
                   size_t errlen)
{
    const struct json *j = json_get(obj, key);
    if (!j)
        return 0;
    unsigned b[6];
    char tail;
    if (j->type != JSON_STRING ||
        sscanf(j->str, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
        return bad(err, errlen, j, "a MAC address is \"xx:xx:xx:xx:xx:xx\"");
    for (int i = 0; i < 6; i++) {
        if (b[i] > 255)
            return bad(err, errlen, j, "a MAC address is \"xx:xx:xx:xx:xx:xx\"");
        mac[i] = (uint8_t)b[i];
    }
    return 0;
}

/* An address, IPv4 or IPv6, optionally "/len" when plen is given. */
static int get_addr(const struct json *obj, const char *key, uint8_t *family, uint8_t addr[16],
                    uint8_t *plen, bool required, char *err, size_t errlen)
{
    const struct json *j = json_get(obj, key);
    if (!j) {
        if (!required)
            return 0;
        char m[64];
        snprintf(m, sizeof m, "missing \"%s\"", key);
        return bad(err, errlen, obj, m);
    }
    if (j->type != JSON_STRING || strlen(j->str) >= 64)
        return bad(err, errlen, j, "an address is a string such as \"10.0.0.0/8\" or \"2001:db8::1\"");
    char buf[64];
    snprintf(buf, sizeof buf, "%s", j->str);
    char *slash = strchr(buf, '/');
    long len = -1;
    if (slash) {
        char *end;
        *slash = 0;
        len = strtol(slash + 1, &end, 10);
        if (!plen || *end || end == slash + 1)
            return bad(err, errlen, j, "bad prefix length");
    }
    uint8_t fam = strchr(buf, ':') ? AF_INET6 : AF_INET;
    memset(addr, 0, 16);
    if (inet_pton(fam, buf, addr) != 1)
        return bad(err, errlen, j, "not an IPv4 or IPv6 address");
    long max = fam == AF_INET ? 32 : 128;
    if (len > max)
        return bad(err, errlen, j, "prefix length too long for the address family");
    if (*family && *family != fam)
        return bad(err, errlen, j, "address families differ within one entry");
    *family = fam;
    if (plen)
        *plen = (uint8_t)(len < 0 ? max : len);
    return 0;
}

static int route_type(const struct json *r, uint8_t *type, char *err, size_t errlen)
{
    static const struct { const char *name; uint8_t type; } types[] = {
        {"unicast", RTN_UNICAST}, {"local", RTN_LOCAL}, {"blackhole", RTN_BLACKHOLE},
        {"unreachable", RTN_UNREACHABLE}, {"prohibit", RTN_PROHIBIT}};
    const struct json *t = json_get(r, "type");
    *type = RTN_UNICAST;
    if (!t)
        return 0;
    for (size_t i = 0; t->type == JSON_STRING && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t->str, types[i].name) == 0) {
            *type = types[i].type;
            return 0;
        }
    return bad(err, errlen, t, "route type is unicast, local, blackhole, unreachable or prohibit");
}

static const struct json *array(const struct json *root, const char *key)
{
    const struct json *a = json_get(root, key);
    return a && a->type == JSON_ARRAY ? a : NULL;
}

int net_json_load(const char *text, size_t len, struct helper_net *net, char *err, size_t errlen)
{
    memset(net, 0, sizeof(*net));
    struct json *root = json_parse(text, len, err, errlen);
    if (!root)
        return -EINVAL;
    int rc = 0;
    const struct json *devs = array(root, "devices"), *routes = array(root, "routes"),
                      *neighs = array(root, "neighbors");
    if (root->type != JSON_OBJECT) {
        rc = bad(err, errlen, root, "expected {\"devices\": [...], \"routes\": [...], \"neighbors\": [...]}");
        goto out;
    }
    struct helper_net_dev *d = devs ? calloc(devs->n + 1, sizeof(*d)) : NULL;
    struct helper_net_route *r = routes ? calloc(routes->n + 1, sizeof(*r)) : NULL;
    struct helper_net_neigh *n = neighs ? calloc(neighs->n + 1, sizeof(*n)) : NULL;
    net->devs = d;
    net->routes = r;
    net->neighs = n;
    if ((devs && !d) || (routes && !r) || (neighs && !n)) {
        rc = -ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; devs && i < devs->n && !rc; i++) {
        const struct json *e = devs->items[i];
        const struct json *fw = json_get(e, "forwarding");
        rc = get_u32(e, "ifindex", &d[i].ifindex, true, err, errlen);
        if (!rc)
            rc = get_u32(e, "mtu", &d[i].mtu, false, err, errlen);
        if (!rc)
            rc = get_mac(e, "mac", d[i].mac, err, errlen);
        d[i].forwarding = !fw || fw->boolean;
        net->n_devs = (uint32_t)i + 1;
    }
    for (size_t i = 0; routes && i < routes->n && !rc; i++) {
        const struct json *e = routes->items[i];
        rc = get_addr(e, "dst", &r[i].family, r[i].dst, &r[i].prefix_len, true, err, errlen);
        if (!rc)
            rc = get_addr(e, "gw", &r[i].family, r[i].gw, NULL, false, err, errlen);
        if (!rc)
            rc = get_u32(e, "ifindex", &r[i].ifindex, true, err, errlen);
        if (!rc)
            rc = get_u32(e, "metric", &r[i].metric, false, err, errlen);
        if (!rc)
            rc = get_u32(e, "mtu", &r[i].mtu, false, err, errlen);
        if (!rc)
            rc = route_type(e, &r[i].type, err, errlen);
        net->n_routes = (uint32_t)i + 1;
    }
    for (size_t i = 0; neighs && i < neighs->n && !rc; i++) {
        const struct json *e = neighs->items[i];
        rc = get_addr(e, "addr", &n[i].family, n[i].addr, NULL, true, err, errlen);
        if (!rc)
            rc = get_u32(e, "ifindex", &n[i].ifindex, true, err, errlen);
        if (!rc)
            rc = get_mac(e, "mac", n[i].mac, err, errlen);
        net->n_neighs = (uint32_t)i + 1;
    }
out:
    json_free(root);
    if (rc)
        net_json_free(net);
    return rc;
}

void net_json_free(struct helper_net *net)
{
    free((void *)net->devs);
    free((void *)net->routes);
    free((void *)net->neighs);
    memset(net, 0, sizeof(*net));
}
