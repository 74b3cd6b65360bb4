/* tools/pcap_packet.c - one packet out of a capture, for `run --pcap`. */
#include "tools/pcap_packet.h"

#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int pcap_read_packet(const char *path, uint64_t index, uint8_t **data, size_t *len)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline(path, perr);
    if (!p) {
        cli_error(path, "%s", perr);
        return -1;
    }
    struct pcap_pkthdr *h;
    const u_char *bytes;
    uint64_t i = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
        if (i++ != index)
            continue;
        *len = h->caplen;
        *data = malloc(h->caplen ? h->caplen : 1);
        if (*data)
            memcpy(*data, bytes, h->caplen);
        pcap_close(p);
        if (!*data) {
            cli_error(path, "out of memory");
            return -1;
        }
        return 0;
    }
    if (rc == PCAP_ERROR)
        cli_error(path, "packet %" PRIu64 ": %s", i, pcap_geterr(p));
    else
        cli_error(path, "has %" PRIu64 " packets, no packet %" PRIu64 " (counted from 0)", i, index);
    pcap_close(p);
    return -1;
}
