/* verifier/object.c - what the verifier needs of a loaded ELF object. */
#include "verifier/verifier.h"

#include <errno.h>
#include <stdlib.h>

int verifier_maps_of_object(const struct vm_object *obj, struct verifier_map **out, uint32_t *n)
{
    *out = calloc(obj->n_maps + 1u, sizeof(**out));
    *n = 0;
    if (!*out)
        return -ENOMEM;
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        const struct vm_map_def *d = &obj->maps[i];
        (*out)[i] = (struct verifier_map){
            .type = d->type,
            .key_size = d->key_size,
            .value_size = d->value_size,
            .max_entries = d->max_entries,
            .flags = d->map_flags,
            /* a lookup in a map-in-map gives a map of the inner shape */
            .inner = d->inner >= 0 && (uint32_t)d->inner < obj->n_maps ? (uint32_t)d->inner + 1 : 0,
            /* .rodata: libbpf freezes it with its initial contents */
            .frozen = d->readonly ? d->data : NULL,
        };
    }
    *n = obj->n_maps;
    return 0;
}
