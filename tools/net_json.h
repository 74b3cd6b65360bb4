/* tools/net_json.h - the network bpf_fib_lookup answers from, as JSON
 * (--net FILE):
 *
 * {"devices":   [{"ifindex": 2, "mac": "02:00:00:00:00:02", "mtu": 1500,
 *                 "forwarding": true}],
 *  "routes":    [{"dst": "10.0.0.0/8", "gw": "192.0.2.1", "ifindex": 2,
 *                 "metric": 0, "type": "unicast"}],
 *  "neighbors": [{"addr": "192.0.2.1", "ifindex": 2, "mac": "02:00:00:00:00:09"}]}
 *
 * Route types: unicast (default), local, blackhole, unreachable, prohibit.
 * A route without "gw" is directly connected. */
#ifndef BPFEMU_TOOLS_NET_JSON_H
#define BPFEMU_TOOLS_NET_JSON_H

#include "helpers/helpers.h"

/* Parse; 0, or -EINVAL with "line N: ..." in err. Free with net_json_free. */
int net_json_load(const char *text, size_t len, struct helper_net *net, char *err, size_t errlen);
void net_json_free(struct helper_net *net);

#endif
