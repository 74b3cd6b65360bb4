/* tools/map_json.h - map contents to and from JSON (--map-out, --map-in). */
#ifndef BPFEMU_TOOLS_MAP_JSON_H
#define BPFEMU_TOOLS_MAP_JSON_H

#include <stdio.h>

#include "helpers/helpers.h"
#include "tools/json.h"

/* Write every map of env as JSON to f. */
void map_json_dump(FILE *f, struct helper_env *env, uint32_t ncpus);
/* Apply the entries of a --map-in document; 0 or -errno with "line N: ..." in err. */
int map_json_load(const char *text, size_t len, struct helper_env *env, uint32_t ncpus, char *err,
                  size_t errlen);

#endif
