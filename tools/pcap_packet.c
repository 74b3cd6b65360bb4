/* tools/pcap_packet.c - one packet out of a capture, for `run --pcap`. */
#include "tools/pcap_packet.h"

#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pcap_read_packet_err(const char *path, uint64_t index, uint8_t **data, size_t *len, char *err,
                         size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline(path, perr);
    if (!p) {
        /* libpcap's message names the file already when it could not open it */
        if (strncmp(perr, path, strlen(path)) == 0)
            snprintf(err, errlen, "%s", perr);
        else
            snprintf(err, errlen, "%s: %s", path, perr);
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
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        return 0;
    }
    if (rc == PCAP_ERROR)
        snprintf(err, errlen, "%s: packet %" PRIu64 ": %s", path, i, pcap_geterr(p));
    else
        snprintf(err, errlen, "%s: has %" PRIu64 " packets, no packet %" PRIu64 " (counted from 0)",
                 path, i, index);
    pcap_close(p);
    return -1;
}

int pcap_read_packet(const char *path, uint64_t index, uint8_t **data, size_t *len)
{
    char err[PCAP_ERRBUF_SIZE + 512];
    if (pcap_read_packet_err(path, index, data, len, err, sizeof err) == 0)
        return 0;
    /* the message starts with the path, as cli_error's "bpfemu: FILE: ..." */
    fprintf(stderr, "bpfemu: %s\n", err);
    return -1;
}
